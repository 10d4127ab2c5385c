"""Medians computed by the database, so that the indicators never load rows into Python.

On PostgreSQL, :class:`Median` is ``percentile_cont(0.5) WITHIN GROUP (ORDER BY …)``, an
aggregate like any other: it can sit beside ``Count`` and ``Sum`` in one ``aggregate()``,
and over a grouped queryset (a sum per volunteer) Django wraps the groups in a subquery.
SQLite has no ordered-set aggregate, so :func:`median` ranks the values in SQL instead: a
window ``ROW_NUMBER()`` over the values sorted, ``COUNT(*)`` over all of them, and the
average of the one or two middle ranks, the same definition as ``percentile_cont(0.5)``
and ``statistics.median``. The values stay in SQLite, which sorts them in its own
(bounded, spilling to disk) sorter; Python receives one number.
"""

import datetime

from django.db import NotSupportedError, connections
from django.db.models import Aggregate, Count, DurationField, FloatField


class Median(Aggregate):
    """The median of an expression, PostgreSQL only (``percentile_cont(0.5)``); NULLs are ignored."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False

    def _resolve_output_field(self):
        # An interval's median is an interval (PostgreSQL orders and interpolates them).
        source = self.get_source_expressions()[0].output_field
        return DurationField() if isinstance(source, DurationField) else FloatField()

    def as_sql(self, compiler, connection, **extra_context):
        if connection.vendor != "postgresql":
            raise NotSupportedError("Median is an ordered-set aggregate of PostgreSQL; use median().")
        return super().as_sql(compiler, connection, **extra_context)


# The values come from a one-column query named by a CTE's column list: SQLite names a
# subquery's unaliased column unpredictably, and a double-quoted name it cannot resolve
# would silently become a string.
RANKED_MEDIAN_SQL = (
    "WITH s(v) AS ({values}) "
    "SELECT AVG(v), MAX(c) FROM ("
    "SELECT v, ROW_NUMBER() OVER (ORDER BY v) AS r, COUNT(*) OVER () AS c FROM s WHERE v IS NOT NULL"
    ") AS u WHERE r IN ((c + 1) / 2, (c + 2) / 2)"
)


def median(queryset, field):
    """The median of the annotation ``field`` of ``queryset`` over its rows (None if there is none),
    and the number of rows it was taken over (those where ``field`` is not NULL).

    ``queryset`` may be grouped (``values(…).annotate(…)``): the median is then over the
    groups. One query on either database. A ``DurationField`` gives a ``timedelta``.
    """
    connection = connections[queryset.db]
    if connection.vendor == "postgresql":
        got = queryset.aggregate(median=Median(field), count=Count(field))
        return got["median"], got["count"]
    is_duration = isinstance(queryset.query.annotations[field].output_field, DurationField)
    values = queryset.order_by().values_list(field)
    sql, params = values.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(RANKED_MEDIAN_SQL.format(values=sql), params)
        value, count = cursor.fetchone()
    if value is None:
        return None, 0
    # SQLite stores a duration as an integer of microseconds.
    return (datetime.timedelta(microseconds=value) if is_duration else value), count


def groups_of_at_least(queryset, field, n):
    """How many values of ``field`` come back on at least ``n`` rows of ``queryset``, in one query.

    ``queryset`` may already be grouped (a volunteer's months, say): the database groups its
    rows again by ``field`` and counts them, which the ORM cannot express over a grouped query.
    """
    connection = connections[queryset.db]
    sql, params = queryset.order_by().values_list(field).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH s(v) AS ({sql}) SELECT COUNT(*) FROM (SELECT v FROM s GROUP BY v HAVING COUNT(*) >= %s) AS t",
            (*params, n),
        )
        return cursor.fetchone()[0]
