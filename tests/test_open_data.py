"""The open JSON indicators of a commune: aggregated, small counts suppressed."""

import pytest
from django.urls import reverse

from wagtail_heurecivique.enums import ProposalStatus

from . import factories


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
    assert client.get("/heure-civique/indicateurs/99999.json").status_code == 404
    commune_a.is_active = False
    commune_a.save()
    assert client.get(url(commune_a)).status_code == 404
    assert client.post(url(commune_a)).status_code == 405
