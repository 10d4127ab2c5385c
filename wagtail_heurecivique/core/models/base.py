import contextlib
import contextvars

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

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
    def get_change_reason_for_object(self, instance, history_type, using):
        # simple-history's documented hook: the instance's own ``_change_reason`` comes first.
        return super().get_change_reason_for_object(instance, history_type, using) or _block_reason.get()


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
