"""The criteria's scores as SQL expressions: the database pre-ranks the candidates.

Each function mirrors the criterion of the same name in ``criteria.py`` (same cases, same
values), over the annotations of ``candidates.candidate_queryset``. ``score_expression`` weighs
them as ``engine.suggest`` does, so that the database can order the candidates and send only
the first few to Python, which scores them again (the reference) and explains them.

Where SQL and Python may still disagree, the pre-rank window (``engine.PRE_RANK_FACTOR``) absorbs
it: floating-point rounding in the last decimal, and ``LOWER`` on SQLite, which folds ASCII
letters only (« Écoles » and « écoles » are one neighbourhood to Python, two to SQLite).
"""

import math

from django.db.models import Case, DecimalField, ExpressionWrapper, F, FloatField, Q, Value, When
from django.db.models.functions import ASin, Cast, Coalesce, Cos, Greatest, Lower, NullIf, Radians, Round, Sin, Sqrt

from wagtail_heurecivique.core.fields import bits_from_mask, language_bit

EARTH_RADIUS_KM = 6371.0


def _float(value):
    return Value(float(value), output_field=FloatField())


def _real(expression):
    return Cast(expression, FloatField())


def skills(need, need_skill_ids):
    category = _float(0.5 if need_skill_ids else 1.0)
    otherwise = Case(
        When(_in_category=True, then=category), When(_kind__gt=0, then=_float(0.25)),
        default=_float(0.0), output_field=FloatField(),
    )
    if not need_skill_ids:
        return otherwise
    # NULLIF asks the shared skills' subquery once, where CASE WHEN would ask it twice.
    shared = _real(NullIf(F("_shared"), Value(0))) / _float(len(need_skill_ids))
    return Coalesce(shared, otherwise, output_field=FloatField())


def availability(need):
    wished = bits_from_mask(need.wished_slots)
    if not wished:
        return _float(1.0)
    overlap = sum((F("availability").bitrightshift(bit).bitand(1) for bit in wished[1:]),
                  F("availability").bitrightshift(wished[0]).bitand(1))
    return Case(
        When(availability=0, then=_float(0.3)),
        default=_real(overlap) / _float(len(wished)),
        output_field=FloatField(),
    )


def distance(need):
    fallback = []
    if need.neighbourhood:
        fallback.append(When(Q(_neighbourhood=need.neighbourhood.lower()), then=_float(0.7)))
    if need.postcode:
        fallback.append(When(postcode=need.postcode, then=_float(0.5)))
    if need.latitude is None or need.longitude is None:
        return Case(*fallback, default=_float(0.3), output_field=FloatField())
    latitude, longitude = math.radians(float(need.latitude)), math.radians(float(need.longitude))
    volunteer_latitude, volunteer_longitude = Radians(_real("latitude")), Radians(_real("longitude"))
    half_dlat = Sin((volunteer_latitude - _float(latitude)) / _float(2))
    half_dlon = Sin((volunteer_longitude - _float(longitude)) / _float(2))
    a = half_dlat * half_dlat + _float(math.cos(latitude)) * Cos(volunteer_latitude) * half_dlon * half_dlon
    km = _float(2 * EARTH_RADIUS_KM) * ASin(Sqrt(a))
    near = Greatest(_float(0.0), _float(1.0) - km / _real(Greatest(F("radius_km"), Value(1))))
    located = Q(latitude__isnull=False, longitude__isnull=False)
    return Case(When(located, then=near), *fallback, default=_float(0.3), output_field=FloatField())


def fairness(need):
    return ExpressionWrapper(
        _float(0.5) / (_float(1.0) + _real(F("solicitations")))
        + _float(0.5) / (_float(1.0) + _real(F("minutes_this_month")) / _float(60)),
        output_field=FloatField(),
    )


def feedback(need):
    return Coalesce((_real(F("average_rating")) - _float(1.0)) / _float(4.0), _float(0.5), output_field=FloatField())


def language(need):
    if not need.language:
        return _float(1.0)
    return Case(
        When(languages=0, then=_float(0.5)),
        When(Q(_language__gt=0), then=_float(1.0)),
        default=_float(0.0),
        output_field=FloatField(),
    )


def annotate_for_ranking(queryset, need):
    """The aliases the expressions read that ``candidate_queryset`` does not define."""
    aliases = {}
    if need.neighbourhood:
        aliases["_neighbourhood"] = Lower("neighbourhood")
    if need.language:
        aliases["_language"] = F("languages").bitand(1 << language_bit(need.language))
    return queryset.alias(**aliases) if aliases else queryset


def score_expression(need, need_skill_ids, weights):
    """The total score, 0 to 100, rounded to 4 decimals as ``engine.suggest`` rounds it."""
    expressions = {
        "skills": skills(need, need_skill_ids),
        "availability": availability(need),
        "distance": distance(need),
        "fairness": fairness(need),
        "feedback": feedback(need),
        "language": language(need),
    }
    total_weight = sum(weights.values()) or 1
    weighted = [_float(weights[name]) * expression for name, expression in expressions.items() if weights.get(name)]
    if not weighted:
        return _float(0.0)
    total = sum(weighted[1:], weighted[0])
    # ROUND(double precision, int) does not exist on PostgreSQL: round the numeric value.
    exact = Cast(_float(100) * total / _float(total_weight), DecimalField(max_digits=30, decimal_places=12))
    return Round(exact, 4)

