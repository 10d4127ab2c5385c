""""Mon espace": the volunteer opens it by an e-mailed link, changes their details, pauses, downloads, leaves."""

import datetime
import json
import re
import time
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from tests import factories
from tests.builders import make_actions
from wagtail_heurecivique.core.enums import (
    NotificationKind,
    ProposalStatus,
    RegistrationStatus,
    VolunteerStatus,
)
from wagtail_heurecivique.models import (
    CommuneHomePage,
    ErasureRequest,
    Notification,
    Proposal,
    Registration,
    Skill,
    Volunteer,
    VolunteerSpacePage,
)

pytestmark = pytest.mark.django_db


def space_page(commune, slug="mon-espace"):
    root = Site.objects.get(is_default_site=True).root_page
    home = CommuneHomePage.objects.filter(commune=commune).first() or root.add_child(
        instance=CommuneHomePage(title=f"Heure Civique {commune.name}", slug=f"hc-{commune.pk}", commune=commune)
    )
    return home.add_child(instance=VolunteerSpacePage(title="Mon espace", slug=slug))


@pytest.fixture
def space(commune_a):
    return space_page(commune_a)


@pytest.fixture
def volunteer(commune_a):
    return factories.volunteer(commune_a, first_name="Inès", email="ines@example.org", postcode="92270")


def link_in(message):
    return re.search(r"http://localhost(/\S+entrer/\?jeton=\S+)", message.body).group(1)


def ask_link(client, space, commit, email):
    return commit(client.post, space.url, {"email": email})


def open_space(client, space, commit, volunteer):
    mail.outbox.clear()
    ask_link(client, space, commit, volunteer.email)
    [message] = mail.outbox
    response = client.post(link_in(message))
    assert response.status_code == 302 and response["Location"] == space.url
    return client


def test_asking_for_the_link_says_the_same_for_known_and_unknown_addresses(client, space, volunteer, commune_b, commit):
    factories.volunteer(commune_b, email="autre@example.org")  # another commune's volunteer
    factories.volunteer(space.commune, email="attente@example.org", status=VolunteerStatus.PENDING)
    factories.volunteer(space.commune, email="parti@example.org", status=VolunteerStatus.LEFT)
    answers = [
        ask_link(client, space, commit, email).content.decode()
        for email in ("INES@example.org", "inconnu@example.org", "autre@example.org", "attente@example.org",
                      "parti@example.org")
    ]
    assert all("Vérifiez votre boîte" in answer for answer in answers)
    [message] = mail.outbox
    assert message.to == ["ines@example.org"] and message.subject.endswith("Votre lien vers votre espace bénévole")
    assert "entrer/?jeton=" in message.body and "une seule fois" in message.body
    assert Notification.objects.get().kind == NotificationKind.SPACE_LINK


def test_a_bad_address_or_a_robot(client, space, volunteer, commit):
    response = ask_link(client, space, commit, "pas-une-adresse")
    assert response.status_code == 400
    content = response.content.decode()
    assert "Veuillez corriger" in content and 'value="pas-une-adresse"' in content
    response = commit(client.post, space.url, {"email": volunteer.email, "site_web": "http://spam"})
    assert response.status_code == 200 and "Vérifiez votre boîte" in response.content.decode()
    assert mail.outbox == []


@override_settings(WAGTAIL_HEURECIVIQUE={"PUBLIC_FORM_RATE_PER_EMAIL": "2/h"})
def test_asking_too_often_is_limited(client, space, volunteer, commit):
    assert ask_link(client, space, commit, volunteer.email).status_code == 200
    assert ask_link(client, space, commit, volunteer.email).status_code == 200
    response = ask_link(client, space, commit, volunteer.email)
    assert response.status_code == 429 and "Trop d’envois en peu de temps" in response.content.decode()
    assert len(mail.outbox) == 2


def test_the_link_opens_the_space_once_and_a_get_uses_nothing(space, volunteer, commit):
    client = Client()
    ask_link(client, space, commit, volunteer.email)
    link = link_in(mail.outbox[0])
    response = client.get(link)
    assert response.status_code == 200 and "Ouvrir mon espace" in response.content.decode()
    assert client.get(space.url).content.decode().count("Envoyez-moi le lien") == 1  # not opened by a GET
    response = client.post(link)
    assert response.status_code == 302
    dashboard = client.get(space.url)
    assert "Bonjour Inès" in dashboard.content.decode()
    assert "no-cache" in dashboard["Cache-Control"] and "private" in dashboard["Cache-Control"]
    # The same link again, in another browser: used up.
    other = Client()
    response = other.post(link)
    assert response.status_code == 400 and "Ce lien ne fonctionne plus" in response.content.decode()
    assert "Bonjour Inès" not in other.get(space.url).content.decode()


def test_an_expired_forged_or_foreign_link_is_refused(space, volunteer, commune_b, commit):
    client = Client()
    ask_link(client, space, commit, volunteer.email)
    link = link_in(mail.outbox[0])
    with mock.patch("django.core.signing.time.time", return_value=time.time() + 61 * 60):
        assert client.post(link).status_code == 400
    assert client.get(link[:-3] + "abc").status_code == 400
    foreign = space_page(commune_b, slug="espace-b")
    token = link.split("jeton=")[1]
    assert client.post(f"{foreign.url}entrer/?jeton={token}").status_code == 400
    assert client.post(link).status_code == 302  # still good on its own page


def test_a_newer_link_replaces_an_older_one_once_used(space, volunteer, commit):
    client = Client()
    ask_link(client, space, commit, volunteer.email)
    ask_link(client, space, commit, volunteer.email)
    first, second = (link_in(message) for message in mail.outbox)
    assert client.post(second).status_code == 302
    assert Client().post(first).status_code == 400  # in another browser: the older link is dead


@override_settings(WAGTAIL_HEURECIVIQUE={"SPACE_SESSION_HOURS": 0})
def test_the_space_closes_after_its_time(space, volunteer, commit):
    client = open_space(Client(), space, commit, volunteer)
    assert "Envoyez-moi le lien" in client.get(space.url).content.decode()


def test_the_dashboard_shows_registrations_proposals_and_hours(space, volunteer, commit):
    _index, [action] = make_actions(space.commune, capacity=3)
    Registration.objects.create(action=action, commune=space.commune, email=volunteer.email, first_name="Inès",
                                status=RegistrationStatus.REGISTERED)
    need = factories.need(space.commune)
    factories.proposal(need, volunteer, status=ProposalStatus.ACCEPTED)
    factories.hours(volunteer, minutes=90)
    other = factories.volunteer(space.commune, email="paul@example.org")
    factories.hours(other, minutes=600)
    client = open_space(Client(), space, commit, volunteer)
    content = client.get(space.url).content.decode()
    assert "Nettoyage des berges 0" in content and "Annuler mon inscription" in content
    assert "Courses" in content and "Acceptée" in content
    assert "90 minutes" in content and "600 minutes" not in content


def test_the_dashboard_s_cancel_link_frees_the_place_and_confirms_nothing(space, volunteer, commit):
    _index, [action] = make_actions(space.commune, capacity=3)
    registration = Registration.objects.create(action=action, commune=space.commune, email=volunteer.email,
                                               first_name="Inès")  # pending: not confirmed yet
    client = open_space(Client(), space, commit, volunteer)
    link = re.search(r'href="http://localhost(/\S+inscription/annuler/\?jeton=[^"]+)"', client.get(space.url).content.decode()).group(1)
    response = commit(client.post, link.replace("inscription/annuler/", "inscription/confirmer/"))
    assert response.status_code == 400 and "Ce lien n’est pas valable" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING and registration.history.count() == 1
    assert commit(client.post, link).status_code == 200
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_the_dashboard_makes_the_same_number_of_queries_for_1_or_20_registrations(space, volunteer, commit):
    client = open_space(Client(), space, commit, volunteer)
    _index, actions = make_actions(space.commune, count=20, capacity=3)

    def queries(n):
        Registration.objects.all().delete()
        for action in actions[:n]:
            Registration.objects.create(action=action, commune=space.commune, email=volunteer.email,
                                        first_name="Inès", status=RegistrationStatus.REGISTERED)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(space.url).status_code == 200
        return len(captured)

    assert queries(1) == queries(20)


def test_changing_details_and_preferences(space, volunteer, commit):
    skill = Skill.objects.create(name="Bricolage", slug="bricolage")
    client = open_space(Client(), space, commit, volunteer)
    form_url = space.url + "profil/"
    assert "Mes coordonnées et préférences" in client.get(form_url).content.decode()
    data = {
        "first_name": "Inès", "last_name": "Roux", "phone": "0612345678", "postcode": "92270", "neighbourhood": "Gare",
        "skills": [skill.pk], "action_kinds": ["0"], "availability": ["0", "3"], "frequency": "monthly",
        "radius_km": "4", "languages": [], "wants_reminders": "on", "message_frequency": "quarterly",
        "email": "pirate@example.org",
    }
    bad = client.post(form_url, {**data, "postcode": "ABCDE"})
    assert bad.status_code == 400
    assert 'value="Gare"' in bad.content.decode() and "Veuillez corriger" in bad.content.decode()
    response = client.post(form_url, data)
    assert response.status_code == 302 and response["Location"] == space.url + "?fait=profil"
    assert "Vos modifications sont enregistrées" in client.get(response["Location"]).content.decode()
    volunteer.refresh_from_db()
    assert (volunteer.neighbourhood, volunteer.phone, volunteer.email) == ("Gare", "06 12 34 56 78", "ines@example.org")
    assert (volunteer.wants_proposal_emails, volunteer.wants_reminders, volunteer.message_frequency) == (
        False, True, "quarterly")
    assert list(volunteer.skills.all()) == [skill]
    assert volunteer.history.first().history_change_reason == "Modifié par le bénévole dans son espace"


def test_a_break_until_a_date_then_back(space, volunteer, commit):
    client = open_space(Client(), space, commit, volunteer)
    pause_url = space.url + "pause/"
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(pause_url, {"until": yesterday.isoformat()})
    assert response.status_code == 400 and "La date ne peut pas être passée" in response.content.decode()
    too_far = timezone.localdate() + datetime.timedelta(days=400)
    assert client.post(pause_url, {"until": too_far.isoformat()}).status_code == 400
    until = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(pause_url, {"until": until.isoformat()})
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.paused_until == until
    assert volunteer.history.first().history_change_reason.startswith("Pause jusqu’au")
    assert "Vous faites une pause" in client.get(space.url).content.decode()
    client.post(pause_url, {"resume": "1"})
    volunteer.refresh_from_db()
    assert volunteer.paused_until is None
    assert client.get(pause_url).status_code == 302  # a GET changes nothing


def test_downloading_my_data(space, volunteer, commit):
    volunteer.skills.add(Skill.objects.create(name="Jardinage", slug="jardinage"))
    factories.consent(volunteer, purpose="charter", text_version="1")
    factories.hours(volunteer, minutes=45)
    other = factories.volunteer(space.commune, email="paul@example.org", last_name="Secret")
    factories.hours(other, minutes=600)
    client = open_space(Client(), space, commit, volunteer)
    response = client.get(space.url + "donnees/")
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["volunteer"]["email"] == "ines@example.org" and data["volunteer"]["skills"] == ["Jardinage"]
    assert data["hours"] == [{"date": timezone.localdate().isoformat(), "minutes": 45}]
    assert [c["purpose"] for c in data["consents"]] == ["charter"]
    assert [e["kind"] for e in data["emails"]] == ["space_link"]
    assert "Secret" not in response.content.decode() and "space_opened_at" not in data["volunteer"]
    assert Client().get(space.url + "donnees/").status_code == 302  # no space open: back to the link form


def test_leaving_records_the_request_and_deactivates(space, volunteer, commit):
    from tests.workflow_helpers import need_with_volunteers, received

    _index, [action] = make_actions(space.commune, capacity=1)
    mine = Registration.objects.create(action=action, commune=space.commune, email=volunteer.email, first_name="Inès",
                                       status=RegistrationStatus.REGISTERED, confirmed_at=timezone.now())
    waiting = Registration.objects.create(action=action, commune=space.commune, email="paul@example.org",
                                          first_name="Paul", status=RegistrationStatus.WAITING,
                                          confirmed_at=timezone.now())
    need, (other,) = need_with_volunteers(space.commune, count=1)
    received(need)
    # Proposed to the leaving volunteer and to another: theirs is withdrawn, the other still waits.
    Proposal.objects.create(need=need, volunteer=volunteer)
    Proposal.objects.create(need=need, volunteer=other)
    client = open_space(Client(), space, commit, volunteer)
    leave_url = space.url + "quitter/"
    assert "Quitter L’Heure Civique" in client.get(leave_url).content.decode()
    response = client.post(leave_url, {"reason": "Je déménage"})
    assert response.status_code == 400 and "Cochez la case" in response.content.decode()
    assert "Je déménage" in response.content.decode()
    mail.outbox.clear()
    response = commit(client.post, leave_url, {"reason": "Je déménage", "confirm": "on"})
    assert response.status_code == 200 and "Votre demande est enregistrée" in response.content.decode()

    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.LEFT and not volunteer.wants_monthly_message
    request = ErasureRequest.objects.get()
    assert (request.volunteer, request.commune, request.reason, request.source, request.processed_at) == (
        volunteer, space.commune, "Je déménage", "space", None)
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert (mine.status, waiting.status) == (RegistrationStatus.CANCELLED, RegistrationStatus.REGISTERED)
    assert Proposal.objects.get(volunteer=volunteer).status == ProposalStatus.DECLINED
    kinds = sorted(m.subject for m in mail.outbox)
    assert any("Votre demande de départ" in s for s in kinds) and any("place" in s.lower() for s in kinds)
    assert Proposal.objects.get(volunteer=other).status == ProposalStatus.PROPOSED
    assert "Envoyez-moi le lien" in client.get(space.url).content.decode()  # the space is closed


def test_leaving_closes_a_welcome_still_waiting(space, commune_a, commit):
    from wagtail_heurecivique.core.signals import volunteer_confirmed
    from workflows.enums import OnboardingOutcome
    from workflows.models import OnboardingProcess

    volunteer = factories.volunteer(commune_a, email="new@example.org", status=VolunteerStatus.TO_INTERVIEW)
    volunteer_confirmed.send(sender=Volunteer, volunteer=volunteer)
    client = open_space(Client(), space, commit, volunteer)
    commit(client.post, space.url + "quitter/", {"confirm": "on"})
    process = OnboardingProcess.objects.get(volunteer=volunteer)
    assert (process.status, process.outcome) == ("CANCELED", OnboardingOutcome.WITHDRAWN)


def test_requests_to_leave_are_read_in_the_back_office_scoped(client, space, volunteer, referent_a, referent_b, commit):
    from wagtail_heurecivique.services.membership import leave

    leave(volunteer, reason="Déménagement")
    url = reverse("wagtail_heurecivique_erasurerequest_modeladmin_index")
    client.force_login(referent_a)
    content = client.get(url).content.decode()
    assert "Inès" in content
    client.force_login(referent_b)
    assert "Inès" not in client.get(url).content.decode()
    request = ErasureRequest.objects.get()
    inspect = reverse("wagtail_heurecivique_erasurerequest_modeladmin_inspect", args=[request.pk])
    assert client.get(inspect).status_code == 404
    client.force_login(referent_a)
    assert "Déménagement" in client.get(inspect).content.decode()
    assert client.get(reverse("wagtail_heurecivique_erasurerequest_modeladmin_edit", args=[request.pk])).status_code in (
        302, 403)


def test_the_commune_home_links_to_the_space(client, space):
    home = space.get_parent().specific
    assert space.url in client.get(home.url).content.decode()


def test_a_referent_records_a_request_to_leave_made_by_phone(client, space, volunteer, referent_a, referent_b, commit):
    url = reverse("wagtail_heurecivique_volunteer_modeladmin_leave", args=[volunteer.pk])
    client.force_login(referent_b)
    assert client.get(url).status_code == 404  # another commune's volunteer
    client.force_login(referent_a)
    index = client.get(reverse("wagtail_heurecivique_volunteer_modeladmin_index")).content.decode()
    assert url in index
    assert "Demande de départ" in client.get(url).content.decode()
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and "Indiquez comment le bénévole a demandé à partir" in response.content.decode()
    response = commit(client.post, url, {"reason": "Par téléphone, déménagement"})
    assert response.status_code == 302
    request = ErasureRequest.objects.get()
    assert (request.source, request.reason) == ("staff", "Par téléphone, déménagement")
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.LEFT
    assert volunteer.history.first().history_user == referent_a
    assert [m.to for m in mail.outbox] == [["ines@example.org"]]
    assert client.get(url).status_code == 302  # already left: back to the record
    assert url not in client.get(reverse("wagtail_heurecivique_volunteer_modeladmin_index")).content.decode()


def test_an_editor_adds_the_space_under_the_commune_home_once(client, commune_a, superuser):
    from wagtail.test.utils.form_data import rich_text

    root = Site.objects.get(is_default_site=True).root_page
    home = root.add_child(instance=CommuneHomePage(title="Bois-Colombes", slug="bc", commune=commune_a))
    client.force_login(superuser)
    url = reverse("wagtailadmin_pages:add", args=["wagtail_heurecivique", "volunteerspacepage", home.pk])
    data = {"title": "Mon espace", "slug": "mon-espace", "intro": rich_text("<p>Votre engagement.</p>"),
            "action-publish": "publish"}
    assert client.post(url, data).status_code == 302
    space = VolunteerSpacePage.objects.child_of(home).live().get()
    assert Client().get(space.url).status_code == 200
    # One space per commune home: Wagtail refuses a second and sends back to the dashboard.
    assert client.post(url, {**data, "slug": "mon-espace-2"}).status_code == 302
    assert VolunteerSpacePage.objects.count() == 1
    assert not VolunteerSpacePage.can_create_at(root)


def test_the_link_clicked_again_once_the_space_is_open_leads_to_it(space, volunteer, commit):
    client = Client()
    ask_link(client, space, commit, volunteer.email)
    link = link_in(mail.outbox[0])
    assert client.post(link).status_code == 302
    for again in (client.get(link), client.post(link)):  # a second click, in the same browser
        assert again.status_code == 302 and again["Location"] == space.url
    assert Client().post(link).status_code == 400  # elsewhere, it is used up


def test_leaving_withdraws_consents_and_the_download_leaves_out_the_referents_notes(space, volunteer, commit):
    volunteer.notes = "Semble fragile, suivi CCAS"
    volunteer.save()
    consent = factories.consent(volunteer, purpose="data_processing", text_version="1")
    client = open_space(Client(), space, commit, volunteer)
    content = client.get(space.url + "donnees/").content.decode()
    assert "Semble fragile" not in content and '"notes"' not in content
    assert "Les notes du référent" in content
    commit(client.post, space.url + "quitter/", {"confirm": "on"})
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.history.first().history_change_reason == "Retiré : le bénévole a quitté le dispositif"
    assert ErasureRequest.history.get().history_change_reason == "Depuis l’espace bénévole"


def test_a_change_saved_after_leaving_does_not_bring_the_volunteer_back(space, volunteer, commit):
    from wagtail_heurecivique.services.membership import leave

    client = open_space(Client(), space, commit, volunteer)
    form_url = space.url + "profil/"
    data = {"first_name": "Inès", "last_name": "Roux", "postcode": "92270", "frequency": "monthly",
            "radius_km": "4", "message_frequency": "monthly"}
    with mock.patch("wagtail_heurecivique.services.membership.current_volunteer", return_value=volunteer):
        leave(Volunteer.objects.get(pk=volunteer.pk))  # from another browser, meanwhile
        response = client.post(form_url, data)
    assert response.status_code == 302 and response["Location"] == space.url
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.LEFT and volunteer.last_name != "Roux"


def test_a_new_postcode_drops_the_old_coordinates(space, volunteer, commit):
    Volunteer.objects.filter(pk=volunteer.pk).update(latitude="48.91", longitude="2.27")
    client = open_space(Client(), space, commit, volunteer)
    data = {"first_name": "Inès", "last_name": volunteer.last_name, "postcode": "92250", "frequency": "monthly",
            "radius_km": "5", "message_frequency": "monthly", "wants_proposal_emails": "on"}
    assert client.post(space.url + "profil/", data).status_code == 302
    volunteer.refresh_from_db()
    assert (volunteer.postcode, volunteer.latitude, volunteer.longitude) == ("92250", None, None)


def test_a_link_that_could_not_leave_in_time_is_not_sent_late(space, volunteer, commit):
    from wagtail_heurecivique.notifications.delivery import deliver

    with mock.patch("wagtail_heurecivique.notifications.enqueue"):  # the first send is lost
        ask_link(Client(), space, commit, volunteer.email)
    notification = Notification.objects.get()
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=61))
    assert deliver(notification.pk) == "skipped" and mail.outbox == []
