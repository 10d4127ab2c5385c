"""One function per criterion: a score from 0 to 1 and the words that explain it.

Each returns ``(score, phrase)``. The phrase is deferred: a function of no argument that
gives the translated words, called only for the suggestions that are returned (a need may
have a thousand candidates and show twenty); it is ``None`` when the criterion says nothing
worth reading (for example no language is needed). ``ranking.py`` mirrors each score as a
SQL expression, so that the database can pre-rank the candidates: change both together.
"""

import math

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wagtail_heurecivique.core.enums import ActionKind, Language
from wagtail_heurecivique.core.fields import AvailabilityField, action_kind_bit, bits_from_mask, language_bit

MAX_SLOTS_SHOWN = 3

# Called at use, so that the phrase is in the language active then.
LIKES_KIND = {
    ActionKind.INTERPERSONAL: lambda: _("likes interpersonal actions"),
    ActionKind.COLLECTIVE: lambda: _("likes collective actions"),
    ActionKind.ASSOCIATIVE: lambda: _("likes associative actions"),
    ActionKind.CONVIVIAL: lambda: _("likes friendly get-togethers"),
}


def skills(volunteer, need, context):
    own = context.volunteer_skills.get(volunteer.pk, {})
    shared = sorted(name for skill_id, name in own.items() if skill_id in context.need_skill_ids)
    in_category = sorted(name for skill_id, name in own.items() if context.skill_categories.get(skill_id) == need.category_id)
    prefers_kind = bool(volunteer.action_kinds & (1 << action_kind_bit(need.kind)))
    if context.need_skill_ids:
        if shared:
            return len(shared) / len(context.need_skill_ids), lambda: _skills_phrase(shared)
        if in_category:
            return 0.5, lambda: _skills_phrase(in_category)
    elif in_category:
        return 1.0, lambda: _skills_phrase(in_category)
    if prefers_kind:
        return 0.25, LIKES_KIND[need.kind]
    return 0.0, None


def _skills_phrase(names):
    return _("skills: %(skills)s") % {"skills": ", ".join(names)}


def availability(volunteer, need, context):
    if not need.wished_slots:
        return 1.0, None
    if not volunteer.availability:
        return 0.3, lambda: _("availability not recorded")
    overlap = bits_from_mask(volunteer.availability & need.wished_slots)
    wished = len(bits_from_mask(need.wished_slots))
    return len(overlap) / wished, lambda: _available_phrase(overlap, context.slot_labels)


def _available_phrase(overlap, labels):
    shown = [labels[bit] for bit in overlap[:MAX_SLOTS_SHOWN]]
    if len(overlap) > MAX_SLOTS_SHOWN:
        shown.append("…")
    return _("available %(slots)s") % {"slots": ", ".join(shown)}


def distance(volunteer, need, context):
    if None not in (volunteer.latitude, volunteer.longitude, need.latitude, need.longitude):
        km = haversine_km(volunteer.latitude, volunteer.longitude, need.latitude, need.longitude)
        radius = max(volunteer.radius_km, 1)
        return max(0.0, 1 - km / radius), lambda: format_distance(km)
    if need.neighbourhood and volunteer.neighbourhood and need.neighbourhood.lower() == volunteer.neighbourhood.lower():
        return 0.7, lambda: _("same neighbourhood")
    if need.postcode and volunteer.postcode == need.postcode:
        return 0.5, lambda: _("same postcode")
    return 0.3, lambda: _("distance unknown")


def fairness(volunteer, need, context):
    """The programme asks one hour a month: the least solicited come first."""
    solicitations, minutes = volunteer.solicitations, volunteer.minutes_this_month
    score = 0.5 / (1 + solicitations) + 0.5 / (1 + minutes / 60)
    return score, lambda: _fairness_phrase(solicitations, minutes)


def _fairness_phrase(solicitations, minutes):
    if solicitations == 0 and minutes == 0:
        return _("not yet solicited this month")
    parts = []
    if solicitations:
        parts.append(
            ngettext("solicited %(count)d time this month", "solicited %(count)d times this month", solicitations)
            % {"count": solicitations}
        )
    if minutes:
        parts.append(_("%(duration)s given this month") % {"duration": format_duration(minutes)})
    return ", ".join(parts)


def feedback(volunteer, need, context):
    if volunteer.average_rating is None:
        return 0.5, lambda: _("no feedback yet")
    rating = volunteer.average_rating
    return (rating - 1) / 4, lambda: _("feedback %(rating)s/5") % {"rating": number_format(round(rating, 1), 1)}


def language(volunteer, need, context):
    if not need.language:
        return 1.0, None
    if not volunteer.languages:
        return 0.5, lambda: _("languages not recorded")
    if volunteer.languages & (1 << language_bit(need.language)):
        return 1.0, lambda: _("speaks %(language)s") % {"language": Language(need.language).label.lower()}
    return 0.0, lambda: _("does not speak %(language)s") % {"language": Language(need.language).label.lower()}


CRITERIA = {
    "skills": skills,
    "availability": availability,
    "distance": distance,
    "fairness": fairness,
    "feedback": feedback,
    "language": language,
}


def haversine_km(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = map(math.radians, map(float, (lat1, lon1, lat2, lon2)))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def format_distance(km):
    metres = int(round(km * 1000, -2))
    if metres < 1000:
        return _("%(metres)s m") % {"metres": metres or 100}
    return _("%(km)s km") % {"km": number_format(round(km, 1), 1)}


def format_duration(minutes):
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return _("%(minutes)s min") % {"minutes": rest}
    if not rest:
        return _("%(hours)s h") % {"hours": hours}
    return _("%(hours)s h %(minutes)02d") % {"hours": hours, "minutes": rest}


def slot_labels():
    return dict(AvailabilityField().flag_choices)
