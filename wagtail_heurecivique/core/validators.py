"""Validators for French administrative data, with messages a person understands."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

validate_postcode = RegexValidator(
    r"^(?:0[1-9]|[1-8]\d|9[0-8])\d{3}$",
    _("Enter a French postcode of five digits, for example 75011."),
    code="invalid_postcode",
)

validate_insee_code = RegexValidator(
    r"^(?:2[AB]\d{3}|(?:0[1-9]|[1-8]\d|9[0-5])\d{3}|97[1-6]\d{2})$",
    _("Enter the commune's INSEE code: five characters, for example 69123 or 2A004."),
    code="invalid_insee_code",
)

validate_departement = RegexValidator(
    r"^(?:0[1-9]|[1-8]\d|9[0-5]|2A|2B|97[1-6])$",
    _("Enter a département number, for example 01, 2A or 974."),
    code="invalid_departement",
)

#: The largest primary key a database column holds (a signed 64-bit integer).
MAX_PK = 2**63 - 1


def is_pk(value):
    """Whether ``value`` (an int or its text) is an id a column can hold.

    What comes from a request or a signed payload is checked with this before it reaches a
    lookup: SQLite raises ``OverflowError`` on an integer of 20 digits, a 500.
    """
    if type(value) is int:
        return 0 < value <= MAX_PK
    return isinstance(value, str) and value.isascii() and value.isdigit() and 0 < int(value) <= MAX_PK


_PHONE_STRIP = re.compile(r"[\s.\-()]")
_PHONE_RE = re.compile(r"^(?:0|\+33|0033)[1-9]\d{8}$")


def normalise_phone(value):
    """Return the number as ``0X XX XX XX XX``, the form French staff read aloud."""
    digits = _PHONE_STRIP.sub("", value or "")
    if not _PHONE_RE.match(digits):
        return value
    national = "0" + digits[-9:]
    return " ".join(national[i : i + 2] for i in range(0, 10, 2))


def validate_phone(value):
    digits = _PHONE_STRIP.sub("", value or "")
    if not _PHONE_RE.match(digits):
        raise ValidationError(
            _("Enter a French phone number of ten digits, for example 06 12 34 56 78."),
            code="invalid_phone",
        )


def validate_postcode_list(value):
    codes = [code for code in re.split(r"[\s,;]+", value or "") if code]
    if not codes:
        raise ValidationError(_("Enter at least one postcode."), code="required")
    for code in codes:
        validate_postcode(code)


@deconstructible
class NotInFutureValidator:
    """Refuses a date or datetime after today (hours given, consent recorded…)."""

    message = _("This date cannot be in the future.")
    code = "date_in_future"

    def __call__(self, value):
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        if value > timezone.localdate():
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, NotInFutureValidator)


validate_not_in_future = NotInFutureValidator()


MATCHING_CRITERIA = ("skills", "availability", "distance", "fairness", "feedback", "language")


def validate_matching_weights(value):
    if not isinstance(value, dict):
        raise ValidationError(_("Enter the weights as a dictionary of criteria."), code="invalid_weights")
    unknown = sorted(set(value) - set(MATCHING_CRITERIA))
    if unknown:
        raise ValidationError(
            _("Unknown criteria: %(unknown)s. Known criteria: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(MATCHING_CRITERIA)},
            code="invalid_weights",
        )
    for name, weight in value.items():
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 <= weight <= 10:
            raise ValidationError(
                _("The weight of “%(name)s” must be a number from 0 to 10.") % {"name": name},
                code="invalid_weights",
            )
