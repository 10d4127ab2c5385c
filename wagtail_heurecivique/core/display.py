"""How a model field's value reads, in one place.

The history of a record, the back office's inspect views and its spreadsheet exports show
the same value the same way: a choice by its label, a boolean as Yes/No, a bit mask
(``FlagsField``: availability, action kinds, languages) by its labels, a date or a decimal
number in the reader's format (and time zone), a related record by its name, nothing as "—".
"""

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from wagtail_heurecivique.core.fields import FlagsField

#: What an empty value reads as.
EMPTY = "—"

DELETED = _("deleted record #%(pk)s")


def _related(value, names):
    if isinstance(value, models.Model):
        return str(value)
    if names is not None:
        return names[value] if value in names else str(DELETED % {"pk": value})
    return str(value)


def field_display(model_field, value, *, empty=EMPTY, names=None):
    """``value`` of ``model_field`` as text a person reads.

    A related value (a foreign key, or the items of a many-to-many field) is a model
    instance, read by its ``str``, or a primary key, read from ``names`` (primary key →
    name, fetched in bulk by the caller); a key missing from ``names`` is a deleted record.
    ``empty`` is what None, "", an empty list or a bit mask without flags read as.
    """
    if value is None or value == "" or value == []:
        return empty
    if model_field.many_to_many:
        return ", ".join(sorted(_related(item, names) for item in value))
    if model_field.is_relation:
        return _related(value, names)
    if isinstance(model_field, FlagsField):
        return ", ".join(str(label) for label in model_field.labels(value)) or empty
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return str(_("Yes") if value else _("No"))
    if isinstance(model_field, models.DateTimeField):
        return formats.localize(timezone.localtime(value) if timezone.is_aware(value) else value)
    if isinstance(model_field, (models.DateField, models.DecimalField, models.FloatField)):
        return formats.localize(value)  # "12/03/2026", "48,8566" in French
    return str(value)
