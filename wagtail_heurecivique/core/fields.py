"""A set of choices stored as one integer bit mask.

Availability (21 weekday × period slots) and preferred action kinds are filtered by
the matching engine across tens of thousands of volunteers: an integer column lets the
database test overlap with one bitwise AND, on SQLite and PostgreSQL alike.
"""

from django import forms
from django.core import checks
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from wagtail_heurecivique.core.enums import ActionKind, DayPeriod, Language, Weekday


def mask_from_bits(bits):
    mask = 0
    for bit in bits:
        mask |= 1 << int(bit)
    return mask


def bits_from_mask(mask):
    mask = int(mask or 0)
    return [bit for bit in range(mask.bit_length()) if mask & (1 << bit)]


class FlagsFormField(forms.TypedMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, choices, **kwargs):
        super().__init__(choices=choices, coerce=int, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return [str(bit) for bit in bits_from_mask(value)]
        return value

    def has_changed(self, initial, data):
        return self.prepare_value(initial or 0) != [str(v) for v in (data or [])]

    def clean(self, value):
        return mask_from_bits(super().clean(value))


class FlagsField(models.PositiveIntegerField):
    """Base class: subclasses define ``flag_choices``, a list of ``(bit, label)``."""

    flag_choices = ()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", 0)
        super().__init__(*args, **kwargs)

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if len(self.flag_choices) > 31:
            errors.append(checks.Error("A FlagsField holds at most 31 flags.", obj=self))
        return errors

    def formfield(self, **kwargs):
        # Wagtail and Django pass integer-field arguments (min_value…) that a
        # multiple-choice field does not take: keep only those that apply.
        passed = {key: kwargs[key] for key in ("widget", "initial", "disabled") if key in kwargs}
        return FlagsFormField(
            choices=self.flag_choices,
            required=not self.blank,
            label=capfirst(self.verbose_name),
            help_text=self.help_text,
            **passed,
        )

    def labels(self, value):
        names = dict(self.flag_choices)
        return [names[bit] for bit in bits_from_mask(value) if bit in names]


def _slot_choices():
    return [
        (day.value * len(DayPeriod) + period.value, _("%(day)s %(period)s") % {"day": day.label, "period": period.label})
        for day in Weekday
        for period in DayPeriod
    ]


def slot_bit(weekday, period):
    return int(weekday) * len(DayPeriod) + int(period)


class AvailabilityField(FlagsField):
    """Weekly availability: one bit per weekday × morning / afternoon / evening."""

    @property
    def flag_choices(self):
        return _slot_choices()


class EnumFlagsField(FlagsField):
    """A set of members of ``enum`` (a TextChoices), one bit per member in declaration order."""

    enum = None

    @property
    def flag_choices(self):
        return [(index, member.label) for index, member in enumerate(self.enum)]


def enum_bit(enum, value):
    return list(enum).index(enum(value))


class ActionKindsField(EnumFlagsField):
    """The kinds of action (interpersonal, collective, associative) a volunteer prefers."""

    enum = ActionKind


def action_kind_bit(kind):
    return enum_bit(ActionKind, kind)


class LanguagesField(EnumFlagsField):
    """The languages a volunteer speaks, one bit per ``Language``."""

    enum = Language


def language_bit(language):
    return enum_bit(Language, language)
