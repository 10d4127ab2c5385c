from django.db import models
from simple_history.models import HistoricalRecords


def history_records(**kwargs):
    """simple-history records as every model of the plugin keeps them.

    The default reason column holds 100 characters; reasons typed by staff (deletion,
    refusal) are longer, hence a text column — a new field instance per model.
    """
    return HistoricalRecords(history_change_reason_field=models.TextField(null=True), **kwargs)
