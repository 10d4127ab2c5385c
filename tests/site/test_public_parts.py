"""The public pages' cached parts (``site.public_parts``) follow their pages and figures (issue 21).

A commune's home, its action index, its story index and an action's page render what changes
only with the commune's data once per version of the commune and read it from the cache after;
these tests go through the door a visitor uses (the test client) and check that each change a
visitor would see is seen at the next view, and that a warm view costs one query more than a
bare Wagtail page at the same depth (the specific page's row).
"""

import datetime
import re
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, Site

from tests import builders
from wagtail_heurecivique.models import SuccessStoryIndexPage, SuccessStoryPage


def content(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def places(client, action):
    """The action page's "places left" as shown."""
    return re.search(r"<dt>Places restantes</dt><dd>(.*?)</dd>", content(client, action.url)).group(1)


def story(index, title, live=True):
    return index.add_child(instance=SuccessStoryPage(title=title, slug=title.lower().replace(" ", "-"),
                                                     summary="Des voisins aidés.", body=[], live=live))


@pytest.mark.django_db
def test_the_action_page_shows_its_places_left_after_each_registration(client, commune_a):
    _index, (action,) = builders.make_actions(commune_a, count=1, capacity=2)
    assert places(client, action) == "2 / 2"
    assert places(client, action) == "2 / 2"  # from the cache
    builders.registrations(action, "Ana")
    assert places(client, action) == "1 / 2"
    builders.registrations(action, "Ben")
    assert places(client, action) == "Complet : les inscriptions vont en liste d’attente"


@pytest.mark.django_db
def test_the_action_page_shows_its_published_changes(client, commune_a):
    _index, (action,) = builders.make_actions(commune_a, count=1)
    assert "Parc Lagravère" in content(client, action.url)
    action.place = "Salle des fêtes"
    action.save_revision().publish()
    page = content(client, action.url)
    assert "Salle des fêtes" in page and "Parc Lagravère" not in page


@pytest.mark.django_db
def test_a_registration_with_errors_keeps_what_was_typed_and_the_next_visitor_gets_a_blank_form(client, commune_a):
    _index, (action,) = builders.make_actions(commune_a, count=1)
    content(client, action.url)  # the blank form cached
    response = client.post(action.url, {"first_name": "Ana", "email": "pas-une-adresse"})
    assert response.status_code == 400
    sent = response.content.decode()
    assert 'value="pas-une-adresse"' in sent and 'id="form-errors"' in sent
    blank = content(client, action.url)
    assert "pas-une-adresse" not in blank and 'value="Ana"' not in blank and 'id="form-errors"' not in blank
    assert 'name="csrfmiddlewaretoken"' in blank and 'name="email"' in blank


@pytest.mark.django_db
def test_the_action_index_follows_its_actions_registrations_and_the_clock(client, commune_a):
    index, (first,) = builders.make_actions(commune_a, count=1, capacity=4)
    assert "Nettoyage des berges 0" in content(client, index.url)
    soon = builders.action(commune_a, "Fête des voisins", timezone.now() + datetime.timedelta(hours=1))
    listed = content(client, index.url)
    assert "Fête des voisins" in listed and "0 inscrit / 4" in listed
    builders.registrations(first, "Ana", "Ben")
    assert "2 inscrits / 4" in content(client, index.url)
    later = timezone.now() + datetime.timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=later):  # it has started: in the archives now
        assert "Fête des voisins" not in content(client, index.url)
        assert "Fête des voisins" in content(client, index.url, archives="1")
    soon.unpublish()
    assert "Fête des voisins" not in content(client, index.url, archives="1")


@pytest.mark.django_db
def test_the_story_index_follows_its_stories(client, commune_a):
    home = builders.commune_home(commune_a)
    index = SuccessStoryIndexPage.objects.child_of(home).get()
    assert "Un jardin refleuri" not in content(client, index.url)
    garden = story(index, "Un jardin refleuri")
    assert "Un jardin refleuri" in content(client, index.url)
    assert "Un jardin refleuri" in content(client, index.url, page="abc")  # not a number: the first page
    garden.unpublish()
    assert "Un jardin refleuri" not in content(client, index.url)


@pytest.mark.django_db
def test_a_preview_renders_the_drafts_parts_not_the_cached_ones(client, commune_a, commune_b):
    home = builders.commune_home(commune_a)
    assert "L’Heure Civique à Bois-Colombes" in content(client, home.url)  # the counters, cached
    home.commune = commune_b  # a draft moving the home to another commune, previewed as the admin does
    previewed = home.make_preview_request().content.decode()
    assert "L’Heure Civique à Beaumont-sur-Oise" in previewed
    assert "L’Heure Civique à Bois-Colombes" in content(client, home.url)


def bare_queries(client, parent):
    bare = parent.add_child(instance=Page(title="Une page", slug="une-page"))
    content(client, bare.url)
    with CaptureQueriesContext(connection) as captured:
        content(client, bare.url)
    return len(captured)


def warm_queries(client, url):
    content(client, url)
    with CaptureQueriesContext(connection) as captured:
        content(client, url)
    return len(captured)


@pytest.mark.django_db
def test_a_warm_public_page_makes_one_query_more_than_a_bare_page_beside_it(client, commune_a):
    home = builders.commune_home(commune_a)
    index, (action,) = builders.make_actions(commune_a, count=1)
    builders.registrations(action, "Ana")
    stories = SuccessStoryIndexPage.objects.child_of(home).get()
    story(stories, "Un jardin refleuri")
    root = Site.objects.get(is_default_site=True).root_page
    assert warm_queries(client, home.url) == bare_queries(client, root) + 1
    assert warm_queries(client, action.url) == bare_queries(client, index) + 1
    below_home = bare_queries(client, home)
    assert warm_queries(client, index.url) == below_home + 1
    assert warm_queries(client, stories.url) == below_home + 1
