"""Hard filters, all in SQL: who may be proposed a need at all."""

import datetime
import math

from django.db.models import Avg, Count, Exists, F, FloatField, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Abs, Cast, Coalesce
from django.utils import timezone

from wagtail_heurecivique.core.fields import action_kind_bit
from wagtail_heurecivique.core.models.needs import HoursRecord, Proposal
from wagtail_heurecivique.core.models.people import Volunteer

KM_PER_DEGREE = 111.32


def month_start(today):
    return today.replace(day=1)


def _per_volunteer(rows, aggregate, output_field, default=None):
    """A correlated subquery: ``aggregate`` over the volunteer's ``rows``."""
    value = Subquery(
        rows.filter(volunteer=OuterRef("pk")).order_by().values("volunteer").annotate(value=aggregate).values("value")[:1],
        output_field=output_field,
    )
    return value if default is None else Coalesce(value, default)


def candidate_queryset(need, *, today, skill_ids, category_skill_ids, commune_ids):
    """Volunteers who pass every hard filter, annotated with what scoring needs.

    - commune: the need's commune or a neighbouring commune it accepts volunteers from;
    - active, and not paused (``paused_until`` in the past counts as not paused);
    - under their commune's monthly solicitation cap;
    - skills: one of the need's skills, a skill of its category (``category_skill_ids``, a
      list of ids), or
      the need's kind preferred;
    - availability overlapping the need's wished slots (or not recorded: ranked, not dropped);
    - within their action radius (bounding box on coordinates; postcode equality when
      the volunteer has no coordinates);
    - never proposed this need before (whatever the answer).

    Every subquery is correlated to one candidate and answered by an index of migration 0019
    (the skills' unique pair, proposals and hours by volunteer and date): the database reads the
    rows of the need's communes' volunteers only, never a département's worth of skills. No
    default ordering: the caller orders (``Volunteer.Meta.ordering`` would sort for nothing).
    """
    start = month_start(today)
    # Proposals are counted from midnight, local time, on the 1st of the month.
    since = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    through = Volunteer.skills.through
    kind_bit = 1 << action_kind_bit(need.kind)
    aliases = {
        "_kind": F("action_kinds").bitand(kind_bit),
        # A count, not EXISTS: PostgreSQL answers an EXISTS in an OR with one hashed set of every
        # volunteer-skill row of the category (a département's worth); a count is one probe of
        # the (volunteer, skill) unique index per candidate of the need's communes.
        "_in_category": _per_volunteer(
            through.objects.filter(skill_id__in=category_skill_ids), Count("pk"), IntegerField(), default=0
        ),
    }
    skill_filter = Q(_in_category__gt=0) | Q(_kind__gt=0)
    if skill_ids:
        aliases["_shared"] = _per_volunteer(
            through.objects.filter(skill_id__in=skill_ids), Count("pk"), IntegerField(), default=0
        )
        skill_filter |= Q(_shared__gt=0)

    queryset = (
        Volunteer.objects.filter(commune_id__in=commune_ids)
        .active()
        .filter(Q(paused_until__isnull=True) | Q(paused_until__lt=today))
        .exclude(Exists(Proposal.objects.filter(need_id=need.pk, volunteer_id=OuterRef("pk"))))
        .alias(**aliases)
        .filter(skill_filter)
        .annotate(
            solicitations=_per_volunteer(
                Proposal.objects.filter(proposed_at__gte=since), Count("pk"), IntegerField(), default=0
            ),
            minutes_this_month=_per_volunteer(
                HoursRecord.objects.filter(date__gte=start), Sum("minutes"), IntegerField(), default=0
            ),
            # A float in SQL (AVG of integers is numeric on PostgreSQL): the pre-rank reads it raw.
            average_rating=_per_volunteer(
                Proposal.objects.filter(rating__isnull=False), Cast(Avg("rating"), FloatField()), FloatField()
            ),
        )
        .filter(solicitations__lt=F("commune__monthly_solicitation_cap"))
        .order_by()
    )
    if need.wished_slots:
        queryset = queryset.available_during(need.wished_slots, or_unrecorded=True)
    if need.latitude is not None and need.longitude is not None:
        queryset = _within_radius(queryset, need)
    return queryset


def _within_radius(queryset, need):
    latitude, longitude = float(need.latitude), float(need.longitude)
    km_per_degree_longitude = KM_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01)
    radius = Cast("radius_km", FloatField())
    in_box = Q(_dlat__lte=radius / Value(KM_PER_DEGREE)) & Q(_dlon__lte=radius / Value(km_per_degree_longitude))
    without_coordinates = Q(latitude__isnull=True) | Q(longitude__isnull=True)
    if need.postcode:
        without_coordinates &= Q(postcode=need.postcode)
    return queryset.alias(
        _dlat=Abs(Cast("latitude", FloatField()) - Value(latitude)),
        _dlon=Abs(Cast("longitude", FloatField()) - Value(longitude)),
    ).filter(in_box | without_coordinates)
