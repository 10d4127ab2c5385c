"""The news message "Votre Heure Civique": who receives it on the 1st, and which months it covers.

A volunteer chooses to hear from their commune every month, or every three months (in
January, April, July and October, the message then covering the quarter ahead).
"""

import datetime

from django.db.models import Q

from wagtail_heurecivique.core.enums import MessageFrequency
from wagtail_heurecivique.core.models.people import Volunteer
from wagtail_heurecivique.notifications import events

#: The months in which a quarterly message is sent: each opens a quarter.
QUARTER_STARTS = (1, 4, 7, 10)

#: How many months each frequency's message covers.
MONTHS_COVERED = {MessageFrequency.MONTHLY: 1, MessageFrequency.QUARTERLY: 3}


def add_months(first, months):
    """The first day of the month ``months`` after (or before, when negative) ``first``'s."""
    index = first.year * 12 + first.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_covered(frequency):
    return MONTHS_COVERED.get(frequency, 1)


def frequencies_due(first):
    """The frequencies whose message goes out in the month starting on ``first``."""
    if first.month in QUARTER_STARTS:
        return [MessageFrequency.MONTHLY, MessageFrequency.QUARTERLY]
    return [MessageFrequency.MONTHLY]


def recipients(first):
    """Active volunteers who want the message this month and have not paused on its first day."""
    return (
        Volunteer.objects.active().filter(
            wants_monthly_message=True, email_bounced_at__isnull=True,
            commune__is_active=True, message_frequency__in=frequencies_due(first),
        )
        .filter(Q(paused_until__isnull=True) | Q(paused_until__lt=first))
        .select_related("commune")
        .order_by("pk")
    )


def send_monthly_messages(first):
    """Record the message of the month starting on ``first`` for each recipient; return how many were new.

    The ledger key names the volunteer and the month: running again sends nothing twice.
    """
    return sum(bool(events.monthly_message(volunteer, first)) for volunteer in recipients(first).iterator())
