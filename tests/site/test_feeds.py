"""Feeds of a commune: RSS/Atom of stories and actions, iCalendar of actions."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from tests.builders import make_actions
from wagtail_heurecivique.models import SuccessStoryIndexPage, SuccessStoryPage

pytestmark = pytest.mark.django_db


def test_action_feeds_and_calendars(commune_a):
    index, [soon, later] = make_actions(commune_a, count=2)
    index.add_child(instance=type(soon)(  # a past action: in no feed
        title="Ancienne action", slug="ancienne", kind="collective", place="Mairie",
        start=timezone.now() - datetime.timedelta(days=40),
    ))
    client = Client()
    rss = client.get("/heurecivique/92009/actions.rss")
    assert rss.status_code == 200 and rss["Content-Type"].startswith("application/rss+xml")
    body = rss.content.decode()
    assert soon.title in body and later.title in body and body.count("<item>") == 2

    calendar = Calendar.from_ical(client.get("/heurecivique/92009/actions.ics").content)
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [soon.title, later.title]
    assert str(events[0]["LOCATION"]) == "Parc Lagravère"

    single = Calendar.from_ical(client.get(soon.url + "agenda/").content)
    assert [str(e["SUMMARY"]) for e in single.walk("VEVENT")] == [soon.title]
    page = client.get(index.url).content.decode()
    assert "/heurecivique/92009/actions.ics" in page and 'type="application/rss+xml"' in page

    assert client.get("/heurecivique/00000/actions.rss").status_code == 404


def test_story_feeds_list_only_published_stories(commune_a):
    index, _ = make_actions(commune_a)
    stories = index.get_parent().add_child(instance=SuccessStoryIndexPage(title="Nos réussites", slug="reussites"))
    published = stories.add_child(instance=SuccessStoryPage(title="Un jardin", slug="jardin", summary="Un jardin refleurit.", body=[]))
    stories.add_child(instance=SuccessStoryPage(title="Brouillon", slug="brouillon", summary="x", body=[], live=False))
    client = Client()
    rss = client.get("/heurecivique/92009/reussites.rss").content.decode()
    atom = client.get("/heurecivique/92009/reussites.atom")
    assert published.title in rss and "Brouillon" not in rss
    assert atom["Content-Type"].startswith("application/atom+xml") and "Un jardin refleurit." in atom.content.decode()
