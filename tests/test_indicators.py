"""Evaluation indicators on a hand-built dataset with known answers."""

import datetime

import pytest
from django.utils import timezone

from wagtail_heurecivique.enums import ActionKind, NeedStatus, ProposalStatus, VolunteerStatus
from wagtail_heurecivique.indicators import compute, suppress_small_counts
from wagtail_heurecivique.models import Commune, Need, Volunteer

from . import factories

START, END = datetime.date(2026, 9, 1), datetime.date(2026, 10, 31)


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def dataset(commune_a, commune_b):
    """Commune A: 3 volunteers (2 active), 3 needs in the period; commune B: noise."""
    partner = factories.partner(commune_a, kind="health")
    ana = factories.volunteer(commune_a, first_name="Ana")
    ben = factories.volunteer(commune_a, first_name="Ben")
    factories.volunteer(commune_a, first_name="Cleo", status=VolunteerStatus.PENDING)
    beneficiary = factories.beneficiary(commune_a)
    Volunteer.objects.update(created_at=at(datetime.date(2026, 8, 15)))  # signed up before the period

    shopping = factories.need(commune_a, title="Courses", beneficiary=beneficiary, referrer=partner, status=NeedStatus.DONE)
    cleanup = factories.need(commune_a, title="Nettoyage", kind=ActionKind.COLLECTIVE)
    refused = factories.need(commune_a, title="Hors champ", status=NeedStatus.REFUSED)
    Need.objects.filter(pk__in=[shopping.pk, cleanup.pk, refused.pk]).update(created_at=at(datetime.date(2026, 9, 2)))
    Need.history.filter(id=shopping.pk).update(history_date=at(datetime.date(2026, 9, 12)))  # done ten days later
    factories.need(commune_a, title="Avant la période")  # created now: outside the period

    p1 = factories.proposal(shopping, ana, status=ProposalStatus.DONE, rating=5, volunteer_feedback="Très bien")
    p2 = factories.proposal(cleanup, ben, status=ProposalStatus.DECLINED)
    p3 = factories.proposal(cleanup, ana, status=ProposalStatus.ACCEPTED, rating=3)
    for proposal, day in ((p1, 6), (p2, 4), (p3, 5)):
        proposal.proposed_at = at(datetime.date(2026, 9, day))
        proposal.save()

    factories.hours(ana, proposal=p1, date=datetime.date(2026, 9, 10), minutes=90)
    factories.hours(ana, date=datetime.date(2026, 10, 3), minutes=60)
    factories.hours(ben, date=datetime.date(2026, 9, 20), minutes=30)

    other = factories.volunteer(commune_b)
    factories.hours(other, date=datetime.date(2026, 9, 10), minutes=600)
    return commune_a


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
    assert got["satisfaction"] == 4.0
    assert got["feedback_comments"] == 1
    assert got["partners_involved"] == 1
    assert got["referrals_health"] == 1


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_data(dataset, django_assert_max_num_queries):
    communes = Commune.objects.filter(pk=dataset.pk)
    with django_assert_max_num_queries(16) as captured:
        compute(communes, START, END)
    for n in range(30):
        factories.need(dataset)
    with django_assert_max_num_queries(len(captured)):
        compute(communes, START, END)


@pytest.mark.django_db
def test_kind_filter(dataset):
    got = values(compute(Commune.objects.filter(pk=dataset.pk), START, END, kind=ActionKind.COLLECTIVE))
    assert got["needs_total"] == 1
    assert got["proposals_total"] == 2


def test_small_counts_are_suppressed_in_public_figures():
    assert [suppress_small_counts(v) for v in (0, 1, 4, 5, 12, 2.5)] == [0, "< 5", "< 5", 5, 12, 2.5]
