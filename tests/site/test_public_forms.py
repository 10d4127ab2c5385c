"""The public doors: "Je deviens volontaire" and "Je signale un besoin", through HTTP."""

import re

import pytest
from django.core import mail
from django.test import override_settings

from tests.builders import SIGNUP
from wagtail_heurecivique.core.enums import NeedSource, NeedStatus, VolunteerStatus
from wagtail_heurecivique.core.signals import volunteer_confirmed
from wagtail_heurecivique.models import (
    Beneficiary,
    Consent,
    Need,
    NeedReportPage,
    Volunteer,
    VolunteerSignupPage,
)

pytestmark = pytest.mark.django_db


def test_the_commune_home_shows_the_two_doors(client, site_pages):
    content = client.get(site_pages["home"].url).content.decode()
    assert "Je deviens volontaire" in content and "Je signale un besoin" in content and "Rejoignez-nous" in content
    assert 'lang="fr"' in content and 'href="#main"' in content


def test_signup_then_confirmation_by_the_e_mailed_link(client, site_pages, commit):
    page = site_pages["signup"]
    received = []
    volunteer_confirmed.connect(lambda sender, volunteer, **kw: received.append(volunteer), weak=False,
                                dispatch_uid="test-confirmed")
    try:
        response = commit(client.post, page.url, SIGNUP)
        assert response.status_code == 200 and "Vérifiez votre boîte" in response.content.decode()
        volunteer = Volunteer.objects.get()
        assert (volunteer.email, volunteer.status, volunteer.phone) == ("ines.roux@example.org", "pending", "06 12 34 56 78")
        page.refresh_from_db()
        assert volunteer.charter_version_accepted == f"1/r{page.live_revision_id}" != "1/rNone"
        assert set(Consent.objects.values_list("purpose", flat=True)) == {"charter", "data_processing"}
        assert volunteer.history.get().history_change_reason == "Inscription sur le site public"
        [message] = mail.outbox
        link = re.search(r"http://localhost(/\S+)", message.body).group(1)
        assert "confirmer" in link
        page_text = client.get(link).content.decode()
        assert "Je confirme mon adresse" in page_text
        volunteer.refresh_from_db()
        assert volunteer.status == "pending"  # a GET (a mail scanner) confirms nothing
        response = client.post(link)
        assert "votre adresse est confirmée" in response.content.decode()
        volunteer.refresh_from_db()
        assert volunteer.status == VolunteerStatus.TO_INTERVIEW and received == [volunteer]
        assert "déjà confirmée" in client.post(link).content.decode()
        assert len(received) == 1
    finally:
        volunteer_confirmed.disconnect(dispatch_uid="test-confirmed")


def test_signing_up_twice_sends_the_link_again_and_says_the_same(client, site_pages, commit):
    url = site_pages["signup"].url
    first = commit(client.post, url, SIGNUP).content.decode()
    second = commit(client.post, url, {**SIGNUP, "first_name": "Autre"}).content.decode()
    assert Volunteer.objects.count() == 1 and Volunteer.objects.get().first_name == "Inès"
    assert len(mail.outbox) == 2 and all("confirmer" in m.body for m in mail.outbox)
    Volunteer.objects.update(status=VolunteerStatus.ACTIVE)
    third = commit(client.post, url, SIGNUP).content.decode()
    assert "déjà inscrit" in mail.outbox[-1].subject
    strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)  # noqa: E731
    assert strip(first) == strip(second) == strip(third)  # nothing tells whether the address was known


def test_a_wrong_signup_keeps_what_was_typed_and_explains_in_french(client, site_pages):
    data = {**SIGNUP, "email": "pas-une-adresse", "postcode": "9227", "accept_charter": ""}
    response = client.post(site_pages["signup"].url, data)
    assert response.status_code == 400
    content = response.content.decode()
    assert "Veuillez corriger" in content and 'href="#id_email"' in content and 'href="#id_accept_charter"' in content
    assert "Acceptez la charte pour vous inscrire." in content
    assert 'value="Inès"' in content and 'value="pas-une-adresse"' in content and 'value="Centre"' in content
    assert not Volunteer.objects.exists() and not Consent.objects.exists()


def test_the_honeypot_answers_like_a_success_and_records_nothing(client, site_pages):
    response = client.post(site_pages["signup"].url, {**SIGNUP, "site_web": "http://spam.example"})
    assert response.status_code == 200 and "Vérifiez votre boîte" in response.content.decode()
    assert not Volunteer.objects.exists() and mail.outbox == []


@override_settings(WAGTAIL_HEURECIVIQUE={"PUBLIC_FORM_RATE_PER_EMAIL": "2/h", "PUBLIC_FORM_RATE_PER_IP": "3/h"})
def test_rate_limits_per_e_mail_and_per_address(client, site_pages):
    url = site_pages["signup"].url
    assert client.post(url, SIGNUP).status_code == 200
    assert client.post(url, SIGNUP).status_code == 200
    limited = client.post(url, SIGNUP)
    assert limited.status_code == 429 and "Trop d’envois" in limited.content.decode()
    assert 'value="Inès"' in limited.content.decode()
    assert client.post(url, {**SIGNUP, "email": "autre@example.org"}).status_code == 429  # the IP is now over too


def test_a_forged_or_foreign_confirmation_link_is_refused(client, site_pages):
    response = client.get(site_pages["signup"].url + "confirmer/?jeton=abc")
    assert response.status_code == 400 and "pas valable" in response.content.decode()


def test_a_resident_reports_a_need_for_a_neighbour(client, site_pages, commit):
    data = {
        "reporter_kind": "resident", "reporter_name": "Paul Martin", "reporter_email": "paul@example.org",
        "for_self": "0", "beneficiary_first_name": "Jeanne", "beneficiary_last_name": "Lambert",
        "beneficiary_phone": "01 47 00 00 00", "postcode": "92270",
        "category": site_pages["report"].get_parent().specific.commune.needs.model._meta.get_field("category")
        .related_model.objects.get().pk,
        "description": "Courses une fois par semaine.", "agreement": "on",
    }
    response = commit(client.post, site_pages["report"].url, data)
    assert response.status_code == 200
    need = Need.objects.get()
    assert need.reference in response.content.decode()
    assert (need.status, need.source, need.title) == (NeedStatus.NEW, NeedSource.PUBLIC_FORM, "Courses (92270)")
    assert need.beneficiary.first_name == "Jeanne" and need.beneficiary.phone == "01 47 00 00 00"
    assert need.process.task_set.filter(flow_task_type="HUMAN").count() == 1  # the workflow started
    [ack] = [m for m in mail.outbox if m.to == ["paul@example.org"]]
    assert need.reference in ack.subject and "Lambert" not in ack.body


def test_a_referrer_must_name_their_structure_and_the_agreement(client, site_pages):
    data = {
        "reporter_kind": "referrer", "reporter_name": "Dr Durand", "reporter_email": "cabinet@example.org",
        "for_self": "0", "beneficiary_first_name": "Jeanne", "postcode": "92270",
        "description": "Aide aux courses.",
    }
    response = client.post(site_pages["report"].url, data)
    assert response.status_code == 400
    content = response.content.decode()
    assert "Indiquez le nom de votre structure." in content
    assert "L’accord de la personne est nécessaire" in content
    assert "Indiquez un téléphone ou une adresse" in content
    assert not Need.objects.exists() and not Beneficiary.objects.exists()


def test_editors_cannot_build_nonsense():
    assert VolunteerSignupPage.parent_page_types == ["wagtail_heurecivique.CommuneHomePage"]
    assert VolunteerSignupPage.max_count_per_parent == 1 and NeedReportPage.subpage_types == []
