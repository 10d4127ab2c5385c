"""E-mails of the programme: a ledger row per message, sent by a task after commit.

``notify()`` records what is to be sent under a key that names it; the same key
never sends twice, so the periodic commands can run as often as cron likes. The
message is rendered and sent by ``tasks.send_notification`` through Django's mail API
(any backend), after the transaction that asked for it commits.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from wagtail_heurecivique.core.enums import NotificationStatus
from wagtail_heurecivique.core.models.base import change_reason
from wagtail_heurecivique.core.models.notifications import Notification
from wagtail_heurecivique.notifications.tasks import send_notification


def enqueue(notification_id):
    send_notification.enqueue(notification_id)


def notify(kind, *, key, to, commune, context, volunteer=None, user=None, fresh=False):
    """Record the message and have it sent once the current transaction commits.

    Returns the ledger row, or ``None`` when this message was already recorded. ``fresh``:
    the key names a row inserted in the current transaction (a volunteer signing up), which no
    other transaction sees yet, so no ledger row can hold it: no lookup, no savepoint.
    """
    if not to:
        return None
    values = {"kind": kind, "to": to, "commune": commune, "context": context, "volunteer": volunteer, "user": user}
    with change_reason(gettext("E-mail queued")):
        if fresh:
            notification = Notification.objects.create(key=key[:200], **values)
        else:
            notification, created = Notification.objects.get_or_create(key=key[:200], defaults=values)
            if not created:
                return None
    transaction.on_commit(lambda: enqueue(notification.pk))
    return notification


def resend_pending(max_attempts=5, grace=datetime.timedelta(minutes=10)):
    """Enqueue again the messages that failed (fewer than ``max_attempts`` times) or were lost.

    Delivery is at least once: a crash between the SMTP answer and the commit sends the
    message again on the retry. Rows younger than ``grace`` are left to their first task.
    """
    pending = Notification.objects.filter(
        status__in=(NotificationStatus.QUEUED, NotificationStatus.FAILED), attempts__lt=max_attempts,
        created_at__lt=timezone.now() - grace,
    ).values_list("pk", flat=True)
    ids = list(pending)
    for pk in ids:
        enqueue(pk)
    return len(ids)
