"""Evaluation indicators of the programme, computed with SQL aggregates.

``compute(communes, start, end)`` reads the communes' data for a period (both dates
included) and returns ``Indicator`` rows; it makes the same fifteen queries whatever the
size of the data. Callers pass communes already scoped to the reader
(``communes_for_user``): this module never widens what a person may see.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, F, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Length, Lower, Substr, TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from wagtail_heurecivique.core.enums import (
    ActionKind,
    NeedStatus,
    PartnerKind,
    ProposalStatus,
    RegistrationStatus,
    VolunteerStatus,
)
from wagtail_heurecivique.core.models.communes import Commune
from wagtail_heurecivique.core.models.needs import HoursRecord, Need, Proposal
from wagtail_heurecivique.core.models.people import Volunteer
from wagtail_heurecivique.core.models.registrations import Registration
from wagtail_heurecivique.reporting.medians import groups_of_at_least, median
from wagtail_heurecivique.site.actions import ActionPage
from wagtail_heurecivique.site.homes import CommuneHomePage

MONTHLY_PLEDGE_MINUTES = 60
SMALL_COUNT = 5  # counts below this may identify people in public figures


@dataclass
class Indicator:
    key: str
    label: str
    value: object  # a number, or None when there is nothing to measure
    unit: str = ""
    short_label: str = ""  # the label of a chart's bar, when the row is part of a series

    @property
    def display(self):
        if self.value is None:
            return "—"
        if isinstance(self.value, float):
            return f"{formats.number_format(round(self.value, 1), 1)}{self.unit}"
        return f"{self.value}{self.unit}"


def default_period(today=None):
    """From the 1st of the month, eleven months ago, to today: a rolling year."""
    today = today or timezone.localdate()
    start = today.replace(day=1)
    for _month in range(11):
        start = (start - datetime.timedelta(days=1)).replace(day=1)
    return start, today


def _days(duration):
    return None if duration is None else duration.total_seconds() / 86400


def period_bounds(start, end):
    """The aware datetimes from the start of ``start`` to the end of ``end``."""
    begin = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    finish = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min))
    return begin, finish


def _months(start, end):
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def held_actions(communes, begin, finish, now=None):
    """The live actions of ``communes`` that started from ``begin`` to before ``finish``, and are past.

    An action belongs to the commune of the home page above it, at whatever depth the host
    placed that home: the page tree is the truth, ``Registration.commune`` being empty on the
    registrations made before it existed. A home is above an action when its path begins
    the action's (``Substr`` of the action's path to the home's length, as in
    ``page_scoping``); the homes are few, found by their commune's index. One query, whatever
    the number of communes.
    """
    now = now or timezone.now()
    home_above = CommuneHomePage.objects.filter(
        commune__in=communes, path=Substr(OuterRef("path"), 1, Length("path"))
    )
    return (
        ActionPage.objects.live()
        .filter(start__gte=begin, start__lt=min(finish, now))
        .filter(Exists(home_above))
        .order_by()  # pages come ordered by path, which would split the GROUP BYs below
    )


def participation(actions):
    """Places taken (registrations confirmed) at ``actions``, and the different people who took them."""
    return Registration.objects.filter(action__in=actions.values("pk"), status=RegistrationStatus.REGISTERED).aggregate(
        places=Count("pk"),
        people=Count(Lower("email"), distinct=True),
    )


def compute(communes, start, end, *, kind=None):
    """Indicators for ``communes`` (a queryset) from ``start`` to ``end`` included."""
    begin, finish = period_bounds(start, end)
    commune_ids = communes.values("pk")
    volunteers = Volunteer.objects.filter(commune__in=commune_ids)
    needs = Need.objects.filter(commune__in=commune_ids, created_at__gte=begin, created_at__lt=finish)
    if kind:
        needs = needs.filter(kind=kind)
    proposals = Proposal.objects.filter(need__commune__in=commune_ids, proposed_at__gte=begin, proposed_at__lt=finish)
    if kind:
        proposals = proposals.filter(need__kind=kind)
    hours = HoursRecord.objects.filter(volunteer__commune__in=commune_ids, date__gte=start, date__lte=end)
    if kind:
        hours = hours.filter(proposal__need__kind=kind)

    rows = []
    def add(key, label, value, unit="", short_label=""):
        rows.append(Indicator(key, str(label), value, unit, str(short_label)))

    counts = volunteers.aggregate(
        registered=Count("pk", filter=Q(created_at__lt=finish)),
        active=Count("pk", filter=Q(status=VolunteerStatus.ACTIVE)),
    )
    per_volunteer = hours.values("volunteer").annotate(minutes=Sum("minutes"))
    median_minutes, gave_time = median(per_volunteer, "minutes")
    add("volunteers_registered", _("Volunteers registered"), counts["registered"])
    add("volunteers_active", _("Active volunteers"), counts["active"])
    add("volunteers_gave_time", _("Volunteers who gave time in the period"), gave_time)

    months = _months(start, end)
    by_month = dict(
        hours.annotate(month=TruncMonth("date")).values("month").annotate(minutes=Sum("minutes")).values_list("month", "minutes")
    )
    # The total is that of the months (all the period's hours fall in one of them).
    total_minutes = sum(minutes or 0 for minutes in by_month.values())
    add("hours_total", _("Hours given"), total_minutes / 60, " h")
    add("hours_median", _("Hours given per volunteer (median)"), None if median_minutes is None else median_minutes / 60, " h")
    for month in months:
        minutes = by_month.get(month) or 0
        add(
            f"hours_{month:%Y_%m}",
            _("Hours given in %(month)s") % {"month": formats.date_format(month, "F Y")},
            minutes / 60,
            " h",
            formats.date_format(month, "N Y"),
        )

    kept = (
        hours.filter(volunteer__status=VolunteerStatus.ACTIVE)
        .annotate(month=TruncMonth("date"))
        .values("volunteer", "month")
        .annotate(minutes=Sum("minutes"))
        .filter(minutes__gte=MONTHLY_PLEDGE_MINUTES)
    )
    kept_every_month = groups_of_at_least(kept, "volunteer", len(months))
    add(
        "kept_monthly_hour",
        _("Active volunteers who gave their hour every month"),
        100 * kept_every_month / counts["active"] if counts["active"] else None,
        " %",
    )

    by_status = dict(needs.values("status").annotate(n=Count("pk")).values_list("status", "n"))
    add("needs_total", _("Needs raised"), sum(by_status.values()))
    for status in NeedStatus:
        add(
            f"needs_status_{status.value}",
            _("Needs: %(status)s") % {"status": status.label},
            by_status.get(status.value, 0),
            short_label=status.label,
        )
    by_kind = dict(needs.values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    for action_kind in ActionKind:
        add(
            f"needs_kind_{action_kind.value}",
            _("Needs: %(kind)s action") % {"kind": action_kind.label.lower()},
            by_kind.get(action_kind.value, 0),
            short_label=action_kind.label,
        )
    for name, n in needs.values("category__name").annotate(n=Count("pk")).order_by("category__name").values_list("category__name", "n"):
        add(f"needs_category_{name}", _("Needs in the category “%(category)s”") % {"category": name}, n)

    # The medians are intervals: the database subtracts the dates and takes the middle one.
    to_match = needs.annotate(first=Min("proposals__proposed_at")).filter(first__isnull=False)
    wait, _count = median(to_match.annotate(wait=F("first") - F("created_at")), "wait")
    add("days_to_match", _("Days from intake to first proposal (median)"), _days(wait), " " + _("days"))
    # When a need became done is read from its history: the first row with that status.
    first_done = Need.history.model.objects.filter(id=OuterRef("pk"), status=NeedStatus.DONE).order_by("history_date")
    done_at = needs.annotate(done=Subquery(first_done.values("history_date")[:1])).filter(done__isnull=False)
    took, _count = median(done_at.annotate(took=F("done") - F("created_at")), "took")
    add("days_to_completion", _("Days from intake to completion (median)"), _days(took), " " + _("days"))

    actions = held_actions(commune_ids, begin, finish)
    if kind:
        actions = actions.filter(kind=kind)
    actions_by_kind = dict(actions.values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    add("actions_held", _("Actions held"), sum(actions_by_kind.values()))
    for action_kind in ActionKind:
        add(
            f"actions_kind_{action_kind.value}",
            _("Actions held: %(kind)s") % {"kind": action_kind.label.lower()},
            actions_by_kind.get(action_kind.value, 0),
            short_label=action_kind.label,
        )
    taken = participation(actions)
    add("action_participants", _("Participants in the actions held (places taken)"), taken["places"])
    add("action_people", _("Different people who took part in the actions held"), taken["people"])

    ratings_by_side = {}
    for side, field in (("beneficiary", "rating"), ("volunteer", "volunteer_rating")):
        ratings_by_side.update({
            f"{side}_average": Avg(field),
            f"{side}_rated": Count(field),
            **{f"{side}_{n}": Count("pk", filter=Q(**{field: n})) for n in range(1, 6)},
        })
    answered = proposals.aggregate(
        accepted=Count("pk", filter=Q(status__in=(ProposalStatus.ACCEPTED, ProposalStatus.DONE, ProposalStatus.NO_SHOW))),
        answered=Count("pk", filter=~Q(status__in=(ProposalStatus.PROPOSED, ProposalStatus.CANCELLED))),
        comments=Count("pk", filter=~Q(volunteer_feedback="") | ~Q(beneficiary_feedback="")),
        beneficiaries=Count("need__beneficiary", distinct=True, filter=Q(status=ProposalStatus.DONE)),
        **ratings_by_side,
    )
    add("proposals_total", _("Proposals made"), proposals.count())
    add(
        "acceptance_rate",
        _("Proposals accepted (share of answers)"),
        100 * answered["accepted"] / answered["answered"] if answered["answered"] else None,
        " %",
    )
    add("beneficiaries_helped", _("Beneficiaries helped"), answered["beneficiaries"])
    # Keys without a side are the beneficiaries': they were the only ratings before the
    # volunteers gave theirs, and the open data publishes them under these names.
    sides = (
        ("", "beneficiary", _("Beneficiaries' satisfaction (average rating out of 5)"),
         _("Ratings given by beneficiaries"), _("Beneficiaries' ratings of %(rating)s/5")),
        ("volunteer_", "volunteer", _("Volunteers' satisfaction (average rating out of 5)"),
         _("Ratings given by volunteers"), _("Volunteers' ratings of %(rating)s/5")),
    )
    for prefix, side, average_label, count_label, rating_label in sides:
        add(f"{prefix}satisfaction", average_label, answered[f"{side}_average"], "/5")
        add(f"{prefix}ratings", count_label, answered[f"{side}_rated"])
        for rating in range(1, 6):
            add(f"{prefix}ratings_{rating}", rating_label % {"rating": rating}, answered[f"{side}_{rating}"],
                short_label=f"{rating}/5")
    add("feedback_comments", _("Proposals with written feedback"), answered["comments"])

    # One aggregate over the needs: a DISTINCT over partners joined back to a needs
    # subquery made PostgreSQL plan a nested loop (a minute at 10,000 needs).
    partners = needs.aggregate(partners=Count("referrer", distinct=True))
    referrals = dict(
        needs.filter(referrer__isnull=False).values("referrer__kind").annotate(n=Count("pk")).values_list("referrer__kind", "n")
    )
    add("partners_involved", _("Partners who referred needs"), partners["partners"])
    for partner_kind in PartnerKind:
        add(
            f"referrals_{partner_kind.value}",
            _("Referrals by partners: %(kind)s") % {"kind": partner_kind.label.lower()},
            referrals.get(partner_kind.value, 0),
        )
    return rows


def suppress_small_counts(value):
    """Public figures: a count from 1 to 4 could point at someone, so it becomes "< 5"."""
    if isinstance(value, int) and 0 < value < SMALL_COUNT:
        return f"< {SMALL_COUNT}"
    return value


# What a commune publishes (open data, public counters): counts of people are suppressed below SMALL_COUNT, and a
# ratio is published only when it rests on at least SMALL_COUNT people or answers.
PUBLIC_COUNTS = (
    "volunteers_registered",
    "volunteers_active",
    "volunteers_gave_time",
    "needs_total",
    "needs_status_done",
    "needs_kind_interpersonal",
    "needs_kind_collective",
    "needs_kind_associative",
    "beneficiaries_helped",
    "partners_involved",
    "action_participants",
    "action_people",
)
# Not counts of people: the hours given, and the actions held, which the commune's
# archive of actions lists publicly anyway.
PUBLIC_AMOUNTS = ("hours_total", "actions_held")
PUBLIC_RATIOS = {
    "satisfaction": "ratings",
    "volunteer_satisfaction": "volunteer_ratings",
    "kept_monthly_hour": "volunteers_active",
}



def public_figures(commune, start, end):
    """The commune's indicators that may be published, small counts suppressed."""
    rows = {row.key: row for row in compute(Commune.objects.filter(pk=commune.pk), start, end)}

    def entry(row, value):
        return {"label": row.label, "value": value, "unit": row.unit.strip()}

    figures = {key: entry(rows[key], suppress_small_counts(rows[key].value)) for key in PUBLIC_COUNTS}
    for key in [*PUBLIC_AMOUNTS, *(k for k in rows if k.startswith("hours_2"))]:
        figures[key] = entry(rows[key], round(rows[key].value, 1))
    for key, base in PUBLIC_RATIOS.items():
        value = rows[key].value
        enough = (rows[base].value or 0) >= SMALL_COUNT
        figures[key] = entry(rows[key], round(value, 1) if value is not None and enough else None)
    return figures
