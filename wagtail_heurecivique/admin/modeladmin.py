"""The Heure Civique back office, built with wagtail-modeladmin: one admin per model.

The forms, views, buttons, filters and permission helpers they use are in the modules
beside this one; wagtail-modeladmin is imported nowhere outside ``admin/``.
"""

from django import forms
from django.urls import re_path
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup

from wagtail_heurecivique.admin.buttons import (
    CommuneButtonHelper,
    HeureCiviqueButtonHelper,
    NeedButtonHelper,
    VolunteerButtonHelper,
)
from wagtail_heurecivique.admin.filters import CommuneListFilter
from wagtail_heurecivique.admin.forms import ImageConsentAdminForm, ScopedAdminModelForm, VolunteerAdminForm
from wagtail_heurecivique.admin.permissions import ReadOnlyPermissionHelper, WorkflowCreatedPermissionHelper
from wagtail_heurecivique.admin.provisioning import ProvisionCommuneView
from wagtail_heurecivique.admin.views import (
    CommuneDeleteView,
    CommuneIndexView,
    HeureCiviqueCreateView,
    HeureCiviqueDeleteView,
    HeureCiviqueEditView,
    HeureCiviqueHistoryView,
    HeureCiviqueIndexView,
    HeureCiviqueInspectView,
    NeedCreateView,
    NeedInspectView,
    NeedSuggestionsView,
    VolunteerCreateView,
    VolunteerInspectView,
    VolunteerLeaveView,
)
from wagtail_heurecivique.core.display import EMPTY
from wagtail_heurecivique.core.enums import (
    MembershipRole,
)
from wagtail_heurecivique.core.models.catalogue import Category, Skill
from wagtail_heurecivique.core.models.communes import Commune, CommuneMembership
from wagtail_heurecivique.core.models.consents import Consent
from wagtail_heurecivique.core.models.needs import HoursRecord, Need, Proposal
from wagtail_heurecivique.core.models.notifications import Notification
from wagtail_heurecivique.core.models.people import Beneficiary, ErasureRequest, Partner, Volunteer
from wagtail_heurecivique.core.models.registrations import Registration
from wagtail_heurecivique.core.scoping import CommuneScopedQuerySet
from wagtail_heurecivique.site.choosers import registration_chooser
from wagtail_heurecivique.site.stories import ImageConsent

#: Editors read the people their stories name and record the consents publication needs.
REFERENTS_AND_EDITORS = (MembershipRole.REFERENT, MembershipRole.EDITOR)


class HeureCiviqueModelAdmin(ModelAdmin):
    """Scoped to the user's communes; inspect, history and spreadsheet exports on.

    A commune is the user's here when they hold one of ``view_roles`` in it (lists,
    inspect, history) or, to create, change or delete, one of ``edit_roles``; what
    they may do with its rows stays their permissions'.
    """

    view_roles = (MembershipRole.REFERENT,)
    edit_roles = (MembershipRole.REFERENT,)

    inspect_view_enabled = True
    history_view_enabled = True
    empty_value_display = EMPTY  # the history's sign for "nothing" (``core.display``)
    add_to_settings_menu = False
    exclude_from_explorer = False
    index_view_class = HeureCiviqueIndexView
    create_view_class = HeureCiviqueCreateView
    edit_view_class = HeureCiviqueEditView
    delete_view_class = HeureCiviqueDeleteView
    inspect_view_class = HeureCiviqueInspectView
    history_view_class = HeureCiviqueHistoryView
    button_helper_class = HeureCiviqueButtonHelper

    def get_menu_label(self):
        # modeladmin title-cases the plural ("Mises En Relation"): not French usage.
        return self.menu_label or capfirst(self.model._meta.verbose_name_plural)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if isinstance(queryset, CommuneScopedQuerySet):
            queryset = queryset.for_user(request.user, self.view_roles)
        return queryset

    def get_edit_handler(self):
        return ObjectList(self.panels, base_form_class=ScopedAdminModelForm)

    def get_inspect_view_fields(self):
        return self.inspect_view_fields or [
            f.name
            for f in self.model._meta.get_fields()
            if (f.concrete or f.many_to_many) and not f.auto_created and f.name != "id"
        ]


class CommuneAdmin(HeureCiviqueModelAdmin):
    model = Commune
    view_roles = REFERENTS_AND_EDITORS
    menu_icon = "home"
    menu_order = 100
    index_view_class = CommuneIndexView
    index_template_name = "wagtail_heurecivique/admin/commune_index.html"
    delete_view_class = CommuneDeleteView
    button_helper_class = CommuneButtonHelper
    list_display = ("name", "insee_code", "departement", "postcodes", "is_active")
    list_filter = ("departement", "is_active")
    search_fields = ("name", "insee_code", "postcodes")
    list_export = ("name", "insee_code", "departement", "postcodes", "monthly_solicitation_cap", "sla_days", "is_active")
    export_filename = "communes"
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("insee_code")]),
        FieldRowPanel([FieldPanel("departement"), FieldPanel("postcodes")]),
        FieldPanel("root_page"),
        MultiFieldPanel(
            [
                FieldPanel("monthly_solicitation_cap"),
                FieldPanel("charter_version"),
                FieldPanel("neighbour_communes", widget=forms.CheckboxSelectMultiple),
                FieldPanel("matching_weights"),
            ],
            heading=_("Programme settings"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("sla_days"),
                FieldRowPanel([FieldPanel("qualify_sla_days"), FieldPanel("match_sla_days"), FieldPanel("follow_up_sla_days")]),
                FieldPanel("proposal_expiry_hours"),
            ],
            heading=_("Time limits of the need workflow"),
        ),
        MultiFieldPanel(
            [FieldPanel("email_sender_name"), FieldRowPanel([FieldPanel("email_from"), FieldPanel("email_reply_to")])],
            heading=_("E-mails of the programme"),
        ),
        FieldPanel("is_active"),
    ]

    def provision_view(self, request, instance_pk=None):
        return ProvisionCommuneView.as_view(url_helper=self.url_helper)(request, instance_pk=instance_pk)

    def get_admin_urls_for_registration(self):
        helper = self.url_helper
        return super().get_admin_urls_for_registration() + (
            re_path(rf"^{helper.base_url_path}/provision/$", self.provision_view,
                    name=helper.get_action_url_name("provision_new")),
            re_path(helper.get_action_url_pattern("provision"), self.provision_view,
                    name=helper.get_action_url_name("provision")),
        )


class CommuneMembershipAdmin(HeureCiviqueModelAdmin):
    model = CommuneMembership
    menu_label = _("Staff of the communes")
    menu_icon = "group"
    menu_order = 110
    list_display = ("user", "commune", "role")
    list_filter = (CommuneListFilter, "role")
    list_select_related = ("user", "commune")
    search_fields = ("user__username", "user__first_name", "user__last_name", "user__email")
    list_export = ("user", "commune", "role")
    export_filename = "membres-communes"
    panels = [FieldPanel("commune"), FieldPanel("user"), FieldPanel("role")]


class VolunteerAdmin(HeureCiviqueModelAdmin):
    model = Volunteer
    view_roles = REFERENTS_AND_EDITORS
    menu_icon = "user"
    menu_order = 200
    list_display = ("__str__", "commune", "postcode", "frequency", "status", "created_at")
    list_filter = (CommuneListFilter, "status", "frequency", "skills")
    list_select_related = ("commune",)
    search_fields = ("first_name", "last_name", "email", "postcode", "neighbourhood")
    list_export = (
        "first_name", "last_name", "email", "phone", "commune", "postcode", "neighbourhood",
        "frequency", "radius_km", "status", "charter_version_accepted", "created_at",
    )
    export_filename = "volontaires"
    create_view_class = VolunteerCreateView
    button_helper_class = VolunteerButtonHelper
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("commune"),
                FieldRowPanel([FieldPanel("first_name"), FieldPanel("last_name")]),
                FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
                FieldRowPanel([FieldPanel("postcode"), FieldPanel("neighbourhood")]),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("Contact"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("skills", widget=forms.CheckboxSelectMultiple),
                FieldPanel("action_kinds"),
                FieldPanel("availability"),
                FieldRowPanel([FieldPanel("frequency"), FieldPanel("radius_km")]),
                FieldPanel("languages"),
            ],
            heading=_("Commitment"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("status"), FieldPanel("paused_until")]),
                FieldRowPanel([FieldPanel("charter_version_accepted"), FieldPanel("charter_channel")]),
                FieldPanel("notes"),
            ],
            heading=_("Follow-up"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("wants_proposal_emails"), FieldPanel("wants_reminders"), FieldPanel("wants_monthly_message")]),
                FieldPanel("message_frequency"),
                FieldPanel("email_bounced_at"),
            ],
            heading=_("E-mails"),
        ),
    ]
    inspect_view_class = VolunteerInspectView

    def leave_view(self, request, instance_pk):
        return VolunteerLeaveView.as_view(model_admin=self, instance_pk=instance_pk)(request)

    def get_admin_urls_for_registration(self):
        return super().get_admin_urls_for_registration() + (
            re_path(
                self.url_helper.get_action_url_pattern("leave"),
                self.leave_view,
                name=self.url_helper.get_action_url_name("leave"),
            ),
        )

    def get_edit_handler(self):
        return ObjectList(self.panels, base_form_class=VolunteerAdminForm)


class BeneficiaryAdmin(HeureCiviqueModelAdmin):
    model = Beneficiary
    view_roles = REFERENTS_AND_EDITORS
    menu_icon = "user"
    menu_order = 300
    list_display = ("__str__", "commune", "postcode", "referred_by", "created_at")
    list_filter = (CommuneListFilter,)
    list_select_related = ("commune", "referred_by")
    search_fields = ("first_name", "last_name", "postcode")
    # Sensitive notes never leave through an export.
    list_export = ("first_name", "last_name", "phone", "email", "address", "postcode", "commune", "referred_by", "created_at")
    export_filename = "beneficiaires"
    panels = [
        FieldPanel("commune"),
        FieldRowPanel([FieldPanel("first_name"), FieldPanel("last_name")]),
        FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
        FieldRowPanel([FieldPanel("address"), FieldPanel("postcode")]),
        FieldPanel("referred_by"),
        FieldPanel("sensitive_notes", permission="wagtail_heurecivique.view_sensitive_notes"),
    ]


class PartnerAdmin(HeureCiviqueModelAdmin):
    model = Partner
    menu_icon = "site"
    menu_order = 400
    list_display = ("name", "kind", "commune", "contact_name", "can_refer")
    list_filter = (CommuneListFilter, "kind", "can_refer")
    list_select_related = ("commune",)
    search_fields = ("name", "contact_name", "email")
    list_export = ("name", "kind", "commune", "contact_name", "email", "phone", "address", "can_refer")
    export_filename = "partenaires"
    panels = [
        FieldPanel("commune"),
        FieldRowPanel([FieldPanel("name"), FieldPanel("kind")]),
        FieldRowPanel([FieldPanel("contact_name"), FieldPanel("email"), FieldPanel("phone")]),
        FieldPanel("address"),
        FieldPanel("can_refer"),
    ]


class NeedAdmin(HeureCiviqueModelAdmin):
    model = Need
    menu_icon = "help"
    menu_order = 500
    list_display = ("title", "reference", "commune", "kind", "category", "urgency", "status", "created_at")
    list_filter = (CommuneListFilter, "status", "kind", "urgency", "category", "source")
    list_select_related = ("commune", "category")
    search_fields = ("reference", "title", "description", "place")
    list_export = (
        "reference", "title", "commune", "kind", "category", "source", "urgency", "status",
        "wished_start", "wished_end", "estimated_minutes", "volunteers_wanted", "postcode", "created_at",
    )
    export_filename = "besoins"
    button_helper_class = NeedButtonHelper
    create_view_class = NeedCreateView
    inspect_view_class = NeedInspectView

    def suggestions_view(self, request, instance_pk):
        return NeedSuggestionsView.as_view(model_admin=self, instance_pk=instance_pk)(request)

    def get_admin_urls_for_registration(self):
        return super().get_admin_urls_for_registration() + (
            re_path(
                self.url_helper.get_action_url_pattern("suggestions"),
                self.suggestions_view,
                name=self.url_helper.get_action_url_name("suggestions"),
            ),
        )
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("commune"),
                FieldPanel("title"),
                FieldRowPanel([FieldPanel("kind"), FieldPanel("category")]),
                FieldPanel("description"),
                FieldPanel("skills", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("The need"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("beneficiary"),
                FieldRowPanel([FieldPanel("source"), FieldPanel("referrer")]),
                FieldRowPanel([FieldPanel("referrer_name"), FieldPanel("referrer_email")]),
            ],
            heading=_("Who for, raised by whom"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("urgency"), FieldPanel("volunteers_wanted")]),
                FieldRowPanel([FieldPanel("wished_start"), FieldPanel("wished_end")]),
                FieldPanel("wished_slots"),
                FieldRowPanel([FieldPanel("estimated_minutes"), FieldPanel("language")]),
                FieldRowPanel([FieldPanel("place"), FieldPanel("postcode"), FieldPanel("neighbourhood")]),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("When and where"),
        ),
        # No status here: the need workflow moves it, step by step, with its history.
    ]


class ProposalAdmin(HeureCiviqueModelAdmin):
    model = Proposal
    menu_icon = "link"
    menu_order = 600
    list_display = ("need", "volunteer", "status", "proposed_at", "answered_at")
    list_filter = (CommuneListFilter, "status")
    list_select_related = ("need", "volunteer")
    search_fields = ("need__title", "volunteer__first_name", "volunteer__last_name")
    list_export = ("need", "volunteer", "status", "score", "proposed_at", "answered_at", "rating", "volunteer_rating")
    export_filename = "mises-en-relation"
    permission_helper_class = WorkflowCreatedPermissionHelper
    # Who was proposed and what they answered belong to the need workflow; the back
    # office completes the feedback only.
    panels = [
        FieldRowPanel([FieldPanel("rating"), FieldPanel("volunteer_rating")]),
        FieldPanel("volunteer_feedback"),
        FieldPanel("beneficiary_feedback"),
    ]


class HoursRecordAdmin(HeureCiviqueModelAdmin):
    model = HoursRecord
    menu_icon = "time"
    menu_order = 700
    list_display = ("volunteer", "date", "minutes", "description")
    list_filter = (CommuneListFilter,)
    # The export prints each proposal as "need → volunteer".
    list_select_related = ("volunteer", "proposal__need", "proposal__volunteer")
    search_fields = ("volunteer__first_name", "volunteer__last_name", "description")
    list_export = ("volunteer", "date", "minutes", "description", "proposal")
    export_filename = "heures-donnees"
    panels = [
        FieldPanel("volunteer"),
        FieldPanel("proposal"),
        FieldRowPanel([FieldPanel("date"), FieldPanel("minutes")]),
        FieldPanel("description"),
    ]


class ConsentAdmin(HeureCiviqueModelAdmin):
    model = Consent
    view_roles = edit_roles = REFERENTS_AND_EDITORS
    menu_icon = "tick-inverse"
    menu_order = 800
    list_display = ("__str__", "purpose", "text_version", "given_at", "withdrawn_at")
    list_filter = (CommuneListFilter, "purpose")
    list_select_related = ("volunteer", "beneficiary", "registration")
    search_fields = ("volunteer__last_name", "beneficiary__last_name", "registration__first_name", "given_by")
    list_export = ("volunteer", "beneficiary", "registration", "purpose", "text_version", "given_at", "given_by",
                   "withdrawn_at")
    export_filename = "consentements"
    panels = [
        FieldRowPanel([
            FieldPanel("volunteer"), FieldPanel("beneficiary"),
            # A chooser, which lists the user's communes' registrants: a select would list them all.
            FieldPanel("registration", widget=registration_chooser.widget_class),
        ]),
        FieldRowPanel([FieldPanel("purpose"), FieldPanel("text_version")]),
        FieldRowPanel([FieldPanel("given_at"), FieldPanel("given_by")]),
        FieldPanel("withdrawn_at"),
    ]


class CategoryAdmin(HeureCiviqueModelAdmin):
    model = Category
    menu_icon = "tag"
    menu_order = 900
    list_display = ("name", "action_kind")
    search_fields = ("name",)
    list_export = ("name", "slug", "action_kind", "description")
    export_filename = "categories"
    prepopulated_fields = {"slug": ("name",)}
    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("action_kind"), FieldPanel("description")]


class SkillAdmin(HeureCiviqueModelAdmin):
    model = Skill
    menu_icon = "pick"
    menu_order = 910
    list_display = ("name", "category")
    list_filter = ("category",)
    list_select_related = ("category",)
    search_fields = ("name",)
    list_export = ("name", "slug", "category")
    export_filename = "competences"
    prepopulated_fields = {"slug": ("name",)}
    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("category")]


class ImageConsentAdmin(HeureCiviqueModelAdmin):
    model = ImageConsent
    view_roles = edit_roles = REFERENTS_AND_EDITORS
    menu_icon = "image"
    menu_order = 850
    list_display = ("image", "given_by", "commune", "given_at", "withdrawn_at")
    list_filter = (CommuneListFilter,)
    list_select_related = ("image", "commune")
    search_fields = ("given_by", "image__title")
    list_export = ("image", "given_by", "commune", "given_at", "text_version", "withdrawn_at")
    export_filename = "consentements-images"
    panels = [
        FieldPanel("commune"),
        FieldPanel("image"),
        FieldPanel("given_by"),
        FieldRowPanel([FieldPanel("given_at"), FieldPanel("text_version"), FieldPanel("withdrawn_at")]),
    ]

    def get_edit_handler(self):
        return ObjectList(self.panels, base_form_class=ImageConsentAdminForm)


class NotificationAdmin(HeureCiviqueModelAdmin):
    model = Notification
    menu_icon = "mail"
    menu_order = 900
    permission_helper_class = ReadOnlyPermissionHelper
    list_display = ("created_at", "kind", "to", "commune", "status", "attempts", "sent_at")
    list_filter = (CommuneListFilter, "kind", "status")
    list_select_related = ("commune",)
    search_fields = ("to", "subject")
    list_export = ("created_at", "kind", "to", "subject", "commune", "status", "attempts", "sent_at", "error")
    export_filename = "courriels"
    inspect_view_fields = ("created_at", "kind", "to", "subject", "commune", "volunteer", "status", "attempts",
                           "sent_at", "error")
    # Never shown (nobody may create or edit a ledger row); modeladmin builds it first.
    panels = [FieldPanel("to")]


class RegistrationAdmin(HeureCiviqueModelAdmin):
    """Who registered to the actions: read here, changed by the people through their links."""

    model = Registration
    menu_icon = "date"
    menu_order = 750
    permission_helper_class = ReadOnlyPermissionHelper
    list_display = ("action", "first_name", "email", "status", "confirmed_at")
    list_filter = (CommuneListFilter, "status")
    list_select_related = ("action",)
    search_fields = ("first_name", "email", "action__title")
    list_export = ("action", "first_name", "email", "status", "created_at", "confirmed_at")
    export_filename = "inscriptions"
    inspect_view_fields = ("action", "first_name", "email", "volunteer", "status", "created_at", "confirmed_at")
    panels = [FieldPanel("status")]  # never shown: nobody edits a registration here


class ErasureRequestAdmin(HeureCiviqueModelAdmin):
    """Volunteers who asked to leave (from their space, or through a référent): their record is
    deactivated at once, their data awaits anonymisation."""

    model = ErasureRequest
    menu_icon = "warning"
    menu_order = 950
    permission_helper_class = ReadOnlyPermissionHelper
    list_display = ("requested_at", "volunteer", "commune", "source", "processed_at")
    list_filter = (CommuneListFilter, "source")
    list_select_related = ("volunteer", "commune")
    search_fields = ("volunteer__first_name", "volunteer__last_name", "volunteer__email")
    list_export = ("requested_at", "volunteer", "commune", "source", "reason", "processed_at")
    export_filename = "demandes-de-depart"
    inspect_view_fields = list_export
    panels = [FieldPanel("reason")]  # never shown: requests are recorded by VolunteerLeaveView and the space


class HeureCiviqueAdminGroup(ModelAdminGroup):
    menu_label = _("Heure Civique")
    menu_icon = "group"
    menu_order = 250
    items = (
        NeedAdmin,
        ProposalAdmin,
        VolunteerAdmin,
        BeneficiaryAdmin,
        PartnerAdmin,
        HoursRecordAdmin,
        RegistrationAdmin,
        ConsentAdmin,
        CommuneAdmin,
        CommuneMembershipAdmin,
        CategoryAdmin,
        SkillAdmin,
        ImageConsentAdmin,
        NotificationAdmin,
        ErasureRequestAdmin,
    )
