"""One table for every benchmark of a run (issue 21).

Each benchmark calls :func:`record` with what it measured and the peer it is compared with;
``tests/benchmarks/conftest.py`` prints the table at the end of the run, whatever passed or
failed, so that ``make benchmark`` gives one table per database.
"""

from __future__ import annotations

import dataclasses
import statistics
import time
from collections.abc import Callable, Sequence

from django.db import connection


@dataclasses.dataclass(frozen=True)
class Row:
    measure: str
    peer: str
    ratio: float | None
    goal: float | None
    queries: int | None
    p50_ms: float
    p95_ms: float
    max_ms: float
    cpu_ms: float | None
    vendor: str


    @property
    def met(self) -> bool:
        """The goal reached (a row without a goal has nothing to meet)."""
        return self.goal is None or (self.ratio is not None and self.ratio <= self.goal)


ROWS: list[Row] = []


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of ``values`` (``fraction`` in 0–1)."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def timings(call: Callable[[], object], runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of ``runs`` calls of ``call``."""
    walls, cpus = [], []
    for _run in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        call()
        cpus.append(time.process_time() - began_cpu)
        walls.append(time.perf_counter() - began)
    return walls, cpus


def record(
    measure: str,
    seconds: Sequence[float],
    *,
    peer: str = "",
    ratio: float | None = None,
    goal: float | None = None,
    queries: int | None = None,
    cpu_seconds: Sequence[float] | None = None,
) -> Row:
    """Add one line to the run's table; ``seconds`` are the wall times of the samples."""
    row = Row(
        measure=measure,
        peer=peer,
        ratio=ratio,
        goal=goal,
        queries=queries,
        p50_ms=statistics.median(seconds) * 1000,
        p95_ms=percentile(seconds, 0.95) * 1000,
        max_ms=max(seconds) * 1000,
        cpu_ms=statistics.median(cpu_seconds) * 1000 if cpu_seconds else None,
        vendor=connection.vendor,
    )
    ROWS.append(row)
    return row


def table(rows: Sequence[Row]) -> list[str]:
    header = (
        f"{'database':10} {'measure':44} {'peer':30} {'ratio':>6} {'goal':>6} {'met':>4} {'queries':>7} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'CPU ms':>7}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        ratio = f"{row.ratio:.2f}" if row.ratio is not None else ""
        goal = f"≤{row.goal:g}" if row.goal is not None else ""
        met = ("yes" if row.met else "no") if row.goal is not None and row.ratio is not None else ""
        queries = str(row.queries) if row.queries is not None else ""
        cpu = f"{row.cpu_ms:.1f}" if row.cpu_ms is not None else ""
        lines.append(
            f"{row.vendor:10} {row.measure[:44]:44} {row.peer[:30]:30} {ratio:>6} {goal:>6} {met:>4} {queries:>7} "
            f"{row.p50_ms:8.1f} {row.p95_ms:8.1f} {row.max_ms:8.1f} {cpu:>7}"
        )
    return lines
