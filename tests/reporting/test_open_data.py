"""The open JSON indicators of a commune: aggregated, small counts suppressed."""

import pytest
from django.urls import reverse

from tests import factories
from wagtail_heurecivique.core.enums import ProposalStatus


def url(commune):
    return reverse("wagtail_heurecivique:commune_indicators", args=[commune.insee_code])


@pytest.mark.django_db
def test_small_counts_are_suppressed_and_ratios_need_enough_people(client, commune_a):
    volunteer = factories.volunteer(commune_a)
    factories.hours(volunteer, minutes=90)
    need = factories.need(commune_a)
    factories.proposal(need, volunteer, status=ProposalStatus.DONE, rating=5)

    response = client.get(url(commune_a))
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "max-age=3600" in response["Cache-Control"]
    data = response.json()
    assert data["commune"] == {"name": commune_a.name, "insee_code": "92009", "departement": "92"}
    indicators = data["indicators"]
    assert indicators["volunteers_active"]["value"] == "< 5"
    assert indicators["volunteers_active"]["label"] == "Volontaires actifs"
    assert indicators["hours_total"]["value"] == 1.5
    assert indicators["satisfaction"]["value"] is None  # one rating could name its author
    assert "ratings_5" not in indicators and "feedback_comments" not in indicators


@pytest.mark.django_db
def test_counts_from_five_are_published(client, commune_a):
    for _ in range(6):
        factories.volunteer(commune_a)
    assert client.get(url(commune_a)).json()["indicators"]["volunteers_active"]["value"] == 6


@pytest.mark.django_db
def test_unknown_or_inactive_commune_is_a_404(client, commune_a):
    assert client.get("/heurecivique/indicateurs/99999.json").status_code == 404
    commune_a.is_active = False
    commune_a.save()
    assert client.get(url(commune_a)).status_code == 404
    assert client.post(url(commune_a)).status_code == 405


@pytest.mark.django_db
def test_actions_held_are_published_and_their_participants_suppressed_below_five(client, commune_a):
    import datetime

    from django.utils import timezone

    from tests.builders import action, registrations

    last_week = timezone.now() - datetime.timedelta(days=7)
    registrations(action(commune_a, "Nettoyage des berges", last_week), "Ana", "Zoé")
    registrations(action(commune_a, "Goûter partagé", last_week, kind="convivial"), "Ana")
    indicators = client.get(url(commune_a)).json()["indicators"]
    assert indicators["actions_held"]["value"] == 2  # the actions are public pages already
    assert indicators["action_participants"]["value"] == "< 5"
    assert indicators["action_people"]["value"] == "< 5"
    assert "actions_kind_collective" not in indicators

    registrations(action(commune_a, "Plantations", last_week), "Noé", "Lou", "Max")
    indicators = client.get(url(commune_a)).json()["indicators"]
    assert indicators["action_participants"]["value"] == 6 and indicators["action_people"]["value"] == 5

    # The commune home shows them among its counters.
    page = client.get(action(commune_a, "Demain", timezone.now() + datetime.timedelta(days=1)).get_parent().get_parent().url)
    counters = page.content.decode().split('class="heurecivique-counters"')[1].split("</section>")[0]
    assert counters.count("<dd>") == 6 and "<dd>3</dd>" in counters and "<dd>6</dd>" in counters


@pytest.mark.django_db
def test_each_sides_satisfaction_is_published_from_five_ratings(client, commune_a):
    need = factories.need(commune_a)
    for n in range(5):
        factories.proposal(
            need, factories.volunteer(commune_a), status=ProposalStatus.DONE,
            rating=5 if n < 4 else None, volunteer_rating=4 if n % 2 else 5,
        )
    indicators = client.get(url(commune_a)).json()["indicators"]
    assert indicators["satisfaction"]["value"] is None  # four beneficiaries' ratings
    assert indicators["volunteer_satisfaction"]["value"] == 4.6  # five volunteers': 5, 4, 5, 4, 5
