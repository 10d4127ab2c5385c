import contextlib
import contextvars

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_m2m_records, pre_create_historical_m2m_records

#: The reason given by the innermost ``change_reason`` block, if any.
_block_reason = contextvars.ContextVar("heurecivique_change_reason", default=None)


@contextlib.contextmanager
def change_reason(reason):
    """The history rows written in this block that give no reason of their own give ``reason``.

    For the saves whose instance the code never holds before they happen (``get_or_create``)
    and for a command that writes many records: a row with no user always says why.
    """
    token = _block_reason.set(reason)
    try:
        yield
    finally:
        _block_reason.reset(token)


class PluginHistoricalRecords(HistoricalRecords):
    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if getattr(sender._meta, "simple_history_manager_attribute", None) == self.manager_name:
            sender._meta.plugin_history_records = self  # for ``create_with_m2m``

    def get_change_reason_for_object(self, instance, history_type, using):
        # simple-history's documented hook: the instance's own ``_change_reason`` comes first.
        return super().get_change_reason_for_object(instance, history_type, using) or _block_reason.get()

    def create_historical_record_m2ms(self, history_instance, instance):
        """simple-history's copy of the many-to-many rows, without its two reads of a creation.

        simple-history reads the instance back (``history_instance.instance``, a query for the
        excluded fields) only to reach the through model, then reads the through rows: a row
        that ``save()`` just inserted has none yet, and ``create_with_m2m`` knows those it wrote.
        """
        known = getattr(instance, "_history_new_m2m", None) if history_instance.history_type == "+" else None
        for field in history_instance._history_m2m_fields:
            m2m_history_model = self.m2m_models[field]
            through_model = field.remote_field.through
            through_names = [f.name for f in through_model._meta.fields]
            if history_instance.history_type == "+":
                rows = (known or {}).get(field.name, [])
            else:
                fk_names = [f.name for f in through_model._meta.fields if isinstance(f, models.ForeignKey)]
                rows = through_model.objects.filter(**{field.m2m_field_name(): instance}).select_related(*fk_names)
            insert_rows = [
                m2m_history_model(history=history_instance, **{name: getattr(row, name) for name in through_names})
                for row in rows
            ]
            pre_create_historical_m2m_records.send(
                sender=m2m_history_model, rows=insert_rows, history_instance=history_instance,
                instance=instance, field=field,
            )
            created_rows = m2m_history_model.objects.bulk_create(insert_rows) if insert_rows else []
            post_create_historical_m2m_records.send(
                sender=m2m_history_model, created_rows=created_rows, history_instance=history_instance,
                instance=instance, field=field,
            )


def create_with_m2m(instance, **related):
    """Insert ``instance`` and its many-to-many rows (``field_name=[targets]``), with one history
    row that holds both.

    ``save()`` writes the history row at ``post_save``, before any many-to-many row can exist;
    adding them afterwards writes a second, "changed" history row and reads the through table
    back. Here: one insert per table, the creation's history row last.
    """
    records = instance._meta.plugin_history_records
    instance.skip_history_when_saving = True
    try:
        instance.save()
    finally:
        del instance.skip_history_when_saving
    written = {}
    for name, targets in related.items():
        field = instance._meta.get_field(name)
        through = field.remote_field.through
        rows = [through(**{field.m2m_field_name(): instance, field.m2m_reverse_field_name(): target})
                for target in targets]
        written[name] = through.objects.bulk_create(rows) if rows else []
    instance._history_new_m2m = written
    try:
        records.create_historical_record(instance, "+")
    finally:
        del instance._history_new_m2m
    return instance


def history_records(**kwargs):
    """simple-history records as every model of the plugin keeps them.

    The default reason column holds 100 characters; reasons typed by staff (deletion,
    refusal) are longer, hence a text column — a new field instance per model. A save
    without a ``_change_reason`` takes that of its ``change_reason`` block.
    """
    return PluginHistoricalRecords(history_change_reason_field=models.TextField(null=True), **kwargs)


def staff_user_field(verbose_name):
    """Who recorded a row (author of a need, proposal, hours, consent).

    Not editable in forms (the back office fills it with the acting user) and with no
    reverse accessor on users: these rows are reached through communes, never from a user.
    """
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
