"""The matching engine: every hard filter, every criterion, ties, weights, queries."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from wagtail_heurecivique.core.enums import (
    ActionKind,
    DayPeriod,
    Language,
    ProposalStatus,
    VolunteerStatus,
    Weekday,
)
from wagtail_heurecivique.core.fields import action_kind_bit, language_bit, mask_from_bits, slot_bit
from wagtail_heurecivique.matching import propose, suggest, weights_for
from wagtail_heurecivique.matching.criteria import format_distance, haversine_km
from wagtail_heurecivique.models import Proposal, Skill

TODAY = datetime.date(2026, 11, 18)
MONDAY_MORNING = slot_bit(Weekday.MONDAY, DayPeriod.MORNING)
MONDAY_EVENING = slot_bit(Weekday.MONDAY, DayPeriod.EVENING)
TUESDAY_MORNING = slot_bit(Weekday.TUESDAY, DayPeriod.MORNING)
INTERPERSONAL = mask_from_bits([action_kind_bit(ActionKind.INTERPERSONAL)])


@pytest.fixture
def shopping(db):
    category = factories.category("Courses")
    return Skill.objects.create(name="Courses", slug="courses", category=category)


@pytest.fixture
def need(commune_a, shopping):
    need = factories.need(commune_a, category=shopping.category, kind=ActionKind.INTERPERSONAL, postcode="92270")
    need.skills.set([shopping])
    return need


def helper(commune, shopping, **kwargs):
    volunteer = factories.volunteer(commune, **kwargs)
    volunteer.skills.set([shopping])
    return volunteer


def names(suggestions):
    return [s.volunteer.last_name for s in suggestions]


def run(need, **kwargs):
    return suggest(need, today=TODAY, **kwargs)


# --- hard filters ---------------------------------------------------------------------


@pytest.mark.django_db
def test_only_active_volunteers_of_the_commune_or_an_allowed_neighbour(need, commune_a, commune_b, shopping):
    helper(commune_a, shopping, last_name="Actif")
    helper(commune_a, shopping, last_name="Attente", status=VolunteerStatus.PENDING)
    helper(commune_a, shopping, last_name="Pause", status=VolunteerStatus.PAUSED)
    helper(commune_b, shopping, last_name="Voisin", postcode="92270")
    assert names(run(need)) == ["Actif"]
    commune_a.neighbour_communes.add(commune_b)
    assert sorted(names(run(need))) == ["Actif", "Voisin"]
    # Allowing is one-way: commune B's needs do not get commune A's volunteers.
    need_b = factories.need(commune_b, category=shopping.category, kind=ActionKind.INTERPERSONAL)
    assert "Actif" not in names(run(need_b))


@pytest.mark.django_db
def test_a_pause_ends_the_day_after_paused_until(need, commune_a, shopping):
    helper(commune_a, shopping, last_name="Hier", paused_until=TODAY - datetime.timedelta(days=1))
    helper(commune_a, shopping, last_name="Aujourdhui", paused_until=TODAY)
    helper(commune_a, shopping, last_name="Demain", paused_until=TODAY + datetime.timedelta(days=1))
    assert names(run(need)) == ["Hier"]


@pytest.mark.django_db
def test_monthly_solicitation_cap(need, commune_a, shopping):
    busy = helper(commune_a, shopping, last_name="Occupe")
    helper(commune_a, shopping, last_name="Libre")
    this_month = timezone.make_aware(datetime.datetime(2026, 11, 3, 10))
    last_month = timezone.make_aware(datetime.datetime(2026, 10, 28, 10))
    for when in (this_month, this_month):
        Proposal.objects.create(need=factories.need(commune_a), volunteer=busy, proposed_at=when)
    assert names(run(need)) == ["Libre"]
    commune_a.monthly_solicitation_cap = 3
    commune_a.save()
    need.refresh_from_db()
    assert sorted(names(run(need))) == ["Libre", "Occupe"]
    Proposal.objects.filter(volunteer=busy).update(proposed_at=last_month)
    commune_a.monthly_solicitation_cap = 1
    commune_a.save()
    need.refresh_from_db()
    assert sorted(names(run(need))) == ["Libre", "Occupe"]  # last month's do not count


@pytest.mark.django_db
def test_skill_category_or_preferred_kind_is_required(need, commune_a, shopping):
    other = Skill.objects.create(name="Jardinage", slug="jardinage", category=factories.category("Jardin"))
    helper(commune_a, shopping, last_name="Competent")
    gardener = factories.volunteer(commune_a, last_name="Jardinier", action_kinds=0)
    gardener.skills.set([other])
    factories.volunteer(commune_a, last_name="Volontaire", action_kinds=INTERPERSONAL)
    result = run(need)
    assert names(result) == ["Competent", "Volontaire"]
    assert result[1].criteria["skills"] == (0.25, "aime les actions interpersonnelles")


@pytest.mark.django_db
def test_availability_overlap_and_missing_slots(need, commune_a, shopping):
    need.wished_slots = mask_from_bits([MONDAY_MORNING, MONDAY_EVENING])
    need.save()
    helper(commune_a, shopping, last_name="Partiel", availability=mask_from_bits([MONDAY_EVENING, TUESDAY_MORNING]))
    helper(commune_a, shopping, last_name="Complet", availability=mask_from_bits([MONDAY_MORNING, MONDAY_EVENING]))
    helper(commune_a, shopping, last_name="Mardi", availability=mask_from_bits([TUESDAY_MORNING]))
    helper(commune_a, shopping, last_name="Inconnu", availability=0)
    result = {s.volunteer.last_name: s for s in run(need)}
    assert set(result) == {"Partiel", "Complet", "Inconnu"}
    assert result["Complet"].criteria["availability"] == (1.0, "disponible lundi matin, lundi soir")
    assert result["Partiel"].criteria["availability"] == (0.5, "disponible lundi soir")
    assert result["Inconnu"].criteria["availability"] == (0.3, "disponibilités non renseignées")


@pytest.mark.django_db
def test_action_radius_bounding_box_and_postcode_fallback(need, commune_a, shopping):
    need.latitude, need.longitude = Decimal("48.91800"), Decimal("2.26800")
    need.save()
    helper(commune_a, shopping, last_name="Proche", latitude=Decimal("48.92000"), longitude=Decimal("2.27000"), radius_km=2)
    helper(commune_a, shopping, last_name="Loin", latitude=Decimal("48.99000"), longitude=Decimal("2.27000"), radius_km=2)
    helper(commune_a, shopping, last_name="Mobile", latitude=Decimal("48.99000"), longitude=Decimal("2.27000"), radius_km=10)
    helper(commune_a, shopping, last_name="SansGPS", postcode="92270")
    helper(commune_a, shopping, last_name="Ailleurs", postcode="92250")
    result = {s.volunteer.last_name: s for s in run(need)}
    assert set(result) == {"Proche", "Mobile", "SansGPS"}
    assert result["Proche"].criteria["distance"][1] == "300 m"
    assert result["Mobile"].criteria["distance"][1] == "8,0 km"
    assert result["SansGPS"].criteria["distance"] == (0.5, "même code postal")


@pytest.mark.django_db
def test_volunteers_already_proposed_or_who_declined_are_left_out(need, commune_a, shopping):
    declined = helper(commune_a, shopping, last_name="Decline")
    proposed = helper(commune_a, shopping, last_name="Propose")
    helper(commune_a, shopping, last_name="Nouveau")
    Proposal.objects.create(need=need, volunteer=declined, status=ProposalStatus.DECLINED)
    Proposal.objects.create(need=need, volunteer=proposed)
    assert names(run(need)) == ["Nouveau"]


# --- criteria and ranking -------------------------------------------------------------


@pytest.mark.django_db
def test_fairness_puts_the_least_solicited_first(need, commune_a, shopping):
    commune_a.monthly_solicitation_cap = 5
    commune_a.save()
    need.refresh_from_db()
    given = helper(commune_a, shopping, last_name="Genereux")
    factories.hours(given, date=TODAY - datetime.timedelta(days=2), minutes=90)
    asked = helper(commune_a, shopping, last_name="Sollicite")
    Proposal.objects.create(need=factories.need(commune_a), volunteer=asked, proposed_at=timezone.now())
    helper(commune_a, shopping, last_name="Disponible")
    result = run(need)
    assert names(result) == ["Disponible", "Sollicite", "Genereux"]
    assert result[0].criteria["fairness"][1] == "pas encore sollicité ce mois-ci"
    assert result[1].criteria["fairness"][1] == "sollicité 1 fois ce mois-ci"
    assert result[2].criteria["fairness"][1] == "1 h 30 données ce mois-ci"


@pytest.mark.django_db
def test_past_feedback_and_language(need, commune_a, shopping):
    need.language = Language.ARABIC
    need.save()
    arabic = mask_from_bits([language_bit(Language.FRENCH), language_bit(Language.ARABIC)])
    rated = helper(commune_a, shopping, last_name="Apprecie", languages=arabic)
    Proposal.objects.create(need=factories.need(commune_a), volunteer=rated, rating=5, proposed_at=timezone.now() - datetime.timedelta(days=60))
    helper(commune_a, shopping, last_name="Francophone", languages=mask_from_bits([language_bit(Language.FRENCH)]))
    helper(commune_a, shopping, last_name="Muet")
    result = {s.volunteer.last_name: s for s in run(need)}
    assert result["Apprecie"].criteria["feedback"] == (1.0, "retours 5,0/5")
    assert result["Apprecie"].criteria["language"] == (1.0, "parle arabe")
    assert result["Francophone"].criteria["language"] == (0.0, "ne parle pas arabe")
    assert result["Muet"].criteria["language"] == (0.5, "langues non renseignées")
    assert result["Muet"].criteria["feedback"] == (0.5, "pas encore de retour")
    assert names(run(need))[0] == "Apprecie"


@pytest.mark.django_db
def test_ties_are_broken_by_volunteer_id_and_results_are_stable(need, commune_a, shopping):
    twins = [helper(commune_a, shopping, last_name=f"Jumeau{n}") for n in range(5)]
    first = run(need)
    assert [s.volunteer.pk for s in first] == [v.pk for v in twins]
    assert [(s.volunteer.pk, s.score) for s in run(need)] == [(s.volunteer.pk, s.score) for s in first]


@pytest.mark.django_db
def test_a_commune_can_change_the_weights(need, commune_a, shopping):
    need.wished_slots = mask_from_bits([MONDAY_MORNING])
    need.save()
    available = factories.volunteer(commune_a, last_name="Disponible", availability=mask_from_bits([MONDAY_MORNING]), action_kinds=INTERPERSONAL)
    skilled = helper(commune_a, shopping, last_name="Competent", availability=0)
    assert names(run(need))[0] == "Competent"
    commune_a.matching_weights = {"skills": 0, "availability": 10}
    commune_a.save()
    need.refresh_from_db()
    assert weights_for(commune_a)["availability"] == 10
    assert names(run(need))[0] == "Disponible"
    assert {available.pk, skilled.pk} == {s.volunteer.pk for s in run(need)}


@pytest.mark.django_db
def test_constant_number_of_queries(need, commune_a, shopping, django_assert_max_num_queries):
    for _n in range(3):
        helper(commune_a, shopping)
    with django_assert_max_num_queries(6) as few:
        run(need)
    for _n in range(40):
        helper(commune_a, shopping)
    with django_assert_max_num_queries(len(few)):
        assert len(run(need)) == 20


@pytest.mark.django_db
def test_propose_freezes_score_and_explanation_with_history(need, commune_a, shopping, referent_a):
    helper(commune_a, shopping, last_name="Choisi")
    suggestion = run(need)[0]
    proposal = propose(need, suggestion, user=referent_a)
    proposal.refresh_from_db()
    assert proposal.score == Decimal(str(round(suggestion.score, 2)))
    assert proposal.score_explanation == suggestion.explanation
    assert "compétences : Courses" in proposal.score_explanation
    record = proposal.history.get()
    assert record.history_change_reason == "Proposée depuis les suggestions classées"
    assert run(need) == []  # proposed once, never suggested again


def test_distances_read_naturally():
    assert format_distance(0.04) == "100 m"
    assert format_distance(0.81) == "800 m"
    assert format_distance(0.97) == "1,0 km"
    assert format_distance(3.24) == "3,2 km"
    assert round(haversine_km(48.8566, 2.3522, 45.7640, 4.8357)) == 391  # Paris – Lyon as the crow flies
