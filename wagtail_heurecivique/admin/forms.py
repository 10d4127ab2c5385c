"""Forms of the back office: the scoped model form base and the forms of its own views.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from wagtail_heurecivique.core.enums import (
    ConsentChannel,
    MembershipRole,
    VolunteerStatus,
)
from wagtail_heurecivique.core.scoping import CommuneScopedQuerySet
from wagtail_heurecivique.site.media_scoping import usable


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


class DeletionReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the deletion"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Kept in the history with your name, so that the deletion can be explained later."),
        error_messages={"required": _("Say why this record is deleted.")},
    )


class LeaveRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("How and why the volunteer asked to leave"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("For example: by phone on 12 March, moving away. Kept with the request and your name."),
        error_messages={"required": _("Say how the volunteer asked to leave.")},
    )
