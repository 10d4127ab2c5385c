"""History rows with user and reason for create / change / delete, through the back office."""

import pytest
from wagtail_modeladmin.helpers import AdminURLHelper

from tests import factories
from tests.builders import volunteer_form
from wagtail_heurecivique.core.fields import slot_bit
from wagtail_heurecivique.core.roles import group
from wagtail_heurecivique.models import Beneficiary, Need, Partner, Skill, Volunteer

VOLUNTEERS = AdminURLHelper(Volunteer)


@pytest.mark.django_db
def test_create_change_delete_are_recorded_with_user_and_reason(client, commune_a, referent_a):
    client.force_login(referent_a)

    response = client.post(VOLUNTEERS.create_url, volunteer_form(commune_a))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    volunteer = Volunteer.objects.get()
    assert volunteer.availability == (1 << slot_bit(0, 0)) | (1 << slot_bit(5, 2))
    assert volunteer.phone == "06 12 34 56 78"
    created = volunteer.history.earliest()
    assert (created.history_type, created.history_user, created.history_change_reason) == (
        "+",
        referent_a,
        "Création dans le back-office",
    )

    response = client.post(
        VOLUNTEERS.get_action_url("edit", volunteer.pk), volunteer_form(commune_a, status="active", postcode="92270")
    )
    assert response.status_code == 302
    changed = volunteer.history.latest()
    assert (changed.history_type, changed.history_user, changed.history_change_reason) == (
        "~",
        referent_a,
        "Modification dans le back-office",
    )
    assert [c.field for c in changed.diff_against(created).changes] == ["status"]

    response = client.post(VOLUNTEERS.get_action_url("delete", volunteer.pk), {"reason": "Doublon de la fiche 12"})
    assert response.status_code == 302
    assert not Volunteer.objects.exists()
    deleted = Volunteer.history.filter(id=volunteer.pk).latest()
    assert deleted.history_type == "-"
    assert deleted.history_user == referent_a
    assert deleted.history_change_reason == "Suppression dans le back-office : Doublon de la fiche 12"
    assert deleted.first_name == "Paul"  # the deleted version is kept whole


@pytest.mark.django_db
def test_deletion_without_reason_is_refused_and_deletes_nothing(client, commune_a, referent_a):
    volunteer = factories.volunteer(commune_a)
    client.force_login(referent_a)
    response = client.post(VOLUNTEERS.get_action_url("delete", volunteer.pk), {"reason": "  "})
    assert response.status_code == 400
    assert "Indiquez pourquoi cette fiche est supprimée." in response.content.decode()
    assert Volunteer.objects.filter(pk=volunteer.pk).exists()
    assert not volunteer.history.filter(history_type="-").exists()


@pytest.mark.django_db
def test_a_volunteer_with_proposals_cannot_be_deleted(client, commune_a, referent_a):
    volunteer = factories.volunteer(commune_a)
    factories.proposal(factories.need(commune_a), volunteer)
    client.force_login(referent_a)
    response = client.post(VOLUNTEERS.get_action_url("delete", volunteer.pk), {"reason": "Départ"})
    assert response.status_code == 200
    assert Volunteer.objects.filter(pk=volunteer.pk).exists()
    assert not volunteer.history.filter(history_type="-").exists()


@pytest.mark.django_db
def test_history_view_shows_who_what_when_why(client, commune_a, referent_a):
    client.force_login(referent_a)
    client.post(VOLUNTEERS.create_url, volunteer_form(commune_a))
    volunteer = Volunteer.objects.get()
    client.post(VOLUNTEERS.get_action_url("edit", volunteer.pk), volunteer_form(commune_a, status="active"))

    response = client.get(VOLUNTEERS.get_action_url("history", volunteer.pk))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Modification dans le back-office" in content
    assert "Création dans le back-office" in content
    assert "<del>En attente</del> → <ins>Actif</ins>" in content
    assert "lundi matin, samedi soir" in content  # availability read aloud
    assert referent_a.username in content


@pytest.mark.django_db
def test_history_is_reachable_from_list_and_inspect(client, commune_a, referent_a):
    volunteer = factories.volunteer(commune_a)
    history_url = VOLUNTEERS.get_action_url("history", volunteer.pk)
    client.force_login(referent_a)
    assert history_url in client.get(VOLUNTEERS.index_url).content.decode()
    assert history_url in client.get(VOLUNTEERS.get_action_url("inspect", volunteer.pk)).content.decode()


@pytest.mark.django_db
def test_sensitive_notes_are_hidden_without_the_permission(client, commune_a, referent_a):
    beneficiary = factories.beneficiary(commune_a, sensitive_notes="Suivi psychiatrique")
    beneficiary.sensitive_notes = "Suivi psychiatrique, hospitalisation en mars"
    beneficiary.save()
    urls = AdminURLHelper(Beneficiary)
    client.force_login(referent_a)
    for action in ("inspect", "history", "edit"):
        content = client.get(urls.get_action_url(action, beneficiary.pk)).content.decode()
        assert "psychiatrique" not in content, action
    assert "psychiatrique" not in b"".join(client.get(urls.index_url + "?export=csv").streaming_content).decode()

    reader = factories.referent(commune_a, "social_worker")
    reader.groups.add(group("sensitive_notes"))
    client.force_login(reader)
    for action in ("inspect", "history", "edit"):
        content = client.get(urls.get_action_url(action, beneficiary.pk)).content.decode()
        assert "psychiatrique" in content, action


@pytest.mark.django_db
def test_history_view_query_count_is_bounded(client, commune_a, referent_a, django_assert_max_num_queries):
    volunteer = factories.volunteer(commune_a)
    for index in range(20):
        volunteer.neighbourhood = f"Quartier {index}"
        volunteer.save()
    client.force_login(referent_a)
    with django_assert_max_num_queries(40):
        response = client.get(VOLUNTEERS.get_action_url("history", volunteer.pk))
    assert response.status_code == 200
    assert "Quartier 19" in response.content.decode()


@pytest.mark.django_db
def test_many_to_many_changes_appear_in_the_history(client, commune_a, referent_a):
    shopping = Skill.objects.create(name="Courses", slug="courses")
    volunteer = factories.volunteer(commune_a)
    client.force_login(referent_a)
    form = volunteer_form(commune_a, email=volunteer.email, first_name=volunteer.first_name, last_name=volunteer.last_name)
    response = client.post(VOLUNTEERS.get_action_url("edit", volunteer.pk), {**form, "skills": [shopping.pk]})
    assert response.status_code == 302
    content = client.get(VOLUNTEERS.get_action_url("history", volunteer.pk)).content.decode()
    assert "<strong>Compétences</strong> : <del>—</del> → <ins>Courses</ins>" in content


@pytest.mark.django_db
def test_saving_an_untouched_form_writes_no_history_row(client, commune_a, referent_a):
    client.force_login(referent_a)
    client.post(VOLUNTEERS.create_url, volunteer_form(commune_a))
    volunteer = Volunteer.objects.get()
    response = client.post(VOLUNTEERS.get_action_url("edit", volunteer.pk), volunteer_form(commune_a))
    assert response.status_code == 302
    assert volunteer.history.count() == 1


@pytest.mark.django_db
def test_optional_links_protect_instead_of_clearing_without_history(client, commune_a, referent_a):
    partner = factories.partner(commune_a)
    factories.need(commune_a, referrer=partner)
    client.force_login(referent_a)
    response = client.post(AdminURLHelper(Partner).get_action_url("delete", partner.pk), {"reason": "Fermé"})
    assert response.status_code == 200  # the page lists what still points at it
    assert Partner.objects.filter(pk=partner.pk).exists()
    assert Need.objects.get().referrer == partner
