"""Benchmark: availability and preference filters over a département's volunteers.

Off by default; run with `make benchmark`. The goal: the hard filters that matching
applies (commune, status, availability overlap, preferred kinds) answer in under
100 ms at 50,000 volunteers, on SQLite and on PostgreSQL.
"""

import random
import time

import pytest
from django.db import connection

from wagtail_heurecivique.core.enums import ActionKind, DayPeriod, VolunteerStatus, Weekday
from wagtail_heurecivique.core.fields import action_kind_bit, mask_from_bits, slot_bit
from wagtail_heurecivique.models import Commune, Volunteer

VOLUNTEERS = 50_000
COMMUNES = 100
GOAL_SECONDS = 0.100


@pytest.fixture
def departement(db):
    rnd = random.Random(1)
    communes = Commune.objects.bulk_create(
        Commune(name=f"Commune {n}", insee_code=f"92{n:03d}", postcodes="92270", departement="92")
        for n in range(COMMUNES)
    )
    slots = [slot_bit(d, p) for d in Weekday for p in DayPeriod]
    # Benchmark fixtures only: plain bulk_create, no history rows to write.
    Volunteer.objects.bulk_create(
        (
            Volunteer(
                commune=communes[n % COMMUNES],
                first_name="V",
                last_name=str(n),
                email=f"v{n}@example.org",
                postcode="92270",
                availability=mask_from_bits(rnd.sample(slots, rnd.randint(1, 8))),
                action_kinds=mask_from_bits(rnd.sample(range(len(ActionKind)), rnd.randint(1, 3))),
                status=rnd.choice(list(VolunteerStatus)),
            )
            for n in range(VOLUNTEERS)
        ),
        batch_size=2000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return communes


@pytest.mark.benchmark
def test_hard_filters_at_departement_scale(departement, capsys):
    wanted = mask_from_bits([slot_bit(Weekday.SATURDAY, DayPeriod.MORNING), slot_bit(Weekday.WEDNESDAY, DayPeriod.AFTERNOON)])
    kinds = mask_from_bits([action_kind_bit(ActionKind.INTERPERSONAL)])
    timings = []
    for commune in departement[:20]:
        start = time.perf_counter()
        found = list(
            Volunteer.objects.filter(commune=commune)
            .active()
            .available_during(wanted)
            .preferring(kinds)
            .values_list("pk", flat=True)
        )
        timings.append(time.perf_counter() - start)
        assert all(isinstance(pk, int) for pk in found)
    timings.sort()
    median, worst = timings[len(timings) // 2], timings[-1]
    with capsys.disabled():
        print(
            f"\nVolunteer filters on {connection.vendor}, {VOLUNTEERS} volunteers: "
            f"median {median * 1000:.1f} ms, worst {worst * 1000:.1f} ms (goal: median < {GOAL_SECONDS * 1000:.0f} ms)"
        )
    assert median < GOAL_SECONDS
