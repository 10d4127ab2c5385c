"""Benchmark: top-20 suggestions for one need among 5,000 then 50,000 volunteers.

Goals (issue 6): median ≤ 100 ms at 50,000 volunteers on PostgreSQL, ratio 50k/5k ≤ 3,
the same number of SQL queries whatever the size. The same data then times the
département's evaluation (every indicator over all communes, goal ≤ 2 s) and the
coordinator's dashboard panel over all communes (goal ≤ 2 s).
Run with `make benchmark`.
"""

import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.benchmarks.departement import Departement
from wagtail_heurecivique.admin.evaluation import EvaluationPanel, default_period
from wagtail_heurecivique.matching import suggest
from wagtail_heurecivique.models import Commune
from wagtail_heurecivique.reporting.indicators import compute

GOAL_MEDIAN_SECONDS = 0.100
GOAL_RATIO = 3.0
RUNS = 30
GOAL_EVALUATION_SECONDS = 2.0


def measure(needs):
    timings, queries = [], set()
    for need in needs:
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            suggest(need, limit=20)
            timings.append(time.perf_counter() - start)
        queries.add(len(captured))
    return statistics.median(timings), max(timings), queries


def analyse():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


@pytest.mark.benchmark
@pytest.mark.django_db
def test_suggestions_at_departement_scale(capsys):
    departement = Departement(communes=500)
    built = time.perf_counter()
    volunteers = departement.add_volunteers(5_000)
    needs = departement.add_needs(20_000)
    departement.add_activity(volunteers, needs, proposals=5_000)
    analyse()
    sample = departement.sample_needs(RUNS)
    small = measure(sample)

    more = departement.add_volunteers(45_000)
    departement.add_activity(more, needs, proposals=15_000)
    analyse()
    large = measure(sample)
    built = time.perf_counter() - built

    # The same data serves the département's evaluation: every indicator, all communes.
    start, end = default_period()
    with CaptureQueriesContext(connection) as captured:
        began = time.perf_counter()
        compute(Commune.objects.all(), start, end)
        evaluation_seconds = time.perf_counter() - began

    # The coordinator's dashboard panel: this month's pulse of every commune.
    coordinator = factories.coordinator("coordination-bench")
    with CaptureQueriesContext(connection) as panel_queries:
        began = time.perf_counter()
        EvaluationPanel(coordinator).get_context_data({})
        panel_seconds = time.perf_counter() - began

    ratio = large[0] / small[0]
    with capsys.disabled():
        print(f"\nMatching benchmark on {connection.vendor} — 500 communes, 20,000 needs, {RUNS} needs of the largest communes")
        print(f"{'volunteers':>12} {'median ms':>10} {'max ms':>8} {'queries/call':>13}")
        for label, (median, worst, queries) in (("5,000", small), ("50,000", large)):
            print(f"{label:>12} {median * 1000:>10.1f} {worst * 1000:>8.1f} {'/'.join(map(str, sorted(queries))):>13}")
        print(f"ratio 50k/5k: {ratio:.2f} (goal ≤ {GOAL_RATIO}); data built and measured in {built:.0f} s")
        print(
            f"département evaluation (500 communes, 50,000 volunteers): {evaluation_seconds * 1000:.0f} ms, "
            f"{len(captured)} queries (goal ≤ {GOAL_EVALUATION_SECONDS:.0f} s)"
        )
        print(
            f"département dashboard panel (coordinator, 500 communes): {panel_seconds * 1000:.0f} ms, "
            f"{len(panel_queries)} queries (goal ≤ {GOAL_EVALUATION_SECONDS:.0f} s)"
        )
    assert large[0] <= GOAL_MEDIAN_SECONDS
    assert ratio <= GOAL_RATIO
    assert len(small[2] | large[2]) == 1, "the number of queries must not depend on the data"
    assert evaluation_seconds <= GOAL_EVALUATION_SECONDS
    assert panel_seconds <= GOAL_EVALUATION_SECONDS
