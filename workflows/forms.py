from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from wagtail_heurecivique.core.enums import Urgency
from wagtail_heurecivique.core.models.catalogue import Category
from wagtail_heurecivique.core.scoping import communes_for_user

from .enums import (
    FollowUpOutcome,
    InstitutionalService,
    InterviewChannel,
    InterviewDecision,
    QualifyDecision,
    RefusalReason,
)


class QualifyForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=QualifyDecision.choices, widget=forms.RadioSelect)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    urgency = forms.TypedChoiceField(label=_("Urgency"), choices=Urgency.choices, coerce=int)
    volunteers_wanted = forms.IntegerField(label=_("Volunteers wanted"), min_value=1, max_value=50)
    refusal_reason = forms.ChoiceField(
        label=_("Reason for refusal"), choices=[("", "---------"), *RefusalReason.choices], required=False
    )
    redirected_to = forms.ChoiceField(
        label=_("Service the need is redirected to"),
        choices=[("", "---------"), *InstitutionalService.choices],
        required=False,
    )
    message = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Required when refusing or redirecting: what the person who raised the need is told."),
    )

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == QualifyDecision.REFUSE and not data.get("refusal_reason"):
            self.add_error("refusal_reason", _("Give the reason for the refusal."))
        if decision == QualifyDecision.REDIRECT and not data.get("redirected_to"):
            self.add_error("redirected_to", _("Say which service the need is redirected to."))
        if decision in (QualifyDecision.REFUSE, QualifyDecision.REDIRECT) and not data.get("message", "").strip():
            self.add_error("message", _("Write the message for the person who raised the need."))
        return data


class MatchForm(forms.Form):
    volunteers = forms.TypedMultipleChoiceField(
        label=_("Volunteers to propose the need to"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    planned_date = forms.DateField(
        label=_("Planned date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("If already agreed; otherwise set it at the follow-up."),
    )
    comment = forms.CharField(label=pgettext_lazy("noun", "Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, suggestions=(), accepted=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.suggestions = {s.volunteer.pk: s for s in suggestions}
        self.fields["volunteers"].choices = [(pk, str(s.volunteer)) for pk, s in self.suggestions.items()]
        if accepted:
            # Nobody else may be left to ask: the need can go on with who said yes.
            self.fields["proceed"] = forms.BooleanField(
                label=ngettext_lazy(
                    "Go ahead with the volunteer who accepted",
                    "Go ahead with the %(count)d volunteers who accepted",
                    "count",
                ) % {"count": accepted},
                required=False,
            )

    def clean(self):
        data = super().clean()
        if not data.get("volunteers") and not data.get("proceed"):
            self.add_error("volunteers", _("Choose at least one volunteer."))
        return data

    def clean_planned_date(self):
        date = self.cleaned_data.get("planned_date")
        if date and date < timezone.localdate():
            raise ValidationError(_("The planned date cannot be in the past."))
        return date


def rating_field(label, help_text):
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=[("", "---------"), *[(n, str(n)) for n in range(1, 6)]],
        coerce=int,
        empty_value=None,
        required=False,
    )


class FollowUpForm(forms.Form):
    outcome = forms.ChoiceField(label=_("What happened?"), choices=FollowUpOutcome.choices, widget=forms.RadioSelect)
    present = forms.TypedMultipleChoiceField(
        label=_("Volunteers who came"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("When it was done: the others are counted as absent."),
    )
    date = forms.DateField(
        label=_("Date of the help"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    minutes = forms.IntegerField(
        label=_("Minutes given by each volunteer"), min_value=5, max_value=24 * 60, required=False
    )
    rating = rating_field(
        _("Beneficiary's rating (1 to 5)"),
        _("How satisfied the person helped is, from 1 (poor) to 5 (excellent)."),
    )
    volunteer_feedback = forms.CharField(
        label=_("Volunteer's feedback"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    beneficiary_feedback = forms.CharField(
        label=_("Beneficiary's feedback"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    new_date = forms.DateField(label=_("New date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    comment = forms.CharField(label=pgettext_lazy("noun", "Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, accepted=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.accepted = list(accepted)
        self.fields["present"].choices = [(p.pk, str(p.volunteer)) for p in accepted]
        self.fields["present"].initial = [p.pk for p in accepted]
        # Each volunteer rates for themselves: prefilled when they answered through their link.
        for proposal in accepted:
            field = rating_field(
                _("Volunteer's rating: %(volunteer)s (1 to 5)") % {"volunteer": proposal.volunteer},
                _("How satisfied the volunteer is, from 1 (poor) to 5 (excellent)."),
            )
            field.initial = proposal.volunteer_rating
            self.fields[self.volunteer_rating_name(proposal)] = field
        order = list(self.base_fields)
        after_rating = order.index("rating") + 1
        order[after_rating:after_rating] = [self.volunteer_rating_name(proposal) for proposal in accepted]
        self.order_fields(order)

    @staticmethod
    def volunteer_rating_name(proposal):
        return f"volunteer_rating_{proposal.pk}"

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        today = timezone.localdate()
        if outcome == FollowUpOutcome.DONE and not data.get("present"):
            self.add_error("present", _("Tick the volunteers who came, or say that it did not happen."))
        if outcome == FollowUpOutcome.DONE:
            if not data.get("date"):
                self.add_error("date", _("Give the date the help was given."))
            elif data["date"] > today:
                self.add_error("date", _("The help cannot have been given in the future."))
            if not data.get("minutes"):
                self.add_error("minutes", _("Give the time each volunteer gave, in minutes."))
        if outcome == FollowUpOutcome.NEW_DATE:
            if not data.get("new_date"):
                self.add_error("new_date", _("Give the new date."))
            elif data["new_date"] < today:
                self.add_error("new_date", _("The new date cannot be in the past."))
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Kept in the need's history."),
        error_messages={"required": _("Give the reason for cancelling.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give the reason for cancelling."))
        return reason


class InboxFilterForm(forms.Form):
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=None, required=False)
    step = forms.ChoiceField(
        label=_("Step"),
        required=False,
        choices=[("", _("All steps")), ("qualify", _("Qualify the need")), ("match", _("Propose to volunteers")),
                 ("follow_up", _("Follow up")), ("interview", _("Interview the volunteer"))],
    )
    urgency = forms.TypedChoiceField(
        label=_("Urgency"), required=False, coerce=int, empty_value=None,
        choices=[("", _("All urgencies")), *Urgency.choices],
    )
    mine = forms.BooleanField(label=_("Only my tasks"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes_for_user(user)
        self.fields["commune"].empty_label = _("All my communes")


class InterviewForm(forms.Form):
    date = forms.DateField(label=_("Date of the call or meeting"), widget=forms.DateInput(attrs={"type": "date"}))
    channel = forms.ChoiceField(label=_("How"), choices=InterviewChannel.choices, widget=forms.RadioSelect)
    decision = forms.ChoiceField(label=_("Decision"), choices=InterviewDecision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"), max_length=500, required=False,
        help_text=_("Required to decline; kept in the volunteer's history."),
    )
    notes = forms.CharField(
        label=_("Notes of the interview"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
        help_text=_("Seen by référents only."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("date") and data["date"] > timezone.localdate():
            self.add_error("date", _("The interview cannot be in the future."))
        if data.get("decision") == InterviewDecision.DECLINE and not data.get("reason", "").strip():
            self.add_error("reason", _("Give the reason."))
        return data
