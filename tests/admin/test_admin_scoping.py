"""The cross-commune matrix: every back-office URL × référent of A / référent of B / coordinator.

A record of commune A must never reach the référent of commune B — not in a list, an
inspect, edit, delete or history page, nor in a CSV or XLSX export.
"""

import io

import openpyxl
import pytest
from django.test import Client
from wagtail.models import ModelLogEntry
from wagtail_modeladmin.helpers import AdminURLHelper

from tests import factories
from tests.builders import volunteer_form
from wagtail_heurecivique.models import (
    Beneficiary,
    Commune,
    CommuneMembership,
    Consent,
    HoursRecord,
    Need,
    Partner,
    Proposal,
    Volunteer,
)

MARK = "Zéphyrine"  # appears in the text of every commune-A record

DATA_MODELS = [Volunteer, Beneficiary, Partner, Need, Proposal, HoursRecord, Consent]
INSTANCE_ACTIONS = ["inspect", "edit", "delete", "history"]
VOLUNTEERS = AdminURLHelper(Volunteer)


@pytest.fixture
def records_a(commune_a, referent_a):
    volunteer = factories.volunteer(commune_a, first_name=MARK)
    need = factories.need(commune_a, title=f"Visite à {MARK}")
    return {
        Commune: commune_a,
        CommuneMembership: CommuneMembership.objects.get(user=referent_a),
        Volunteer: volunteer,
        Beneficiary: factories.beneficiary(commune_a, first_name=MARK),
        Partner: factories.partner(commune_a, name=f"Association {MARK}"),
        Need: need,
        Proposal: factories.proposal(need, volunteer),
        HoursRecord: factories.hours(volunteer, description=f"Aide {MARK}"),
        Consent: factories.consent(volunteer),
    }


@pytest.fixture
def staff(referent_a, referent_b, coordinator):
    return {"referent_a": referent_a, "referent_b": referent_b, "coordinator": coordinator}


DENIED = "denied"  # Wagtail answers a PermissionDenied with a redirect to the dashboard


def expected_status(model, who, action):
    """What each person gets for a commune-A record."""
    if who == "referent_b":
        if model is CommuneMembership:
            return DENIED if action in ("index", "csv", "xlsx") else 404
        return 200 if action in ("index", "csv", "xlsx") else 404
    if who == "referent_a":
        if model is CommuneMembership:
            return DENIED
        if model is Commune and action in ("edit", "delete"):
            return DENIED
        if model is Proposal and action == "delete":
            return DENIED  # proposals end through the need workflow
        return 200
    # coordinator: reads everything, manages communes and memberships, changes no case data
    if action == "edit" and model not in (Commune, CommuneMembership):
        return DENIED
    if action == "delete":
        return DENIED
    return 200


def url_for(model, action, obj):
    helper = AdminURLHelper(model)
    if action in ("index", "csv", "xlsx"):
        url = helper.index_url
        return url + (f"?export={action}" if action != "index" else "")
    return helper.get_action_url(action, obj.pk)


CASES = [
    (model, who, action)
    for model in [Commune, CommuneMembership, *DATA_MODELS]
    for who in ("referent_a", "referent_b", "coordinator")
    for action in ["index", "csv", "xlsx", *INSTANCE_ACTIONS]
]


@pytest.mark.django_db
@pytest.mark.parametrize("model,who,action", CASES, ids=[f"{m.__name__}-{w}-{a}" for m, w, a in CASES])
def test_cross_commune_matrix(client, records_a, staff, model, who, action):
    client.force_login(staff[who])
    obj = records_a[model]
    response = client.get(url_for(model, action, obj))
    expected = expected_status(model, who, action)
    if expected == DENIED:
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response.url == "/admin/"
        return
    assert response.status_code == expected
    if response.status_code != 200 or action not in ("index", "csv", "xlsx"):
        return
    text = _listing_text(response, action)
    visible = who != "referent_b"
    if model in (Commune, CommuneMembership):
        assert (commune_name := records_a[Commune].name) and (commune_name in text) is visible
    elif model is Consent:
        assert (str(records_a[Volunteer]) in text) is visible
    elif model is Proposal:
        assert (MARK in text) is visible
    else:
        assert (MARK in text) is visible


def _listing_text(response, action):
    if action == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        return " ".join(str(cell.value) for row in workbook.active.iter_rows() for cell in row if cell.value)
    if action == "csv":
        return b"".join(response.streaming_content).decode("utf-8")
    return response.content.decode()


@pytest.mark.django_db
def test_posting_to_another_communes_record_is_refused(client, records_a, referent_b):
    client.force_login(referent_b)
    volunteer = records_a[Volunteer]
    for action in ("edit", "delete"):
        response = client.post(AdminURLHelper(Volunteer).get_action_url(action, volunteer.pk), {"reason": "x"})
        assert response.status_code == 404
    volunteer.refresh_from_db()
    assert volunteer.first_name == MARK


@pytest.mark.django_db
def test_commune_filter_lists_only_the_users_communes(client, commune_a, commune_b, referent_a, superuser):
    factories.volunteer(commune_a)
    factories.volunteer(commune_b)
    client.force_login(referent_a)
    content = client.get(AdminURLHelper(Volunteer).index_url).content.decode()
    assert f"?commune={commune_a.pk}" in content
    assert f"?commune={commune_b.pk}" not in content
    assert commune_b.name not in content
    client.force_login(superuser)
    content = client.get(AdminURLHelper(Volunteer).index_url).content.decode()
    assert f"?commune={commune_b.pk}" in content


@pytest.mark.django_db
def test_referent_cannot_attach_a_record_of_another_commune(client, commune_a, commune_b, referent_a):
    """Forging the POST with commune B's id is refused; nothing is written."""
    client.force_login(referent_a)
    response = client.post(
        AdminURLHelper(Volunteer).create_url,
        {
            "commune": commune_b.pk,
            "first_name": "Paul",
            "last_name": "Roux",
            "email": "paul@example.org",
            "postcode": "95260",
            "frequency": "monthly",
            "message_frequency": "monthly",
            "radius_km": 5,
            "status": "pending",
        },
    )
    assert response.status_code == 200
    assert "commune" in response.context["form"].errors
    assert not Volunteer.objects.exists()


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_rows(client, commune_a, referent_a, django_assert_max_num_queries):
    for _ in range(30):
        factories.need(commune_a)
    client.force_login(referent_a)
    with django_assert_max_num_queries(25):
        response = client.get(AdminURLHelper(Need).index_url)
    assert response.status_code == 200


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
