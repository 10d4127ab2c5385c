"""The buttons of the back office's lists and inspect views.
"""

from django.contrib.admin.utils import quote
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from wagtail_modeladmin.helpers import ButtonHelper

from wagtail_heurecivique.admin.provisioning import LABEL as PROVISION_LABEL
from wagtail_heurecivique.admin.provisioning import may_provision
from wagtail_heurecivique.admin.views import NeedSuggestionsView
from wagtail_heurecivique.core.enums import (
    VolunteerStatus,
)


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
