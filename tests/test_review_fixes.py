"""Defects found in review: filter lookups, Wagtail's unscoped log, neighbours, bad input."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry
from wagtail_modeladmin.helpers import AdminURLHelper

from wagtail_heurecivique.core.enums import ActionKind, VolunteerStatus
from wagtail_heurecivique.models import Commune, Need, Partner, Proposal, Skill, Volunteer
from wagtail_heurecivique.reporting.indicators import compute

from . import factories
from .builders import volunteer_form
from .workflow_helpers import Desk, received

VOLUNTEERS = AdminURLHelper(Volunteer)


@pytest.mark.django_db
def test_undeclared_lookups_cannot_probe_other_communes(client, commune_a, commune_b, referent_a):
    commune_a.neighbour_communes.add(commune_b)
    factories.volunteer(commune_a)
    factories.volunteer(commune_b, last_name="Zorglub")
    client.force_login(referent_a)
    for query in (
        "commune__neighbour_communes__volunteers__last_name__startswith=Zorg",
        "commune__memberships__user__email__startswith=a",
        "foo=1",
        "commune=abc",
        f"commune={commune_b.pk}",
    ):
        response = client.get(f"{VOLUNTEERS.index_url}?{query}")
        assert response.status_code == 400, query
        assert client.get(f"{VOLUNTEERS.index_url}?{query}&export=csv").status_code == 400, query
    for query in ("status__exact=active", f"commune={commune_a.pk}", "q=Durand", "p=1", "o=1"):
        assert client.get(f"{VOLUNTEERS.index_url}?{query}").status_code == 200, query


@pytest.mark.django_db
def test_back_office_writes_no_unscoped_wagtail_log_entries(client, commune_a, commune_b, referent_a, referent_b):
    client.force_login(referent_b)
    client.post(VOLUNTEERS.create_url, volunteer_form(commune_b, postcode="95260", first_name="Hiddenname"))
    volunteer = Volunteer.objects.get()
    client.post(VOLUNTEERS.get_action_url("edit", volunteer.pk), volunteer_form(commune_b, postcode="95260", status="active"))
    client.post(VOLUNTEERS.get_action_url("delete", volunteer.pk), {"reason": "Doublon"})
    assert not Volunteer.objects.exists()
    assert not ModelLogEntry.objects.exists()
    assert Volunteer.history.count() == 3  # the audit trail is simple-history's
    other = Client()  # a browser of its own: referent B's flash messages stay in B's cookies
    other.force_login(referent_a)
    assert "Hiddenname" not in other.get("/admin/reports/site-history/").content.decode()


@pytest.mark.django_db
def test_optional_links_protect_instead_of_clearing_without_history(client, commune_a, referent_a):
    partner = factories.partner(commune_a)
    factories.need(commune_a, referrer=partner)
    client.force_login(referent_a)
    response = client.post(AdminURLHelper(Partner).get_action_url("delete", partner.pk), {"reason": "Fermé"})
    assert response.status_code == 200  # the page lists what still points at it
    assert Partner.objects.filter(pk=partner.pk).exists()
    assert Need.objects.get().referrer == partner


@pytest.mark.django_db
def test_a_neighbouring_communes_volunteer_can_be_proposed(client, commune_a, commune_b, referent_a):
    commune_a.neighbour_communes.add(commune_b)
    category = factories.category()
    skill = Skill.objects.create(name="Courses", slug="courses", category=category)
    need = factories.need(commune_a, category=category, kind=ActionKind.INTERPERSONAL)
    need.skills.set([skill])
    neighbour = factories.volunteer(commune_b, last_name="Voisin")
    neighbour.skills.set([skill])
    url = AdminURLHelper(Need).get_action_url("suggestions", need.pk)
    client.force_login(referent_a)
    content = client.get(url).content.decode()
    assert "Voisin" in content
    assert AdminURLHelper(Volunteer).get_action_url("inspect", neighbour.pk) not in content
    received(need)
    desk = Desk(referent_a)
    desk.qualify(need)
    response = desk.propose(need, neighbour)
    assert response.status_code == 302
    assert Proposal.objects.get().volunteer == neighbour


@pytest.mark.django_db
def test_emptied_matching_weights_are_saved_as_defaults(client, commune_a, coordinator):
    client.force_login(coordinator)
    data = {
        "name": commune_a.name, "insee_code": commune_a.insee_code, "departement": "92", "postcodes": "92270",
        "monthly_solicitation_cap": 2, "sla_days": 7, "proposal_expiry_hours": 72, "charter_version": "1", "is_active": "on",
        "matching_weights": "",
    }
    response = client.post(AdminURLHelper(Commune).get_action_url("edit", commune_a.pk), data)
    assert response.status_code == 302
    commune_a.refresh_from_db()
    assert commune_a.matching_weights == {}
    response = client.post(AdminURLHelper(Commune).get_action_url("edit", commune_a.pk), {**data, "matching_weights": '{"vitesse": 3}'})
    assert response.status_code == 200
    assert "Critères inconnus : vitesse." in response.content.decode()


@pytest.mark.django_db
def test_extreme_evaluation_periods_are_refused_in_french(client, referent_a):
    client.force_login(referent_a)
    for params in ({"start": "0001-01-01"}, {"end": "9999-12-31"}, {"start": "1990-01-01", "end": "2026-01-01"}):
        for name in ("heurecivique_evaluation", "heurecivique_evaluation_print"):
            response = client.get(reverse(name), params)
            assert response.status_code == 200, (name, params)
            content = response.content.decode()
            assert "Choisissez une date entre 2000 et 2100." in content or "dix ans au plus" in content


@pytest.mark.django_db
def test_kept_monthly_hour_counts_only_active_volunteers(commune_a):
    active = factories.volunteer(commune_a)
    left = factories.volunteer(commune_a, status=VolunteerStatus.LEFT)
    today = datetime.date.today()
    for volunteer in (active, left):
        factories.hours(volunteer, date=today, minutes=60)
    rows = {r.key: r.value for r in compute(Commune.objects.filter(pk=commune_a.pk), today.replace(day=1), today)}
    assert rows["kept_monthly_hour"] == 100.0
