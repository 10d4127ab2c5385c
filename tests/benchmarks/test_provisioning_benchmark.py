"""Benchmark: a département of 500 communes provisioned from one CSV file, then again.

Goal (issue 14): the 500 communes — records, home pages with their five pages, sites for
one in ten, groups, collections, page permissions, a référent and an editor each — in
≤ 10 minutes; the second run changes nothing and costs a bounded number of queries per
commune. Run with `make benchmark`.
"""

import io
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail_heurecivique.models import Commune, CommuneHomePage

COMMUNES = 500
GOAL_SECONDS = 600


def departement_csv():
    lines = ["insee_code;name;postcodes;departement;hostname;referents;editors"]
    for number in range(COMMUNES):
        insee = f"27{number:03d}"
        hostname = f"heurecivique.commune{number}.test" if number % 10 == 0 else ""
        lines.append(
            f"{insee};Commune {number};27{number % 1000:03d};27;{hostname};"
            f"referent{number}@communes.test;editeur{number}@communes.test"
        )
    return "\n".join(lines) + "\n"


@pytest.mark.benchmark
@pytest.mark.django_db
def test_provisioning_a_departement(tmp_path, capsys):
    path = tmp_path / "departement.csv"
    path.write_text(departement_csv(), encoding="utf-8")
    start = time.perf_counter()
    call_command("heurecivique_provision", str(path), stdout=io.StringIO())
    first = time.perf_counter() - start
    assert Commune.objects.count() == COMMUNES and CommuneHomePage.objects.count() == COMMUNES

    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        out = io.StringIO()
        call_command("heurecivique_provision", str(path), stdout=out)
        second = time.perf_counter() - start
    assert f"inchangées : {COMMUNES}" in out.getvalue()
    with capsys.disabled():
        print(f"\nProvisioning benchmark on {connection.vendor} — {COMMUNES} communes")
        print(f"first run {first:.1f} s ({first / COMMUNES * 1000:.0f} ms a commune; goal ≤ {GOAL_SECONDS} s)")
        print(f"second run (nothing to change) {second:.1f} s, {len(captured) / COMMUNES:.1f} queries a commune")
    assert first <= GOAL_SECONDS
    assert len(captured) / COMMUNES <= 25
