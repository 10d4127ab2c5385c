"""Medians taken by the database (``reporting.medians``), on SQLite and PostgreSQL alike."""

import datetime

import pytest
from django.db.models import F, Min, Sum
from django.utils import timezone

from tests import factories
from wagtail_heurecivique.core.models.needs import HoursRecord, Need
from wagtail_heurecivique.models import Commune
from wagtail_heurecivique.reporting.indicators import compute
from wagtail_heurecivique.reporting.medians import groups_of_at_least, median


def per_volunteer(commune):
    return HoursRecord.objects.filter(volunteer__commune=commune).values("volunteer").annotate(minutes=Sum("minutes"))


def give(commune, *minutes_each):
    for minutes in minutes_each:
        factories.hours(factories.volunteer(commune), minutes=minutes)


@pytest.mark.django_db
def test_an_even_count_takes_the_mean_of_the_two_middle_values(commune_a):
    give(commune_a, 30, 240, 60, 90)  # sorted 30, 60, 90, 240: (60 + 90) / 2
    assert median(per_volunteer(commune_a), "minutes") == (75, 4)


@pytest.mark.django_db
def test_an_odd_count_takes_the_middle_value_of_the_groups(commune_a):
    give(commune_a, 10, 500, 45)
    # A volunteer's hours are summed first: 20 + 30 makes 50, the middle of 10, 45, 50, 500, 45 → 45.
    twice = factories.volunteer(commune_a)
    factories.hours(twice, minutes=20)
    factories.hours(twice, minutes=30)
    give(commune_a, 45)
    assert median(per_volunteer(commune_a), "minutes") == (45, 5)


@pytest.mark.django_db
def test_a_single_value_is_its_own_median(commune_a):
    give(commune_a, 75)
    assert median(per_volunteer(commune_a), "minutes") == (75, 1)


@pytest.mark.django_db
def test_an_empty_set_has_no_median(commune_a):
    assert median(per_volunteer(commune_a), "minutes") == (None, 0)
    rows = {r.key: r.value for r in compute(Commune.objects.filter(pk=commune_a.pk), *period())}
    assert rows["hours_median"] is None and rows["days_to_match"] is None and rows["days_to_completion"] is None
    assert rows["volunteers_gave_time"] == 0 and rows["hours_total"] == 0


def period():
    today = timezone.localdate()
    return today - datetime.timedelta(days=30), today


@pytest.mark.django_db
def test_a_median_of_durations_is_a_duration(commune_a):
    volunteer = factories.volunteer(commune_a)
    now = timezone.now()
    for days in (1, 2, 5, 6):  # an even count: (2 + 5) / 2 days
        need = factories.need(commune_a)
        Need.objects.filter(pk=need.pk).update(created_at=now - datetime.timedelta(days=days, hours=1))
        factories.proposal(need, volunteer, proposed_at=now - datetime.timedelta(hours=1))
    waits = Need.objects.filter(commune=commune_a).annotate(first=Min("proposals__proposed_at"))
    got, count = median(waits.annotate(wait=F("first") - F("created_at")), "wait")
    assert (got, count) == (datetime.timedelta(days=3.5), 4)
    rows = {r.key: r.value for r in compute(Commune.objects.filter(pk=commune_a.pk), *period())}
    assert rows["days_to_match"] == 3.5


@pytest.mark.django_db
def test_groups_of_at_least_counts_groups_by_their_rows(commune_a):
    steady, once = factories.volunteer(commune_a), factories.volunteer(commune_a)
    today = timezone.localdate()
    for day in (today, today - datetime.timedelta(days=40), today - datetime.timedelta(days=80)):
        factories.hours(steady, date=day)
    factories.hours(once, date=today)
    rows = HoursRecord.objects.filter(volunteer__commune=commune_a)
    assert groups_of_at_least(rows, "volunteer", 3) == 1
    assert groups_of_at_least(rows, "volunteer", 1) == 2
    assert groups_of_at_least(rows, "volunteer", 4) == 0


@pytest.mark.django_db
def test_every_volunteer_who_kept_the_hour_is_counted(commune_a):
    today = timezone.localdate()
    for _n in range(3):
        factories.hours(factories.volunteer(commune_a), date=today, minutes=60)
    factories.volunteer(commune_a)  # active, gave nothing
    rows = {r.key: r.value for r in compute(Commune.objects.filter(pk=commune_a.pk), today.replace(day=1), today)}
    assert rows["kept_monthly_hour"] == 75.0
