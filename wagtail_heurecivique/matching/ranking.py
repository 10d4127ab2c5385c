"""The criteria's scores in SQL: the database pre-ranks the candidates.

Each function mirrors the criterion of the same name in ``criteria.py`` (same cases, same
values), as SQL over the columns of the candidate query (``candidates.candidate_queryset``,
its annotations included) wrapped as a derived table ``c``. The wrapping is what makes it
cheap: each per-candidate subquery is asked once per row, where an expression of the ORM that
named an annotation three times would copy its subquery three times. ``pre_ranked`` orders
``c`` by the weighted score (rounded as ``engine.suggest`` rounds it, with its tie-breakers)
and keeps the first rows; Python scores them again (the reference) and explains them.

Where SQL and Python may still disagree, the pre-rank window (``engine.PRE_RANK_FACTOR``) absorbs
it: floating-point rounding in the last decimal (PostgreSQL rounds a numeric half away from
zero, Python a float half to even: 53.90625 is 53.9063 there, 53.9062 here), and ``LOWER`` on SQLite, which folds ASCII
letters only (« Écoles » and « écoles » are one neighbourhood to Python, two to SQLite).
"""

import math

from django.db import connection

from wagtail_heurecivique.core.fields import action_kind_bit, bits_from_mask, language_bit

EARTH_RADIUS_KM = 6371.0


def _real(sql):
    kind = "double precision" if connection.vendor == "postgresql" else "REAL"
    return f"CAST({sql} AS {kind})"


def _number(value):
    # repr() of a float is exact and valid SQL; it is never user input.
    return repr(float(value))


def skills(need, need_skill_ids):
    category = _number(0.5 if need_skill_ids else 1.0)
    kind = 1 << action_kind_bit(need.kind)
    otherwise = f"(CASE WHEN c.in_category > 0 THEN {category} WHEN (c.action_kinds & {kind}) > 0 THEN 0.25 ELSE 0.0 END)"
    if not need_skill_ids:
        return otherwise, []
    shared = f"({_real('NULLIF(c.shared_skills, 0)')} / {_number(len(need_skill_ids))})"
    return f"COALESCE({shared}, {otherwise})", []


def availability(need):
    wished = bits_from_mask(need.wished_slots)
    if not wished:
        return "1.0", []
    overlap = " + ".join(f"((c.availability >> {int(bit)}) & 1)" for bit in wished)
    return f"(CASE WHEN c.availability = 0 THEN 0.3 ELSE {_real(f'({overlap})')} / {_number(len(wished))} END)", []


def distance(need):
    cases, params = [], []
    if need.latitude is not None and need.longitude is not None:
        latitude, longitude = math.radians(float(need.latitude)), math.radians(float(need.longitude))
        lat, lon = f"RADIANS({_real('c.latitude')})", f"RADIANS({_real('c.longitude')})"
        half_dlat = f"SIN(({lat} - {_number(latitude)}) / 2.0)"
        half_dlon = f"SIN(({lon} - {_number(longitude)}) / 2.0)"
        a = f"({half_dlat} * {half_dlat} + {_number(math.cos(latitude))} * COS({lat}) * {half_dlon} * {half_dlon})"
        km = f"({_number(2 * EARTH_RADIUS_KM)} * ASIN(SQRT({a})))"
        radius = _real("(CASE WHEN c.radius_km > 1 THEN c.radius_km ELSE 1 END)")
        near = f"(1.0 - {km} / {radius})"
        cases.append(
            f"WHEN c.latitude IS NOT NULL AND c.longitude IS NOT NULL THEN (CASE WHEN {near} > 0.0 THEN {near} ELSE 0.0 END)"
        )
    if need.neighbourhood:
        cases.append("WHEN LOWER(c.neighbourhood) = %s THEN 0.7")
        params.append(need.neighbourhood.lower())
    if need.postcode:
        cases.append("WHEN c.postcode = %s THEN 0.5")
        params.append(need.postcode)
    if not cases:
        return "0.3", params
    return f"(CASE {' '.join(cases)} ELSE 0.3 END)", params


def fairness(need):
    return (
        f"(0.5 / (1.0 + {_real('c.solicitations')}) + 0.5 / (1.0 + {_real('c.minutes_this_month')} / 60.0))",
        [],
    )


def feedback(need):
    return f"COALESCE(({_real('c.average_rating')} - 1.0) / 4.0, 0.5)", []


def language(need):
    if not need.language:
        return "1.0", []
    bit = 1 << language_bit(need.language)
    return f"(CASE WHEN c.languages = 0 THEN 0.5 WHEN (c.languages & {bit}) > 0 THEN 1.0 ELSE 0.0 END)", []


def score_sql(need, need_skill_ids, weights):
    """The total score, 0 to 100, rounded to 4 decimals as ``engine.suggest`` rounds it."""
    parts = {
        "skills": skills(need, need_skill_ids),
        "availability": availability(need),
        "distance": distance(need),
        "fairness": fairness(need),
        "feedback": feedback(need),
        "language": language(need),
    }
    total_weight = sum(weights.values()) or 1
    terms, params = [], []
    for name, (sql, part_params) in parts.items():
        if weights.get(name):
            terms.append(f"{_number(weights[name])} * {sql}")
            params += part_params
    total = f"(100.0 * ({' + '.join(terms) or '0.0'}) / {_number(total_weight)})"
    if connection.vendor == "postgresql":
        # ROUND(double precision, int) does not exist on PostgreSQL: round the numeric value.
        return f"ROUND(CAST({total} AS numeric), 4)", params
    return f"ROUND({total}, 4)", params


def pre_ranked(queryset, need, need_skill_ids, weights, limit):
    """The first ``limit`` rows of ``queryset`` by score, as volunteers with a ``pre_rank_score``."""
    sql, params = queryset.query.sql_with_params()
    score, score_params = score_sql(need, need_skill_ids, weights)
    # OFFSET 0 keeps the database from merging ``c`` into the outer query (which would copy
    # each subquery into every expression naming its column); SQLite wants a LIMIT before it.
    fence = "OFFSET 0" if connection.vendor == "postgresql" else "LIMIT -1 OFFSET 0"
    outer = (
        f"SELECT c.*, {score} AS pre_rank_score FROM ({sql} {fence}) c "
        "ORDER BY pre_rank_score DESC, c.solicitations, c.minutes_this_month, c.id LIMIT %s"
    )
    return queryset.model.objects.raw(outer, (*score_params, *params, limit))
