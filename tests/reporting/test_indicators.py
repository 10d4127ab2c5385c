"""Evaluation indicators on a hand-built dataset with known answers."""

import datetime

import pytest
from django.utils import timezone

from tests import factories
from tests.builders import END, START, action, at, registrations
from wagtail_heurecivique.core.enums import ActionKind, VolunteerStatus
from wagtail_heurecivique.models import Commune
from wagtail_heurecivique.reporting.indicators import compute, suppress_small_counts


def values(rows):
    return {row.key: row.value for row in rows}


@pytest.mark.django_db
def test_indicators_have_the_known_answers(dataset, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        rows = compute(Commune.objects.filter(pk=dataset.pk), START, END)
    got = values(rows)
    assert got["volunteers_registered"] == 3
    assert got["volunteers_active"] == 2
    assert got["volunteers_gave_time"] == 2
    assert got["hours_total"] == 3.0
    assert got["hours_median"] == 1.5  # Ana 2.5 h, Ben 0.5 h
    assert got["hours_2026_09"] == 2.0 and got["hours_2026_10"] == 1.0
    assert got["kept_monthly_hour"] == 50.0  # Ana gave ≥ 1 h in September and October; Ben did not
    assert got["needs_total"] == 3
    assert got["needs_status_done"] == 1 and got["needs_status_refused"] == 1 and got["needs_status_new"] == 1
    assert got["needs_kind_collective"] == 1
    assert got["days_to_match"] == 3.0  # 4, 2 days for the two needs proposed: 2+4 → median 3
    assert got["days_to_completion"] == 10.0
    assert got["proposals_total"] == 3
    assert got["acceptance_rate"] == pytest.approx(200 / 3)
    assert got["beneficiaries_helped"] == 1
    assert got["satisfaction"] == 4.0 and got["ratings"] == 2  # beneficiaries: 5 and 3
    assert [got[f"ratings_{n}"] for n in range(1, 6)] == [0, 0, 1, 0, 1]
    assert got["volunteer_satisfaction"] == 3.0 and got["volunteer_ratings"] == 2  # volunteers: 4 and 2
    assert [got[f"volunteer_ratings_{n}"] for n in range(1, 6)] == [0, 1, 0, 1, 0]
    assert got["feedback_comments"] == 1
    assert got["partners_involved"] == 1
    assert got["referrals_health"] == 1
    assert got["actions_held"] == 2
    assert got["actions_kind_collective"] == 1 and got["actions_kind_convivial"] == 1
    assert got["actions_kind_interpersonal"] == 0 and got["actions_kind_associative"] == 0
    assert got["action_participants"] == 5  # places taken: waiting, cancelled and unconfirmed do not count
    assert got["action_people"] == 3  # Ana, Zoé, Noé


@pytest.mark.django_db
def test_actions_are_those_of_the_communes_read_and_already_held(dataset, commune_b):
    got = values(compute(Commune.objects.filter(pk=commune_b.pk), START, END))
    assert got["actions_held"] == 1 and got["action_participants"] == 4 and got["action_people"] == 4
    both = values(compute(Commune.objects.filter(pk__in=[dataset.pk, commune_b.pk]), START, END))
    assert both["actions_held"] == 3 and both["action_participants"] == 9

    # An action of the period still to come is not held yet, whatever its registrations.
    today = timezone.localdate()
    registrations(action(dataset, "Demain", timezone.now() + datetime.timedelta(days=1)), "Inès")
    yesterday = action(dataset, "Hier", timezone.now() - datetime.timedelta(days=1))
    registrations(yesterday, "Inès")
    got = values(compute(Commune.objects.filter(pk=dataset.pk), today - datetime.timedelta(days=2), today + datetime.timedelta(days=30)))
    assert got["actions_held"] == 1 and got["action_participants"] == 1


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_data(dataset, django_assert_max_num_queries):
    communes = Commune.objects.filter(pk=dataset.pk)
    with django_assert_max_num_queries(16) as captured:
        compute(communes, START, END)
    for _ in range(30):
        factories.need(dataset)
    for n in range(5):
        registrations(action(dataset, f"Action {n}", at(datetime.date(2026, 9, 1 + n))), "Ana", "Zoé", f"Voisin {n}")
    with django_assert_max_num_queries(len(captured)):
        compute(communes, START, END)


@pytest.mark.django_db
def test_kind_filter(dataset):
    got = values(compute(Commune.objects.filter(pk=dataset.pk), START, END, kind=ActionKind.COLLECTIVE))
    assert got["needs_total"] == 1
    assert got["proposals_total"] == 2
    assert got["actions_held"] == 1 and got["actions_kind_convivial"] == 0
    assert got["action_participants"] == 2 and got["action_people"] == 2
    assert got["satisfaction"] == 3.0 and got["volunteer_satisfaction"] == 2.0


def test_small_counts_are_suppressed_in_public_figures():
    assert [suppress_small_counts(v) for v in (0, 1, 4, 5, 12, 2.5)] == [0, "< 5", "< 5", 5, 12, 2.5]


@pytest.mark.django_db
def test_kept_monthly_hour_counts_only_active_volunteers(commune_a):
    active = factories.volunteer(commune_a)
    left = factories.volunteer(commune_a, status=VolunteerStatus.LEFT)
    today = datetime.date.today()
    for volunteer in (active, left):
        factories.hours(volunteer, date=today, minutes=60)
    rows = {r.key: r.value for r in compute(Commune.objects.filter(pk=commune_a.pk), today.replace(day=1), today)}
    assert rows["kept_monthly_hour"] == 100.0
