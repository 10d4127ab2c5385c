"""Readable field-level history: who changed what, when and why.

Turns django-simple-history records into rows a référent can read, resolving foreign
keys and many-to-many values in bulk (one query per related model, not per change) and
masking the sensitive fields the reader may not see.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail_heurecivique.core.display import EMPTY, field_display
from wagtail_heurecivique.core.personal_data import registry

ACTION_LABELS = {
    "+": pgettext_lazy("history", "Created"),
    "~": pgettext_lazy("history", "Changed"),
    "-": pgettext_lazy("history", "Deleted"),
}

HIDDEN = _("(hidden: sensitive data)")
# Stands for "no previous value" in a creation row, where None is a real value.
INITIAL = object()


@dataclass
class FieldChange:
    label: str
    old: str | None  # None in a creation row: there was no previous value
    new: str


@dataclass
class HistoryEntry:
    record: object
    action: str
    changes: list = field(default_factory=list)

    @property
    def user(self):
        return self.record.history_user

    @property
    def date(self):
        return self.record.history_date

    @property
    def reason(self):
        return self.record.history_change_reason or ""


class HistoryFormatter:
    def __init__(self, model, user):
        self.model = model
        self.hidden = registry.hidden_fields(model, user)
        history_model = model.history.model
        self.history_fields = {f.name for f in history_model._meta.get_fields()} | {
            f.name for f in getattr(history_model, "_history_m2m_fields", ())
        }
        self._pending = {}  # related model -> set of pks to fetch
        self._resolved = {}

    @property
    def m2m_names(self):
        return [f.name for f in self._tracked_fields() if f.many_to_many]

    def prepare(self, records):
        """The history queryset with what ``entries`` reads, fetched once for the page."""
        return records.select_related("history_user")

    def _load_m2m(self, window):
        """Many-to-many rows of every record in the window: one query per field.

        simple-history puts a manager, not a relation, on the historical model, so
        ``prefetch_related`` cannot reach these rows.
        """
        history_model = self.model.history.model
        ids = [record.history_id for record in window]
        self._m2m_rows = {}
        for name in self.m2m_names:
            m2m_model = vars(history_model)[name].model
            target = self.model._meta.get_field(name).m2m_reverse_field_name()
            rows = m2m_model.objects.filter(history_id__in=ids).values_list("history_id", f"{target}_id")
            for history_id, pk in rows:
                self._m2m_rows.setdefault((name, history_id), []).append(pk)

    def entries(self, window, page_size):
        """``window`` holds the page's records (newest first) and one older record."""
        self._load_m2m(window)
        raw = []
        for index, record in enumerate(window[:page_size]):
            older = window[index + 1] if index + 1 < len(window) else None
            raw.append((record, self._raw_changes(record, older)))
        self._resolve_related()
        return [
            HistoryEntry(
                record=record,
                action=ACTION_LABELS.get(record.history_type, record.history_type),
                changes=[self._format(*change) for change in changes],
            )
            for record, changes in raw
        ]

    def _tracked_fields(self):
        for model_field in self.model._meta.get_fields():
            if model_field.name in self.history_fields and (model_field.concrete or model_field.many_to_many):
                if not model_field.auto_created:
                    yield model_field

    def _raw_changes(self, record, older):
        if record.history_type == "-":
            return []
        if record.history_type == "+" or older is None:
            # A creation: show what the record started with.
            initial = [(model_field, INITIAL, self._value(record, model_field)) for model_field in self._tracked_fields()]
            return [change for change in initial if change[2] not in (None, "", [], 0)]
        # Many-to-many values are compared from the rows loaded for the whole window:
        # simple-history's diff would query them again for every record.
        delta = record.diff_against(older, excluded_fields=self.m2m_names)
        changes = [(self.model._meta.get_field(c.field), c.old, c.new) for c in delta.changes]
        for model_field in self._tracked_fields():
            if model_field.many_to_many:
                old, new = self._value(older, model_field), self._value(record, model_field)
                if sorted(old) != sorted(new):
                    changes.append((model_field, old, new))
        return [self._queue(change) for change in changes]

    def _value(self, record, model_field):
        if model_field.many_to_many:
            return self._queue_m2m(model_field, self._m2m_rows.get((model_field.name, record.history_id), []))
        value = getattr(record, model_field.attname)
        if model_field.is_relation and value is not None:
            self._pending.setdefault(model_field.related_model, set()).add(value)
        return value

    def _queue_m2m(self, model_field, pks):
        self._pending.setdefault(model_field.related_model, set()).update(pks)
        return pks

    def _queue(self, change):
        model_field, old, new = change
        if model_field.many_to_many:
            self._queue_m2m(model_field, old)
            self._queue_m2m(model_field, new)
        elif model_field.is_relation:
            for value in (old, new):
                if value is not None and value is not INITIAL:
                    self._pending.setdefault(model_field.related_model, set()).add(value)
        return change

    def _resolve_related(self):
        for related_model, pks in self._pending.items():
            objects = related_model._default_manager.in_bulk(list(pks))
            self._resolved[related_model] = {pk: str(obj) for pk, obj in objects.items()}

    def _format(self, model_field, old, new):
        label = str(model_field.verbose_name)
        label = label[:1].upper() + label[1:]
        if model_field.name in self.hidden:
            old_display = HIDDEN if old not in (None, "") else EMPTY
            return FieldChange(label, None if old is INITIAL else old_display, HIDDEN)
        old_display = None if old is INITIAL else self._display(model_field, old)
        return FieldChange(label, old_display, self._display(model_field, new))

    def _display(self, model_field, value):
        # Related values are primary keys here, named from the bulk queries of ``_resolve_related``.
        names = self._resolved.get(model_field.related_model, {}) if model_field.is_relation else None
        return field_display(model_field, value, names=names)
