"""Benchmark: the public pages against a bare Wagtail page at the same depth (issue 21).

Each page is measured through the test client, interleaved with its peer — a bare
``wagtailcore.Page`` with the same parent (so the same depth, the same site lookup and the same
view restrictions' queries) — in the same run, warm (templates loaded, the figures and the
home's rendered parts in the cache). Goals, as the ratio of the medians:

- a commune's home ≤ 1.5×, for a small commune and for the département's largest one;
- the action page, the action index and the success story index ≤ 1.3×;
- the example site's home (every commune's counters): as many queries with 50 communes as with
  8 (its time grows with the counters it renders; recorded, not a goal).

The world: eight communes of one département, one large (120 volunteers with hours spread over
two years, 40 needs, 12 past actions with registrations, 8 upcoming, 6 stories) and seven small
ones (4 volunteers each, 2 actions). Run with ``make benchmark`` (one table for the run).

Measured on SQLite on a shared 2-core machine: before the parts were cached (``site.public_parts``)
the homes 1.8× and 2.0×, the action page 2.1×, the action index 2.8×, the story index 2.2×; after,
1.3×, 1.3×, 1.3×, 1.3× and 1.2×. The example home renders one counters block per commune: 8× a
bare page at 50 communes, in as many queries as at 8.
"""

import datetime
import random
import statistics

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, Site

from example_site.home.models import HomePage
from tests import builders, factories
from tests.benchmarks import report
from wagtail_heurecivique.core.enums import NeedStatus
from wagtail_heurecivique.models import CommuneHomePage, SuccessStoryIndexPage, SuccessStoryPage

RUNS = 60
HOME_GOAL = 1.5  # issue 21
ACTION_GOAL = 1.3  # issue 21: the action page and the indexes
#: Asserted: the goals with room for a shared machine's noise (measured on a quiet one: homes
#: 1.3–1.4×, action page and indexes 1.2–1.3× on SQLite and PostgreSQL), so that a regression
#: fails; the table's "met" column says whether each goal itself is reached in the run.
HOME_BOUND = 1.8
ACTION_BOUND = 1.5
SMALL_COMMUNES = 7
MORE_COMMUNES = 42  # the example home: 8, then 50 communes


def bare_beside(parent, slug):
    """The peer: a bare Wagtail page under ``parent``."""
    return parent.add_child(instance=Page(title="Une page", slug=slug))


def stories(home, count):
    index = SuccessStoryIndexPage.objects.child_of(home).get()
    for n in range(count):
        index.add_child(instance=SuccessStoryPage(
            title=f"Réussite {n}", slug=f"reussite-{n}", summary="Des voisins aidés.",
            date=timezone.localdate() - datetime.timedelta(days=20 * n),
            body=[("paragraph", "<p>Des courses chaque semaine.</p>")],
        ))
    return index


def large_commune(rng):
    commune = factories.commune(name="Argenteuil", insee_code="95018", postcodes="95100", departement="95")
    home = builders.commune_home(commune)
    today = timezone.localdate()
    for _volunteer in range(120):
        volunteer = factories.volunteer(commune)
        for _hour in range(3):  # over two years
            factories.hours(volunteer, date=today - datetime.timedelta(days=rng.randrange(730)), minutes=rng.choice((30, 60, 90)))
    category = factories.category("Courses")
    for n in range(40):
        factories.need(commune, category=category, status=NeedStatus.DONE if n % 3 else NeedStatus.NEW)
    index, upcoming = builders.make_actions(commune, count=8)
    for n in range(12):
        past = builders.action(commune, f"Repas partagé {n}", timezone.now() - datetime.timedelta(days=15 + 40 * n))
        builders.registrations(past, *(f"Personne {n}-{i}" for i in range(rng.randrange(3, 9))))
    story_index = stories(home, 6)
    return home, index, upcoming[0], story_index


def small_communes():
    homes = []
    for n in range(SMALL_COMMUNES):
        commune = factories.commune(name=f"Commune {n}", insee_code=f"951{n:02d}", postcodes=f"951{n:02d}", departement="95")
        homes.append(builders.commune_home(commune))
        for _volunteer in range(4):
            factories.hours(factories.volunteer(commune), minutes=60)
        builders.make_actions(commune, count=2)
    return homes


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        get(client, url)
    return len(captured)


def compare(client, measure, url, peer, peer_url, goal=None):
    """Record ``url`` against ``peer_url``, interleaved, warm; the ratio of their medians."""
    for _warm in range(2):
        get(client, url)
        get(client, peer_url)
    walls, cpus, peer_walls, peer_cpus = [], [], [], []
    for _run in range(RUNS):
        wall, cpu = report.timings(lambda: get(client, url), 1)
        walls += wall
        cpus += cpu
        wall, cpu = report.timings(lambda: get(client, peer_url), 1)
        peer_walls += wall
        peer_cpus += cpu
    ratio = statistics.median(walls) / statistics.median(peer_walls)
    report.record(f"peer: {peer}", peer_walls, cpu_seconds=peer_cpus,
                  queries=queries(client, peer_url))
    report.record(measure, walls, peer=peer, ratio=ratio, goal=goal, queries=queries(client, url), cpu_seconds=cpus)
    return ratio


@pytest.mark.benchmark
@pytest.mark.django_db
def test_public_pages_cost_little_more_than_a_bare_page():
    rng = random.Random(21)
    home, action_index, action, story_index = large_commune(rng)
    small_home = small_communes()[3]
    root = Site.objects.get(is_default_site=True).root_page
    beside_homes = bare_beside(root, "une-page")
    beside_indexes = bare_beside(home, "une-page")
    beside_actions = bare_beside(action_index, "une-page")
    assert beside_homes.depth == home.depth and beside_actions.depth == action.depth
    client = Client()

    cache.clear()
    cold, _cpu = report.timings(lambda: get(client, home.url), 1)
    cache.clear()
    report.record("commune home, largest commune (cold)", cold, queries=queries(client, home.url))
    ratios = {
        "small home": compare(client, "commune home, a small commune", small_home.url,
                              "bare page (depth 3)", beside_homes.url, HOME_GOAL),
        "largest home": compare(client, "commune home, the largest commune", home.url,
                                "bare page (depth 3)", beside_homes.url, HOME_GOAL),
        "action page": compare(client, "action page", action.url, "bare page (depth 5)", beside_actions.url, ACTION_GOAL),
        "action index": compare(client, "action index", action_index.url,
                                "bare page (depth 4)", beside_indexes.url, ACTION_GOAL),
        "success index": compare(client, "success story index", story_index.url,
                                 "bare page (depth 4)", beside_indexes.url, ACTION_GOAL),
    }

    example_home = root.add_child(instance=HomePage(title="L'Heure Civique", slug="accueil"))
    compare(client, f"example home, {SMALL_COMMUNES + 1} communes", example_home.url, "bare page (depth 3)", beside_homes.url)
    few = queries(client, example_home.url)
    for n in range(MORE_COMMUNES):
        commune = factories.commune(name=f"Commune plus {n}", insee_code=f"952{n:02d}", postcodes=f"952{n:02d}")
        root.add_child(instance=CommuneHomePage(title=commune.name, slug=f"commune-plus-{n}", commune=commune))
        factories.volunteer(commune)
    compare(client, f"example home, {SMALL_COMMUNES + 1 + MORE_COMMUNES} communes", example_home.url,
            "bare page (depth 3)", beside_homes.url)
    assert queries(client, example_home.url) == few

    bounds = {"small home": HOME_BOUND, "largest home": HOME_BOUND, "action page": ACTION_BOUND,
              "action index": ACTION_BOUND, "success index": ACTION_BOUND}
    missed = {name: round(ratio, 2) for name, ratio in ratios.items() if ratio > bounds[name]}
    assert not missed, missed
