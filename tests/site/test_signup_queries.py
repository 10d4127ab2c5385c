"""What a signup POST costs the database, and that nothing of it is lost or left half-written."""

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import ReferenceIndex

from tests.builders import SIGNUP
from wagtail_heurecivique.core.models.notifications import Notification
from wagtail_heurecivique.models import Consent, Skill, Volunteer

pytestmark = pytest.mark.django_db

#: Wagtail's own share of any page at this depth: the site, the route (4), the view restrictions (2).
WAGTAIL_SERVE = 7


def post_signup(client, url, data):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    assert response.status_code == 200, response.content.decode()[:2000]
    return [query["sql"] for query in queries.captured_queries]


def test_a_signup_costs_its_rows_and_wagtails_serve_nothing_more(client, site_pages, commit):
    url = site_pages["signup"].url
    client.get(url)
    sql = commit(post_signup, client, url, SIGNUP)
    # Wagtail's serve, the commune, then in one transaction (a savepoint in a test, two
    # statements production does not count): the volunteer and its history, the two consents
    # and their history in one insert each, the e-mail's ledger row and its history.
    inserts = [statement.split('"')[1] for statement in sql if statement.startswith("INSERT")]
    assert inserts == [
        "wagtail_heurecivique_volunteer", "wagtail_heurecivique_historicalvolunteer",
        "wagtail_heurecivique_consent", "wagtail_heurecivique_historicalconsent",
        "wagtail_heurecivique_notification", "wagtail_heurecivique_historicalnotification",
    ]
    assert len(sql) == WAGTAIL_SERVE + 1 + 2 + len(inserts) == 16
    assert not any("referenceindex" in statement for statement in sql)
    volunteer = Volunteer.objects.get()
    assert Consent.objects.filter(volunteer=volunteer, commune=volunteer.commune).count() == 2
    assert set(Consent.history.values_list("history_change_reason", flat=True)) == {
        "Consentement donné sur le formulaire d’inscription public"}
    assert Notification.objects.get().status == "sent"
    assert not ReferenceIndex.objects.filter(object_id=str(volunteer.pk)).exists()


def test_skills_are_written_once_with_the_creations_history(client, site_pages):
    url = site_pages["signup"].url
    skills = [Skill.objects.get(), Skill.objects.create(name="Jardinage", slug="jardinage")]
    sql = post_signup(client, url, {**SIGNUP, "skills": [str(skill.pk) for skill in skills]})
    # The choices checked (one query), the through rows and their history in one insert each;
    # no "changed" history row after the creation's, no read of the through table.
    assert len(sql) == 16 + 1 + 2
    volunteer = Volunteer.objects.get()
    [created] = volunteer.history.all()
    assert created.history_type == "+"
    assert set(created.skills.values_list("skill_id", flat=True)) == {skill.pk for skill in skills}
    assert set(volunteer.skills.all()) == set(skills)


def test_a_known_address_rolls_the_attempt_back_whole(client, site_pages, commit):
    url = site_pages["signup"].url
    commit(client.post, url, SIGNUP)
    commit(client.post, url, {**SIGNUP, "first_name": "Autre", "skills": [str(Skill.objects.get().pk)]})
    volunteer = Volunteer.objects.get()
    assert volunteer.first_name == "Inès" and not volunteer.skills.exists()
    assert Consent.objects.count() == 2 and volunteer.history.count() == 1
    assert Notification.objects.count() == 2  # the link, sent again


def test_a_failure_after_the_volunteer_row_leaves_nothing(client, site_pages, monkeypatch):
    def refuse(*args, **kwargs):
        raise IntegrityError("the consents' table refuses")

    monkeypatch.setattr("wagtail_heurecivique.services.intake.bulk_create_with_history", refuse)
    with pytest.raises(IntegrityError):
        client.post(site_pages["signup"].url, SIGNUP)
    assert not Volunteer.objects.exists() and not Volunteer.history.exists()
    assert not Consent.objects.exists() and not Notification.objects.exists()
