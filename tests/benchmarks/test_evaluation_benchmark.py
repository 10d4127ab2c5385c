"""Benchmark: the coordinator's évaluation page over a département of 500 communes (issue 21).

Goal on PostgreSQL: the page (``heurecivique_evaluation`` through the test client, warm) in
≤ 400 ms median, the figure the issue asks for; the table's row shows it as a ratio to that
target (a wall-clock target, so shown, not asserted). Also recorded, measured interleaved with it: a bare admin page (the account page) as
the peer, ``compute()`` alone and the coordinator's dashboard panel. The data: 500 communes,
20,000 volunteers, 20,000 needs, 10,000 proposals, and 40,000 hours records spread over the
last twelve months (the medians' input). Run with
``pytest -m benchmark tests/benchmarks/test_evaluation_benchmark.py``.
"""

import datetime
import statistics

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.benchmarks import report
from tests.benchmarks.departement import BATCH, Departement
from wagtail_heurecivique.admin.evaluation import EvaluationPanel, default_period
from wagtail_heurecivique.core.models.needs import HoursRecord
from wagtail_heurecivique.models import Commune
from wagtail_heurecivique.reporting.indicators import compute

GOAL_PAGE_SECONDS = 0.400
RUNS = 7
HOURS = 40_000


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


def spread_hours(departement, volunteers):
    rnd, today = departement.rnd, departement.today
    HoursRecord.objects.bulk_create(
        (
            HoursRecord(volunteer=rnd.choice(volunteers), date=today - datetime.timedelta(days=rnd.randint(0, 360)),
                        minutes=rnd.choice([30, 45, 60, 90, 120]))
            for _ in range(HOURS)
        ),
        batch_size=BATCH,
    )


@pytest.mark.benchmark
@pytest.mark.django_db
def test_coordinator_evaluation_page_over_500_communes():
    departement = Departement(communes=500)
    volunteers = departement.add_volunteers(20_000)
    needs = departement.add_needs(20_000)
    departement.add_activity(volunteers, needs, proposals=10_000)
    spread_hours(departement, volunteers)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    coordinator = factories.coordinator("coordination-eval-bench")
    client = Client()
    client.force_login(coordinator)
    url, peer_url = reverse("heurecivique_evaluation"), reverse("wagtailadmin_account")
    get(client, url), get(client, peer_url)  # warm
    walls, cpus, peer_walls, peer_cpus = [], [], [], []
    for _run in range(RUNS):
        wall, cpu = report.timings(lambda: get(client, url), 1)
        walls += wall
        cpus += cpu
        wall, cpu = report.timings(lambda: get(client, peer_url), 1)
        peer_walls += wall
        peer_cpus += cpu
    with CaptureQueriesContext(connection) as page_queries:
        get(client, url)
    with CaptureQueriesContext(connection) as peer_queries:
        get(client, peer_url)

    start, end = default_period()
    communes = Commune.objects.all()
    with CaptureQueriesContext(connection) as compute_queries:
        compute(communes, start, end)
    compute_walls, compute_cpus = report.timings(lambda: compute(communes, start, end), RUNS)
    panel_walls, panel_cpus = report.timings(lambda: EvaluationPanel(coordinator).get_context_data({}), RUNS)

    postgresql = connection.vendor == "postgresql"
    report.record("peer: admin account page", peer_walls, cpu_seconds=peer_cpus, queries=len(peer_queries))
    report.record("coordinator évaluation page, 500 communes", walls, peer="admin account page",
                  ratio=statistics.median(walls) / statistics.median(peer_walls), queries=len(page_queries),
                  cpu_seconds=cpus)
    report.record("évaluation page, 500 communes vs 400 ms", walls, peer="400 ms (issue 21)",
                         ratio=statistics.median(walls) / GOAL_PAGE_SECONDS,
                         goal=1.0 if postgresql else None, cpu_seconds=cpus)
    report.record("evaluation compute(), 500 communes", compute_walls, queries=len(compute_queries),
                  cpu_seconds=compute_cpus)
    report.record("evaluation dashboard panel, 500 communes", panel_walls, cpu_seconds=panel_cpus)
    # Not asserted yet: the page measured 445 ms on PostgreSQL once its medians moved into SQL
    # (581 ms before), its three scans of the hours being most of what is left; the table's
    # "met" column says where it stands. What is asserted: the page's queries do not grow with the data.
    assert len(page_queries) <= 25 and len(compute_queries) <= 15
