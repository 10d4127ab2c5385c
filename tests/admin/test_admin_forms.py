"""Bad input in the back office: a French message, a 4xx or a re-shown form, no partial write."""

import json

import pytest
from wagtail_modeladmin.helpers import AdminURLHelper

from tests import factories
from tests.builders import volunteer_form
from wagtail_heurecivique.models import Commune, Need, Volunteer

VOLUNTEERS = AdminURLHelper(Volunteer)


@pytest.mark.django_db
def test_invalid_volunteer_keeps_what_was_typed_and_writes_nothing(client, commune_a, referent_a):
    client.force_login(referent_a)
    response = client.post(
        VOLUNTEERS.create_url, volunteer_form(commune_a, postcode="9227", phone="12345", email="pas-une-adresse")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["postcode"] == ["Saisissez un code postal français à cinq chiffres, par exemple 75011."]
    assert "numéro de téléphone" in errors["phone"][0]
    assert errors["email"] == ["Saisissez une adresse de courriel valide."]  # Django's own French
    content = response.content.decode()
    assert 'value="Roux"' in content and 'value="9227"' in content  # nothing typed is lost
    assert not Volunteer.objects.exists()
    assert not Volunteer.history.exists()


@pytest.mark.django_db
def test_duplicate_email_is_refused_in_french(client, commune_a, referent_a):
    factories.volunteer(commune_a, email="paul.roux@example.org")
    client.force_login(referent_a)
    response = client.post(VOLUNTEERS.create_url, volunteer_form(commune_a, email="Paul.Roux@example.org"))
    assert response.status_code == 200
    assert "Un volontaire de cette commune utilise déjà cette adresse e-mail." in response.content.decode()
    assert Volunteer.objects.count() == 1


@pytest.mark.django_db
def test_coordinator_creates_a_commune_and_bad_codes_are_explained(client, coordinator):
    client.force_login(coordinator)
    url = AdminURLHelper(Commune).create_url
    data = {
        "name": "Vernon", "insee_code": "2C001", "departement": "27", "postcodes": "27200, 272",
        "monthly_solicitation_cap": 2, "sla_days": 7, "proposal_expiry_hours": 72, "charter_version": "1", "is_active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "code INSEE" in errors["insee_code"][0]
    assert "code postal" in errors["postcodes"][0]
    assert not Commune.objects.exists()

    response = client.post(url, {**data, "insee_code": "27681", "postcodes": "27200;27950"})
    assert response.status_code == 302
    commune = Commune.objects.get()
    assert commune.postcodes == "27200, 27950"
    # Its creation, then its editors' group and collection set up (``tenancy``): both by the coordinator.
    assert [(row.history_type, row.history_user) for row in commune.history.order_by("history_id")] == [
        ("+", coordinator), ("~", coordinator),
    ]


@pytest.mark.django_db
def test_need_created_in_the_back_office_records_its_author(client, commune_a, referent_a):
    client.force_login(referent_a)
    category = factories.category()
    response = client.post(
        AdminURLHelper(Need).create_url,
        {
            "commune": commune_a.pk, "title": "Courses du jeudi", "kind": "interpersonal", "category": category.pk,
            "description": "Courses pour une voisine.", "source": "staff", "urgency": 2,
            "estimated_minutes": 60, "volunteers_wanted": 1, "status": "new",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    need = Need.objects.get()
    assert need.created_by == referent_a
    assert need.history.get().history_user == referent_a


@pytest.mark.django_db
def test_admin_menu_is_in_french_and_scoped_pages_are_reachable(client, referent_a):
    client.force_login(referent_a)
    content = client.get("/admin/").content.decode()
    # The sidebar menu is embedded as JSON, with non-ASCII characters escaped.
    for label in ("Heure Civique", "Volontaires", "Besoins", "Bénéficiaires", "Partenaires", "Mises en relation"):
        assert json.dumps(label)[1:-1] in content, label
    assert "Agents des communes" not in content  # référents do not manage staff


@pytest.mark.django_db
def test_unknown_object_is_a_404_not_a_500(client, referent_a):
    client.force_login(referent_a)
    assert client.get(VOLUNTEERS.get_action_url("inspect", 999999)).status_code == 404
    assert client.get(VOLUNTEERS.get_action_url("history", "abc")).status_code == 404


@pytest.mark.django_db
def test_exports_read_like_the_screens(client, commune_a, referent_a):
    factories.volunteer(commune_a, first_name="Inès", status="active", frequency="weekly")
    client.force_login(referent_a)
    csv = b"".join(client.get(VOLUNTEERS.index_url + "?export=csv").streaming_content).decode()
    header, row = csv.splitlines()[:2]
    assert header.startswith("Prénom,Nom,Adresse e-mail")
    assert "Actif" in row and "Hebdomadaire" in row and "Inès" in row
    response = client.get(VOLUNTEERS.index_url + "?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "volontaires.xlsx" in response["Content-Disposition"]


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
