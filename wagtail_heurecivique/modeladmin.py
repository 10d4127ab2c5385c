"""The Heure Civique back office, built with wagtail-modeladmin.

All modeladmin code lives in this module so that a move to Wagtail's ViewSets touches
nothing else. Every list, inspect, edit, delete, history view and export goes through the
commune scoping of ``scoping.py``: an object of another commune is a 404, whatever the URL.
"""

from django import forms
from django.contrib.admin import SimpleListFilter
from django.contrib.admin.utils import label_for_field, quote
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import BadRequest, FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import models, router, transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import NoReverseMatch, re_path, reverse
from django.utils.encoding import force_str
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.models import Page
from wagtail_modeladmin.helpers import AdminURLHelper, ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup
from wagtail_modeladmin.views import (
    CreateView,
    DeleteView,
    EditView,
    IndexView,
    InspectView,
    InstanceSpecificView,
    ModelFormView,
)

from .enums import ConsentChannel, ConsentPurpose, ErasureRequestSource, MembershipRole, VolunteerStatus
from .fields import FlagsField
from .history import HistoryFormatter
from .matching import suggest
from .media_scoping import usable
from .models import (
    Beneficiary,
    Category,
    Commune,
    CommuneMembership,
    Consent,
    ErasureRequest,
    HoursRecord,
    ImageConsent,
    Need,
    Notification,
    Partner,
    Proposal,
    Registration,
    Skill,
    Volunteer,
)
from .people_choosers import registration_chooser
from .personal_data import Category as DataCategory
from .personal_data import registry
from .provisioning_admin import LABEL as PROVISION_LABEL
from .provisioning_admin import ProvisionCommuneView, may_provision
from .scoping import CommuneScopedQuerySet, communes_for_user
from .settings import get_setting
from .signals import need_received, volunteer_entered
from .tenancy import release_plan


# --- Forms ------------------------------------------------------------------------------


class ScopedAdminModelForm(WagtailAdminModelForm):
    """Offers only related records of the user's communes in every choice field.

    A référent cannot attach a volunteer, need or beneficiary of another commune, even
    by forging the POST: the value is refused as an invalid choice. ``scoping_roles``:
    the memberships that make a commune the user's here (the model admin's ``edit_roles``).
    """

    def __init__(self, *args, scoping_roles=(MembershipRole.REFERENT,), **kwargs):
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            queryset = getattr(form_field, "queryset", None)
            if isinstance(queryset, CommuneScopedQuerySet) and self.for_user is not None:
                form_field.queryset = queryset.for_user(self.for_user, scoping_roles)


class VolunteerAdminForm(ScopedAdminModelForm):
    """Entering a volunteer by hand (assisted digital): how they accepted the charter."""

    charter_channel = forms.ChoiceField(
        label=_("Charter accepted"),
        required=False,
        choices=[("", "---------")] + [c for c in ConsentChannel.choices if c[0] != ConsentChannel.WEBSITE],
        help_text=_("When entering a volunteer who signed up by phone or on paper: how they accepted the charter. They then wait for the interview."),
    )

    def clean(self):
        data = super().clean()
        adding = self.instance._state.adding
        if adding and data.get("status") == VolunteerStatus.TO_INTERVIEW:
            if not data.get("charter_channel"):
                self.add_error("charter_channel", _("Say how the volunteer accepted the charter."))
        return data


class ImageConsentAdminForm(ScopedAdminModelForm):
    """The image is one the user may use in Wagtail (their collections): a consent recorded
    here for another commune's photo would let that commune's stories through moderation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("image")
        if field is not None and self.for_user is not None:
            queryset = field.queryset
            usable_images = usable(queryset.model, self.for_user).values("pk")
            field.queryset = queryset.filter(pk__in=usable_images) | queryset.filter(pk=self.instance.image_id)


# --- Views ------------------------------------------------------------------------------


class ScopedInstanceMixin:
    """Raises 404 for an object outside the user's communes (checked after login).

    The view reads with the model admin's ``view_roles``; one that changes the object
    says so with ``changes = True`` and uses its ``edit_roles``.
    """

    changes = False

    def __init__(self, model_admin, instance_pk):
        try:
            super().__init__(model_admin, instance_pk)
        except (ValueError, ValidationError):
            raise Http404 from None  # a malformed id in the URL, not a server error

    def check_action_permitted(self, user):
        manager = self.model._default_manager
        if isinstance(manager.get_queryset(), CommuneScopedQuerySet):
            roles = self.model_admin.edit_roles if self.changes else self.model_admin.view_roles
            if not manager.for_user(user, roles).filter(pk=self.instance.pk).exists():
                raise Http404
        return super().check_action_permitted(user)


class ChangeReasonMixin:
    """Writes the history row of a form save with the acting user and a reason.

    The audit trail is simple-history's. modeladmin's create and edit views would also
    write Wagtail log entries, which Wagtail's Site history report shows to anyone with
    a permission on the model, whatever their commune: ``ModelFormView.form_valid`` is
    called directly to save without them.
    """

    change_reason = ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scoping_roles": self.model_admin.edit_roles}

    def form_valid(self, form):
        form.instance._change_reason = str(self.change_reason)
        if form.instance.pk and not form.has_changed():
            # Saving an untouched form is not a change worth a history row.
            form.instance.skip_history_when_saving = True
        for attribute in ("created_by", "recorded_by", "proposed_by"):
            if hasattr(form.instance, attribute) and getattr(form.instance, f"{attribute}_id") is None:
                setattr(form.instance, attribute, self.request.user)
        with transaction.atomic():
            return ModelFormView.form_valid(self, form)


class HeureCiviqueCreateView(ChangeReasonMixin, CreateView):
    change_reason = _("Created in the back office")


class HeureCiviqueEditView(ScopedInstanceMixin, ChangeReasonMixin, EditView):
    change_reason = _("Changed in the back office")
    changes = True


class VolunteerCreateView(HeureCiviqueCreateView):
    """A volunteer entered by a référent waits for the interview, charter acceptance recorded."""


    def form_valid(self, form):
        channel = form.cleaned_data.get("charter_channel")
        with transaction.atomic():
            if channel:
                form.instance.status = VolunteerStatus.TO_INTERVIEW
                form.instance.charter_version_accepted = form.instance.commune.charter_version
            response = super().form_valid(form)
            if channel:
                volunteer = form.instance
                Consent.objects.create(
                    volunteer=volunteer, purpose=ConsentPurpose.CHARTER, text_version=volunteer.commune.charter_version,
                    channel=channel, recorded_by=self.request.user,
                )
                volunteer_entered.send(sender=Volunteer, volunteer=volunteer, user=self.request.user)
        return response


class NeedCreateView(HeureCiviqueCreateView):
    """A need entered by the town hall: its handling starts in the same transaction."""

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            need_received.send(sender=Need, need=form.instance, user=self.request.user)
        return response


class DeletionReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the deletion"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Kept in the history with your name, so that the deletion can be explained later."),
        error_messages={"required": _("Say why this record is deleted.")},
    )


class HeureCiviqueDeleteView(ScopedInstanceMixin, DeleteView):
    """Deletion asks for a reason, written to the history row that keeps the record."""

    changes = True

    def get_context_data(self, **kwargs):
        kwargs.setdefault("reason_form", DeletionReasonForm())
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = DeletionReasonForm(request.POST)
        if not form.is_valid():
            response = self.render_to_response(self.get_context_data(reason_form=form))
            response.status_code = 400
            return response
        self.instance._change_reason = gettext("Deleted in the back office: %(reason)s") % {
            "reason": form.cleaned_data["reason"]
        }
        label = str(self.instance)
        try:
            with transaction.atomic():
                self.delete_instance()  # no Wagtail log entry: see ChangeReasonMixin
        except (ProtectedError, RestrictedError) as error:
            return self.refused(request, error)
        messages.success(
            request, gettext("%(model_name)s '%(object)s' deleted.") % {"model_name": capfirst(self.verbose_name), "object": label}
        )
        return redirect(self.index_url)

    def refused(self, request, error):
        """The deletion is prevented by records that point at this one."""
        # modeladmin's own view lists what still points at the record.
        return DeleteView.post(self, request)

    def get_template_names(self):
        return ["wagtail_heurecivique/admin/delete.html"]


def _counted(model, count):
    """« 3 volontaires », « 1 besoin »: the model's own names."""
    name = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
    return f"{count} {name}"


def deletion_effects(instance):
    """What deleting ``instance`` would take with it, or what prevents it, without deleting anything.

    Returns ``(blocking, deleted)``: the records that protect it (pages apart, to be named),
    and ``{model: count}`` of those that would go with it. Django's own collector decides,
    as it will when the record is deleted.
    """
    collector = Collector(using=router.db_for_write(type(instance)), origin=instance)
    try:
        collector.collect([instance])
    except ProtectedError as error:
        return list(error.protected_objects), {}
    except RestrictedError as error:
        return list(error.restricted_objects), {}
    deleted = {}
    for model, objects in collector.data.items():
        if model is not type(instance) and not model._meta.auto_created:
            deleted[model] = deleted.get(model, 0) + len(objects)
    for queryset in collector.fast_deletes:
        model = queryset.model
        if not model._meta.auto_created:
            count = queryset.count()
            if count:
                deleted[model] = deleted.get(model, 0) + count
    return [], deleted


class CommuneDeleteView(HeureCiviqueDeleteView):
    """Says first what deleting a commune takes with it — or, when its records protect it, why it cannot be."""

    def get_template_names(self):
        return ["wagtail_heurecivique/admin/commune_delete.html"]

    def confirmation_message(self):
        # modeladmin's warns that related things "may" be affected: the list above says which.
        return gettext("Are you sure you want to delete %(commune)s?") % {"commune": self.instance}

    def get_context_data(self, **kwargs):
        blocking, deleted = deletion_effects(self.instance)
        kwargs.setdefault("blocking", self._describe_blocking(blocking) if blocking else None)
        kwargs.setdefault("consequences", [] if blocking else self._consequences(deleted))
        return super().get_context_data(**kwargs)

    def _describe_blocking(self, objects):
        pages = sorted((obj for obj in objects if isinstance(obj, Page)), key=lambda page: page.path)
        counts = {}
        for obj in objects:
            if not isinstance(obj, Page):
                counts[type(obj)] = counts.get(type(obj), 0) + 1
        return {
            "pages": [
                (page.get_admin_display_title(), reverse("wagtailadmin_explore", args=[page.pk])) for page in pages
            ],
            "records": sorted(_counted(model, count) for model, count in counts.items()),
            "is_active_label": Commune._meta.get_field("is_active").verbose_name,
        }

    def _consequences(self, deleted):
        lines = []
        if deleted:
            things = ", ".join(sorted(_counted(model, count) for model, count in deleted.items()))
            lines.append(gettext("Deleted with it: %(things)s.") % {"things": things})
        plan = release_plan(self.instance)
        if plan.group_name:
            lines.append(
                gettext(
                    "Its editors' group “%(group)s” is deleted: its members lose their rights on the commune's "
                    "pages, images and documents."
                ) % {"group": plan.group_name}
            )
        if plan.collection_name and plan.kept_as:
            lines.append(
                gettext(
                    "Its collection “%(collection)s” still holds %(contents)s: it is kept, renamed “%(name)s”, "
                    "and no group keeps permissions of its own on it."
                ) % {"collection": plan.collection_name, "contents": ", ".join(plan.collection_contents),
                     "name": plan.kept_as}
            )
        elif plan.collection_name:
            lines.append(
                gettext("Its collection of images and documents “%(collection)s” is empty: it is deleted.")
                % {"collection": plan.collection_name}
            )
        return lines

    def refused(self, request, error):
        # Something was added since the confirmation was shown: say what, as the confirmation does.
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        plan = release_plan(self.instance)
        response = super().post(request, *args, **kwargs)
        if response.status_code == 302 and plan.kept_as:
            messages.info(
                request,
                gettext("Its images and documents are kept in the collection “%(name)s”.") % {"name": plan.kept_as},
            )
        return response


class HeureCiviqueInspectView(ScopedInstanceMixin, InspectView):
    """Inspect view that hides sensitive fields and reads bit-mask fields aloud."""

    def get_fields_dict(self):
        hidden = registry.hidden_fields(self.model, self.request.user)
        free_text = {f.name for f in registry.fields(self.model) if f.category == DataCategory.FREE_TEXT}
        if free_text and not self._may_change():
            # An editor reads a volunteer to name them in a story, not the référents' notes.
            hidden |= free_text
        return [
            self.get_dict_for_field(name)
            for name in self.model_admin.get_inspect_view_fields()
            if name not in hidden
        ]

    def _may_change(self):
        roles = self.model_admin.edit_roles
        return self.model._default_manager.for_user(self.request.user, roles).filter(pk=self.instance.pk).exists()

    def get_field_label(self, field_name, field=None):
        return capfirst(super().get_field_label(field_name, field))

    def get_field_display_value(self, field_name, field=None):
        if isinstance(field, FlagsField):
            labels = field.labels(getattr(self.instance, field_name))
            return ", ".join(str(label) for label in labels) or self.model_admin.get_empty_value_display(field_name)
        return super().get_field_display_value(field_name, field)


class NeedInspectView(HeureCiviqueInspectView):
    """The need, then what other layers show about it (the workflows app: its timeline).

    Sections come from the ``heurecivique_need_inspect_sections`` hook: functions of
    ``(request, need)`` returning a component to render, or ``None``.
    """

    def get_template_names(self):
        return ["wagtail_heurecivique/admin/need_inspect.html"]

    def get_context_data(self, **kwargs):
        sections = [fn(self.request, self.instance) for fn in hooks.get_hooks("heurecivique_need_inspect_sections")]
        return super().get_context_data(sections=[s for s in sections if s is not None], **kwargs)


class VolunteerInspectView(HeureCiviqueInspectView):
    """The volunteer, then the ledger of the e-mails sent to them (newest first)."""

    ledger_size = 50

    def get_template_names(self):
        return ["wagtail_heurecivique/admin/volunteer_inspect.html"]

    def get_context_data(self, **kwargs):
        # A neighbouring commune's e-mails to this volunteer name that commune's needs.
        notifications = Notification.objects.for_user(self.request.user).filter(volunteer=self.instance)
        notifications = notifications.order_by("-created_at", "-pk")
        return super().get_context_data(
            notifications=notifications[: self.ledger_size], notifications_count=notifications.count(), **kwargs
        )


class HeureCiviqueHistoryView(ScopedInstanceMixin, InstanceSpecificView):
    """Field-level history from django-simple-history: who, when, what, why."""

    page_title = _("History")

    def check_action_permitted(self, user):
        return super().check_action_permitted(user) and self.permission_helper.user_can_inspect_obj(
            user, self.instance
        )

    def get_template_names(self):
        return ["wagtail_heurecivique/admin/history.html"]

    def get_page_subtitle(self):
        return str(self.instance)

    def get_context_data(self, **kwargs):
        page_size = get_setting("HISTORY_PAGE_SIZE")
        formatter = HistoryFormatter(self.model, self.request.user)
        records = self.instance.history.order_by("-history_date", "-history_id")
        page = Paginator(records, page_size).get_page(self.request.GET.get("p"))
        start = (page.number - 1) * page_size
        # One record more than the page, to diff the page's oldest row against.
        window = list(formatter.prepare(records)[start : start + page_size + 1])
        context = {
            "instance": self.instance,
            "entries": formatter.entries(window, page_size),
            "page_obj": page,
            "inspect_url": self.url_helper.get_action_url("inspect", self.pk_quoted),
        }
        context.update(kwargs)
        return super().get_context_data(**context)


class NeedSuggestionsView(ScopedInstanceMixin, InstanceSpecificView):
    """Ranked volunteer suggestions for a need, with their reasons, at any step.

    Proposals themselves are made in the need workflow's "Propose to volunteers" task,
    so that each goes through the process (lock, answer links, history).
    """

    page_title = _("Suggested volunteers")
    permission_required = "wagtail_heurecivique.add_proposal"

    def check_action_permitted(self, user):
        return super().check_action_permitted(user) and user.has_perm(self.permission_required)

    def get_template_names(self):
        return ["wagtail_heurecivique/admin/suggestions.html"]

    def get_page_subtitle(self):
        return str(self.instance)

    def get_context_data(self, **kwargs):
        volunteers = AdminURLHelper(Volunteer)
        suggestions = suggest(self.instance) if self.instance.is_open else []
        # A volunteer of a neighbouring commune is suggested, but their record is not
        # the référent's to open: no link to a page that would answer 404.
        own = set(communes_for_user(self.request.user).values_list("pk", flat=True))
        context = {
            "instance": self.instance,
            "rows": [
                (s, volunteers.get_action_url("inspect", s.volunteer.pk) if s.volunteer.commune_id in own else None)
                for s in suggestions
            ],
            "inspect_url": self.url_helper.get_action_url("inspect", self.pk_quoted),
        }
        context.update(kwargs)
        return super().get_context_data(**context)


class LeaveRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("How and why the volunteer asked to leave"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("For example: by phone on 12 March, moving away. Kept with the request and your name."),
        error_messages={"required": _("Say how the volunteer asked to leave.")},
    )


class VolunteerLeaveView(ScopedInstanceMixin, InstanceSpecificView):
    """A volunteer asks the town hall (by phone, at the desk) to leave: the same as from their space."""

    page_title = _("Request to leave")
    changes = True

    def check_action_permitted(self, user):
        return super().check_action_permitted(user) and self.permission_helper.user_can_edit_obj(user, self.instance)

    def get_template_names(self):
        return ["wagtail_heurecivique/admin/volunteer_leave.html"]

    def get_page_subtitle(self):
        return str(self.instance)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", LeaveRequestForm())
        kwargs.setdefault("instance", self.instance)
        kwargs.setdefault("inspect_url", self.url_helper.get_action_url("inspect", self.pk_quoted))
        return super().get_context_data(**kwargs)

    def get(self, request, *args, **kwargs):
        if self.instance.status == VolunteerStatus.LEFT:
            messages.error(request, gettext("This volunteer has already left."))
            return redirect(self.url_helper.get_action_url("inspect", self.pk_quoted))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        from .volunteer_space import leave

        form = LeaveRequestForm(request.POST)
        if not form.is_valid():
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 400
            return response
        leave(self.instance, reason=form.cleaned_data["reason"], source=ErasureRequestSource.STAFF, user=request.user)
        messages.success(
            request, gettext("The request to leave of %(volunteer)s is recorded.") % {"volunteer": self.instance}
        )
        return redirect(self.url_helper.get_action_url("inspect", self.pk_quoted))


class HeureCiviqueIndexView(IndexView):
    """Lists with declared filters only, and exports that read like the screens."""

    def get_filters(self, request):
        # modeladmin would apply any other query parameter as a lookup on the scoped
        # list (``?commune__neighbour_communes__volunteers__last_name=…``): a way to learn
        # about other communes. Only the declared filters, paging and search are taken.
        try:
            specs, has_filters, remaining, use_distinct = super().get_filters(request)
        except IncorrectLookupParameters:
            raise BadRequest(gettext("This filter is not valid.")) from None
        remaining.pop(self.PAGE_VAR, None)
        if remaining:
            raise BadRequest(gettext("Unknown filter: %(names)s.") % {"names": ", ".join(sorted(remaining))})
        return specs, has_filters, remaining, use_distinct

    def get_heading(self, queryset, field):
        if field in self.export_headings:
            return force_str(self.export_headings[field])
        # modeladmin title-cases headings ("Code Postal"): not French usage.
        return capfirst(force_str(label_for_field(field, model=self.model, model_admin=self.model_admin)))

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        for name in self.list_export:
            try:
                model_field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            value = getattr(item, model_field.attname, None)
            if isinstance(model_field, FlagsField):
                row[name] = ", ".join(str(label) for label in model_field.labels(value))
            elif model_field.choices and value not in (None, ""):
                row[name] = force_str(getattr(item, f"get_{name}_display")())
            elif isinstance(model_field, models.BooleanField):
                row[name] = gettext("Yes") if value else gettext("No")
        return row


class HeureCiviqueButtonHelper(ButtonHelper):
    def secondary_button(self, url, label, title, classnames_add=None, classnames_exclude=None):
        return {
            "url": url,
            "label": label,
            "classname": self.finalise_classname(["button-secondary"] + (classnames_add or []), classnames_exclude or []),
            "title": title,
        }

    def history_button(self, pk, classnames_add=None, classnames_exclude=None):
        return self.secondary_button(
            self.url_helper.get_action_url("history", quote(pk)), gettext("History"),
            gettext("History of this %(object)s") % {"object": self.verbose_name}, classnames_add, classnames_exclude,
        )

    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        exclude = exclude or []
        if (
            "history" not in exclude
            and hasattr(self.model, "history")
            and self.permission_helper.user_can_inspect_obj(self.request.user, obj)
        ):
            buttons.append(self.history_button(obj.pk, classnames_add, classnames_exclude))
        return buttons


class VolunteerButtonHelper(HeureCiviqueButtonHelper):
    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        if obj.status != VolunteerStatus.LEFT and self.permission_helper.user_can_edit_obj(self.request.user, obj):
            buttons.append(self.secondary_button(
                self.url_helper.get_action_url("leave", quote(obj.pk)), gettext("Request to leave"),
                gettext("Record that this volunteer asked to leave and to have their data erased"), classnames_add,
            ))
        return buttons


class NeedButtonHelper(HeureCiviqueButtonHelper):
    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        try:
            handling_url = reverse("heurecivique_need_process", args=[obj.pk])
        except NoReverseMatch:  # the workflows app is not wired in
            handling_url = None
        if handling_url:
            buttons.insert(0, self.secondary_button(
                handling_url, gettext("Handling"), gettext("Tasks, proposals and timeline of this need"), classnames_add,
            ))
        if obj.is_open and self.request.user.has_perm(NeedSuggestionsView.permission_required):
            buttons.insert(0, self.secondary_button(
                self.url_helper.get_action_url("suggestions", quote(obj.pk)), gettext("Suggestions"),
                gettext("Volunteers suggested for this need"), classnames_add,
            ))
        return buttons


class CommuneButtonHelper(HeureCiviqueButtonHelper):
    """Each commune's « Provision » button, and the list's « Provision a commune »."""

    def provision_button(self):
        return {
            "url": self.url_helper.get_action_url("provision_new"),
            "label": PROVISION_LABEL,
            "icon": "plus",
            "classname": self.finalise_classname(self.add_button_classnames),
            "title": gettext("Create or update a commune with its home page, site, groups and staff"),
        }

    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        if may_provision(self.request.user):
            buttons.append(self.secondary_button(
                self.url_helper.get_action_url("provision", quote(obj.pk)), gettext("Provision"),
                gettext("Complete this commune's home page, site, groups and staff"), classnames_add,
            ))
        return buttons


class CommuneIndexView(HeureCiviqueIndexView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if may_provision(self.request.user):
            context["provision_button"] = self.button_helper.provision_button()
        return context


# --- Filters ----------------------------------------------------------------------------


class CommuneListFilter(SimpleListFilter):
    """Lists only the user's communes (a plain related filter would leak every name)."""

    title = _("commune")
    parameter_name = "commune"

    def lookups(self, request, model_admin):
        communes = communes_for_user(request.user, model_admin.view_roles)
        return [(str(c.pk), c.name) for c in communes.only("pk", "name")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if self.value() not in {pk for pk, _name in self.lookup_choices}:
            raise BadRequest(gettext("This commune is not one of yours."))
        return queryset.filter(**{queryset.model.commune_path: self.value()})


# --- ModelAdmins ------------------------------------------------------------------------


class WorkflowCreatedPermissionHelper(PermissionHelper):
    """Rows only the need workflow creates and ends (proposals): no add or delete here."""

    def user_can_create(self, user):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


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
    list_display = ("title", "commune", "kind", "category", "urgency", "status", "created_at")
    list_filter = (CommuneListFilter, "status", "kind", "urgency", "category", "source")
    list_select_related = ("commune", "category")
    search_fields = ("title", "description", "place")
    list_export = (
        "title", "commune", "kind", "category", "source", "urgency", "status",
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


class ReadOnlyPermissionHelper(WorkflowCreatedPermissionHelper):
    """Rows the programme writes itself (the e-mail ledger, registrations, requests to leave): read only."""

    def user_can_edit_obj(self, user, obj):
        return False


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
