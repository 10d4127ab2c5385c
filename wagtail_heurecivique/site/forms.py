"""The forms of the public pages: volunteer signup and need report.

Both carry a honeypot field, keep what was typed when they are redisplayed, and never
say whether an e-mail address is already known.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from wagtail_heurecivique.core.enums import ReporterKind
from wagtail_heurecivique.core.models.catalogue import Category, Skill
from wagtail_heurecivique.core.models.needs import Need
from wagtail_heurecivique.core.models.people import Beneficiary, Volunteer
from wagtail_heurecivique.core.models.registrations import Registration
from wagtail_heurecivique.core.validators import is_pk, normalise_phone

HONEYPOT = "site_web"

def column(model, name, **overrides):
    """The form field of ``model``'s column ``name``: its length, its validators, its kind.

    A public form that is not a model form takes its fields from the columns it fills,
    so that what the form accepts is what the column holds (an e-mail address of 300
    characters was accepted by the form, then refused by the database: a 500). The
    column's own validators (postcode, phone) run in the form too, where Django's
    ``formfield()`` leaves them to the model.
    """
    model_field = model._meta.get_field(name)
    field = model_field.formfield(**overrides)
    field.validators += [validator for validator in model_field.validators if validator not in field.validators]
    return field


class ChoiceOfRecord(forms.ModelChoiceField):
    """A choice among records that refuses, as an invalid choice, an id no column can hold.

    Django's own field sends any integer to the database, where SQLite raises
    ``OverflowError`` on one of 20 digits or more.
    """

    def to_python(self, value):
        if value not in self.empty_values and not is_pk(str(value)):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ChoicesOfRecords(forms.ModelMultipleChoiceField):
    """Several records, with the same refusal of ids no column can hold."""

    def _check_values(self, value):
        for pk in value:
            if not is_pk(str(pk)):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class CheckboxList(forms.CheckboxSelectMultiple):
    """Django's checkboxes, the same markup (but the blank lines), built in Python.

    Django renders each box through four nested template includes: with the signup's 45
    boxes that was 64 % of the page's CPU. The options, their ids, ``checked`` and the
    widget's attributes are Django's own (``get_context``); choices without groups only.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        boxes = []
        for group, options, _index in widget["optgroups"]:
            if group:
                raise ValueError("CheckboxList renders choices without groups.")
            for option in options:
                label_for = format_html(' for="{}"', option["attrs"]["id"]) if option["attrs"].get("id") else ""
                boxes.append(format_html(
                    '<div>\n    <label{}><input type="{}" name="{}" value="{}"{}> {}</label></div>',
                    label_for, option["type"], option["name"], str(option["value"]), flatatt(option["attrs"]),
                    option["label"],
                ))
        outer = {key: widget["attrs"][key] for key in ("id", "class") if widget["attrs"].get(key)}
        return format_html("<div{}>{}\n</div>", flatatt(outer), mark_safe("".join(boxes)))


class HoneypotMixin(forms.Form):
    """A field people never see nor fill; robots do, and are then ignored quietly."""

    site_web = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_robot(self):
        return bool(self.data.get(HONEYPOT))


class VolunteerSignupForm(HoneypotMixin, forms.ModelForm):
    accept_charter = forms.BooleanField(
        label=_("I have read the volunteer charter and I accept it"),
        error_messages={"required": _("Accept the charter to sign up.")},
    )
    accept_data_processing = forms.BooleanField(
        label=_("I agree that the town hall keeps these details to organise L'Heure Civique"),
        error_messages={"required": _("Your agreement is needed to keep your details.")},
    )

    class Meta:
        model = Volunteer
        fields = [
            "first_name", "last_name", "email", "phone", "postcode", "neighbourhood",
            "skills", "action_kinds", "availability", "frequency", "radius_km",
        ]
        widgets = {"skills": CheckboxList, "action_kinds": CheckboxList, "availability": CheckboxList}
        field_classes = {"skills": ChoicesOfRecords}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].queryset = Skill.objects.order_by("name")
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["postcode"].widget.attrs.update(autocomplete="postal-code", inputmode="numeric")

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def validate_unique(self):
        # A known address is not an error to show: that would tell anyone who signed up.
        pass


class NeedReportForm(HoneypotMixin, forms.Form):
    """Who reports, for whom, and what: each field is the column of the need or the person it fills."""

    reporter_kind = forms.ChoiceField(label=_("Who are you?"), choices=ReporterKind.choices, widget=forms.RadioSelect)
    reporter_name = column(Need, "referrer_name", label=_("Your name"), required=True)
    structure = forms.CharField(
        label=_("Your structure (practice, CCAS, association)"), max_length=150, required=False,
    )
    reporter_email = column(Need, "referrer_email", label=_("Your e-mail address"), required=True,
                            help_text=_("We send you the tracking reference."))
    reporter_phone = column(Beneficiary, "phone", label=_("Your phone"))
    for_self = forms.TypedChoiceField(
        label=_("Who needs help?"),
        choices=[("1", _("Myself")), ("0", _("Someone else (a neighbour, a patient…)"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    beneficiary_first_name = column(Beneficiary, "first_name", label=_("First name of the person to help"))
    beneficiary_last_name = column(Beneficiary, "last_name", label=_("Last name of the person to help"))
    beneficiary_phone = column(Beneficiary, "phone", label=_("Phone of the person to help"))
    beneficiary_address = column(Beneficiary, "address", label=_("Address"))
    postcode = column(Need, "postcode", label=_("Postcode"), required=True)
    category = ChoiceOfRecord(label=_("What kind of help?"), queryset=Category.objects.order_by("name"))
    description = column(
        Need, "description", label=_("Describe the need"), widget=forms.Textarea(attrs={"rows": 5}), max_length=3000,
        help_text=_("What, when, how often. Do not write medical details."),
    )
    wished_start = column(Need, "wished_start", label=_("From when?"), widget=forms.DateInput(attrs={"type": "date"}))
    agreement = forms.BooleanField(
        label=_("The person to help agrees that the town hall records this need and contacts them"),
        error_messages={"required": _("The person's agreement is needed before reporting their need.")},
    )

    def clean_reporter_email(self):
        return self.cleaned_data["reporter_email"].strip().lower()

    def clean_wished_start(self):
        date = self.cleaned_data.get("wished_start")
        if date and date < timezone.localdate():
            raise ValidationError(_("The date cannot be in the past."))
        return date

    def clean(self):
        data = super().clean()
        if data.get("reporter_kind") == ReporterKind.REFERRER and not data.get("structure", "").strip():
            self.add_error("structure", _("Give the name of your structure."))
        for field in ("reporter_phone", "beneficiary_phone"):
            if data.get(field):
                data[field] = normalise_phone(data[field])
        if not data.get("beneficiary_phone") and not data.get("for_self") and not data.get("beneficiary_address"):
            self.add_error("beneficiary_phone", _("Give a phone number or an address to reach the person."))
        return data


class RegistrationForm(HoneypotMixin, forms.Form):
    first_name = column(Registration, "first_name", label=_("First name"),
                        widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    email = column(Registration, "email", label=_("E-mail address"), help_text=_("We send you a link to confirm your place."),
                   widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class SpaceLinkForm(HoneypotMixin, forms.Form):
    email = column(
        Volunteer, "email", label=_("Your e-mail address"), help_text=_("The one you signed up with: we send you a link to your space."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class VolunteerProfileForm(forms.ModelForm):
    """What a volunteer changes in their space; the e-mail address goes through the town hall."""

    IDENTITY = ("first_name", "last_name", "phone", "postcode", "neighbourhood")
    COMMITMENT = ("skills", "action_kinds", "availability", "frequency", "radius_km", "languages")
    EMAILS = ("wants_proposal_emails", "wants_reminders", "wants_monthly_message", "message_frequency")

    class Meta:
        model = Volunteer
        fields = [
            "first_name", "last_name", "phone", "postcode", "neighbourhood",
            "skills", "action_kinds", "availability", "frequency", "radius_km", "languages",
            "wants_proposal_emails", "wants_reminders", "wants_monthly_message", "message_frequency",
        ]
        widgets = {"skills": CheckboxList, "action_kinds": CheckboxList, "availability": CheckboxList}
        field_classes = {"skills": ChoicesOfRecords}
        # Spoken to the volunteer, where the back office speaks about them.
        labels = {
            "wants_proposal_emails": _("I receive the needs proposed to me by e-mail"),
            "wants_reminders": _("I receive reminders"),
            "wants_monthly_message": _("I receive the news of L'Heure Civique"),
            "message_frequency": _("How often I receive the news"),
        }
        help_texts = {
            "wants_proposal_emails": _("Otherwise the town hall calls me."),
            "wants_reminders": _("The day before a help, the day after, and the thanks."),
            "wants_monthly_message": _("The actions planned and my hours."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].queryset = Skill.objects.order_by("name")
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["postcode"].widget.attrs.update(autocomplete="postal-code", inputmode="numeric")

    def section(self, names):
        return [self[name] for name in names]

    def identity_fields(self):
        return self.section(self.IDENTITY)

    def commitment_fields(self):
        return self.section(self.COMMITMENT)

    def email_fields(self):
        return self.section(self.EMAILS)


class PauseForm(forms.Form):
    MAX_DAYS = 366

    until = forms.DateField(
        label=_("No proposal until (included)"), widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_until(self):
        until = self.cleaned_data["until"]
        today = timezone.localdate()
        if until < today:
            raise ValidationError(_("The date cannot be in the past."))
        if (until - today).days > self.MAX_DAYS:
            raise ValidationError(_("A pause lasts one year at most."))
        return until


class LeaveForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you leaving? (optional)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("I leave L'Heure Civique and ask for my personal data to be erased"),
        error_messages={"required": _("Tick the box to confirm that you are leaving.")},
    )
