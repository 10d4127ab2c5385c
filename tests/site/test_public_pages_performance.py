"""Public pages at département scale (issue 21): their queries do not grow with the communes.

The commune's home and the example site's home read the public figures from the cache (a
version per commune, bumped when its hours, needs, proposals, volunteers or actions change);
the action index shows 20 actions a page. Speed itself is a benchmark
(``tests/benchmarks/test_public_pages_benchmark.py``), not asserted here.
"""

import datetime
import re
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Site

from example_site.home.models import HomePage
from tests import builders, factories
from tests.builders import END, START
from wagtail_heurecivique.models import ActionPage, Commune, CommuneHomePage
from wagtail_heurecivique.reporting.indicators import public_figures
from wagtail_heurecivique.reporting.public import public_counters


def queries_of(client, url, cold=False, **params):
    """The queries of a view of ``url``; ``cold``: with nothing in the cache (the figures computed)."""
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return len(captured), response


def cold_and_warm(client, url):
    """The queries of a first view (figures computed) and of the next (from the cache), and the last response."""
    cold, _response = queries_of(client, url, cold=True)
    warm, response = queries_of(client, url)
    return cold, warm, response


def more_communes(count):
    """``count`` more communes, each with a live home (not published: no five pages) and a volunteer."""
    root = Site.objects.get(is_default_site=True).root_page
    for n in range(count):
        commune = factories.commune(name=f"Commune {n}", insee_code=f"95{n:03d}", postcodes=f"95{n:03d}")
        root.add_child(instance=CommuneHomePage(title=commune.name, slug=f"commune-{n}", commune=commune))
        factories.volunteer(commune)


def home_with_data(commune):
    home = builders.commune_home(commune)
    for _n in range(6):
        factories.hours(factories.volunteer(commune), minutes=90)
    builders.make_actions(commune, count=4)
    return home


@pytest.mark.django_db
def test_the_commune_home_makes_as_many_queries_with_50_communes_as_with_2(client, commune_a, commune_b):
    home = home_with_data(commune_a)
    builders.commune_home(commune_b)
    cold_2, warm_2, _response = cold_and_warm(client, home.url)
    more_communes(48)
    cold_50, warm_50, response = cold_and_warm(client, home.url)
    assert (cold_50, warm_50) == (cold_2, warm_2)
    assert warm_2 < cold_2
    assert warm_2 <= 6, warm_2  # a bare Wagtail page makes 4: the site, the page, its ancestors' restrictions
    assert "Nettoyage des berges 0" in response.content.decode()


@pytest.mark.django_db
def test_the_example_home_makes_as_many_queries_with_50_communes_as_with_2(client, commune_a, commune_b):
    root = Site.objects.get(is_default_site=True).root_page
    example_home = root.add_child(instance=HomePage(title="L'Heure Civique", slug="accueil"))
    builders.commune_home(commune_a)
    builders.commune_home(commune_b)
    cold_2, warm_2, _response = cold_and_warm(client, example_home.url)
    more_communes(48)
    cold_50, warm_50, response = cold_and_warm(client, example_home.url)
    assert (cold_50, warm_50) == (cold_2, warm_2)
    assert warm_2 <= 7 and cold_2 <= 13, (warm_2, cold_2)
    assert response.content.decode().count('class="heurecivique-counters"') == 50


def counters(response):
    """The counters shown, by their (French) label."""
    return dict(re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", response.content.decode()))


@pytest.mark.django_db
def test_the_figures_change_when_an_hour_is_recorded(client, commune_a):
    home = home_with_data(commune_a)
    first, _response = queries_of(client, home.url)
    again, response = queries_of(client, home.url)
    assert again < first  # the figures came from the cache
    assert counters(response)["Heures données"] == "9,0 h"  # six volunteers, 90 minutes each
    factories.hours(factories.volunteer(commune_a), date=timezone.localdate(), minutes=60)
    changed, response = queries_of(client, home.url)
    assert changed == first
    assert counters(response)["Heures données"] == "10,0 h"
    assert counters(response)["Volontaires actifs"] == "7"


@pytest.mark.django_db
def test_an_action_held_and_its_participants_change_the_figures(client, commune_a):
    home = home_with_data(commune_a)
    assert counters(client.get(home.url))["Actions menées"] == "0"
    held = builders.action(commune_a, "Repas partagé", timezone.now() - datetime.timedelta(days=3))
    assert counters(client.get(home.url))["Actions menées"] == "1"
    builders.registrations(held, *(f"Personne {n}" for n in range(5)))
    assert counters(client.get(home.url))["Participants aux actions menées (places occupées)"] == "5"
    held.unpublish()
    assert counters(client.get(home.url))["Actions menées"] == "0"


@pytest.mark.django_db
def test_the_cached_figures_are_the_published_ones(dataset):
    for commune in Commune.objects.all():
        published = public_figures(commune, START, END)
        cached = public_counters([commune], START, END)[commune.pk]
        assert cached == {key: published[key]["value"] for key in cached}, commune


@pytest.mark.django_db
@pytest.mark.parametrize("archives", [False, True])
def test_the_action_index_makes_as_many_queries_with_60_actions_as_with_5(client, commune_a, archives):
    start = timezone.now() - datetime.timedelta(days=100) if archives else None
    index, _actions = builders.make_actions(commune_a, count=5, start=start)
    params = {"archives": "1"} if archives else {}
    few, response = queries_of(client, index.url, **params)
    assert response.content.decode().count("Nettoyage des berges") == 5

    ActionPage.objects.child_of(index).delete()
    builders.make_actions(commune_a, count=60, start=start)
    many, response = queries_of(client, index.url, **params)
    assert many == few <= 11
    content = response.content.decode()
    assert content.count("Nettoyage des berges") == 20
    assert 'aria-label="Page suivante"' in content


@pytest.mark.django_db
def test_the_action_index_pages_through_every_action(client, commune_a):
    index, actions = builders.make_actions(commune_a, count=45)
    seen = []
    for page in (1, 2, 3):
        content = client.get(index.url, {"page": page}).content.decode()
        seen += [a.title for a in actions if f">{a.title}<" in content]
    assert sorted(seen) == sorted(a.title for a in actions)
    last = client.get(index.url, {"page": 3}).content.decode()
    assert last.count("Nettoyage des berges") == 5
    assert "?page=2" in last and "?page=4" not in last


@pytest.mark.django_db
# Not named ``page``: pytest-playwright's browser fixture has that name, and would make this a
# browser test, run among them with their live server (whose flush empties the database).
@pytest.mark.parametrize("number, status", [("last", 200), ("99", 404), ("0", 404), ("abc", 404), ("-1", 404)])
def test_a_bad_page_number_is_the_last_page_or_a_404_never_a_500(client, commune_a, number, status):
    index, _actions = builders.make_actions(commune_a, count=25)
    response = client.get(index.url, {"page": number})
    assert response.status_code == status
    if status == 200:
        assert response.content.decode().count("Nettoyage des berges") == 5


@pytest.mark.django_db
def test_past_actions_keep_their_page_through_the_links(client, commune_a):
    index, _actions = builders.make_actions(commune_a, count=25, start=timezone.now() - datetime.timedelta(days=100))
    content = client.get(index.url, {"archives": "1"}).content.decode()
    assert "?archives=1&amp;page=2" in content
    second = client.get(index.url, {"archives": "1", "page": "2"}).content.decode()
    assert second.count("Nettoyage des berges") == 5


@pytest.mark.django_db
def test_the_home_lists_follow_its_pages(client, commune_a):
    home = builders.commune_home(commune_a)
    assert "Fête des voisins" not in client.get(home.url).content.decode()  # the lists are cached now
    soon = builders.action(commune_a, "Fête des voisins", timezone.now() + datetime.timedelta(hours=1))
    assert "Fête des voisins" in client.get(home.url).content.decode()
    soon.title = "Fête du quartier"
    soon.save_revision().publish()
    assert "Fête du quartier" in client.get(home.url).content.decode()
    later = timezone.now() + datetime.timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=later):  # it has started: no longer upcoming
        assert "Fête du quartier" not in client.get(home.url).content.decode()
    soon.unpublish()
    assert "Fête du quartier" not in client.get(home.url).content.decode()


@pytest.mark.django_db
def test_a_renamed_commune_is_renamed_on_its_home(client, commune_a):
    home = builders.commune_home(commune_a)
    assert "Bois-Colombes" in client.get(home.url).content.decode()
    commune_a.name = "Bois-les-Colombes"
    commune_a.save()
    assert "Bois-les-Colombes" in client.get(home.url).content.decode()
