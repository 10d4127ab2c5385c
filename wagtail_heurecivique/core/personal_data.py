"""The one registry of fields that hold personal data.

Models declare their personal fields with the ``personal_data`` decorator; export,
erasure / anonymisation and retention code walk ``registry`` instead of keeping lists of
their own. Fields marked *sensitive* are shown only to users holding the model's
``sensitive_permission`` (inspect views, history diffs, exports).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


class DataCategory:
    """The kinds of personal data a field may hold (not the catalogue's ``Category`` of help)."""

    IDENTITY = "identity"
    CONTACT = "contact"
    LOCATION = "location"
    FREE_TEXT = "free_text"
    SENSITIVE = "sensitive"

    labels = {
        IDENTITY: _("Identity"),
        CONTACT: _("Contact details"),
        LOCATION: _("Location"),
        FREE_TEXT: _("Free text that may name people"),
        SENSITIVE: _("Sensitive data"),
    }


@dataclass(frozen=True)
class PersonalField:
    model: type
    name: str
    category: str

    @property
    def sensitive(self):
        return self.category == DataCategory.SENSITIVE

    @property
    def field(self):
        return self.model._meta.get_field(self.name)


class PersonalDataRegistry:
    def __init__(self):
        self._fields = {}
        self._sensitive_permissions = {}

    def register(self, model, *, sensitive_permission=None, **fields_by_category):
        unknown = set(fields_by_category) - set(DataCategory.labels)
        if unknown:
            raise ValueError(f"Unknown personal data categories: {sorted(unknown)}")
        self._fields[model] = [
            PersonalField(model, name, category)
            for category, names in fields_by_category.items()
            for name in names
        ]
        if sensitive_permission:
            self._sensitive_permissions[model] = sensitive_permission

    def models(self):
        return list(self._fields)

    def fields(self, model):
        return list(self._fields.get(model, ()))

    def __iter__(self):
        for fields in self._fields.values():
            yield from fields

    def sensitive_permission(self, model):
        return self._sensitive_permissions.get(model)

    def hidden_fields(self, model, user):
        """Names of the model's sensitive fields that ``user`` may not read."""
        permission = self.sensitive_permission(model)
        if permission and user.has_perm(permission):
            return set()
        return {f.name for f in self.fields(model) if f.sensitive}


registry = PersonalDataRegistry()


def personal_data(*, sensitive_permission=None, **fields_by_category):
    """Class decorator: ``@personal_data(identity=["first_name"], contact=["email"])``."""

    def decorate(model):
        registry.register(model, sensitive_permission=sensitive_permission, **fields_by_category)
        return model

    return decorate
