from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


def history_records(**kwargs):
    """simple-history records as every model of the plugin keeps them.

    The default reason column holds 100 characters; reasons typed by staff (deletion,
    refusal) are longer, hence a text column — a new field instance per model.
    """
    return HistoricalRecords(history_change_reason_field=models.TextField(null=True), **kwargs)


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
