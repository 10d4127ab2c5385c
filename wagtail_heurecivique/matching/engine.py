"""Suggest volunteers for a need: hard filters in SQL, then a weighted, explained score.

Ranking is deterministic: by total score (rounded to 4 decimals), then fewest
solicitations this month, fewest minutes given this month, then oldest volunteer id.

The database pre-ranks: it computes the same weighted score (``ranking.py``), orders by the
same key and sends the first ``PRE_RANK_FACTOR × limit`` candidates; Python scores those again
with the criteria of ``criteria.py`` (the reference) and keeps ``limit``. The words of the
explanation are built only for the suggestions returned, when they are read.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from types import SimpleNamespace

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_heurecivique.core.models.catalogue import Skill
from wagtail_heurecivique.core.models.communes import Commune
from wagtail_heurecivique.core.models.needs import Proposal
from wagtail_heurecivique.core.models.people import Volunteer
from wagtail_heurecivique.core.settings import DEFAULTS, get_setting
from wagtail_heurecivique.matching.candidates import candidate_queryset
from wagtail_heurecivique.matching.criteria import CRITERIA, slot_labels
from wagtail_heurecivique.matching.ranking import pre_ranked

#: How many candidates the database sends to Python per suggestion asked: a margin for where
#: its floating-point score rounds differently (``ranking.py``). 3 × 20 = 60 rows at most.
PRE_RANK_FACTOR = 3


@dataclass
class Suggestion:
    volunteer: Volunteer
    score: float  # 0 to 100
    scores: dict = field(default_factory=dict)  # name -> (score 0..1, deferred phrase or None)

    @cached_property
    def criteria(self):
        """name -> (score 0..1, phrase or None), the phrases translated now."""
        return {name: (score, phrase() if phrase else None) for name, (score, phrase) in self.scores.items()}

    @property
    def explanation(self):
        """The phrases, in criterion order, as a référent reads them."""
        return [phrase for _score, phrase in self.criteria.values() if phrase]

    def explanation_text(self):
        return " ; ".join(self.explanation)


def weights_for(commune):
    """Defaults, then the project's settings, then the commune's own weights."""
    weights = dict(DEFAULTS["MATCHING_WEIGHTS"])
    weights.update(get_setting("MATCHING_WEIGHTS"))
    weights.update(commune.matching_weights or {})
    return weights


def candidate_query(need, *, limit=20, today=None, pre_rank=True):
    """The one query that finds and pre-ranks the candidates (what ``suggest`` sends).

    A queryset, or with the pre-rank a raw queryset over it (``ranking.pre_ranked``).
    """
    today = today or timezone.localdate()
    commune = need.commune
    weights = weights_for(commune)
    need_skill_ids = set(need.skills.values_list("pk", flat=True))
    commune_ids = [commune.pk, *Commune.neighbour_communes.through.objects.filter(
        from_commune_id=commune.pk
    ).values_list("to_commune_id", flat=True)]
    # A list, not a subquery: the database would ask it again for each candidate.
    category_skill_ids = list(Skill.objects.filter(category_id=need.category_id).values_list("pk", flat=True))
    queryset = candidate_queryset(
        need, today=today, skill_ids=need_skill_ids, category_skill_ids=category_skill_ids, commune_ids=commune_ids
    ).only(
        "pk", "latitude", "longitude", "postcode", "neighbourhood", "radius_km",
        "availability", "action_kinds", "languages", "first_name", "last_name", "commune_id",
    )
    if pre_rank and limit is not None:
        columns = {"in_category": F("_in_category")}
        if need_skill_ids:
            columns["shared_skills"] = F("_shared")
        queryset = pre_ranked(queryset.annotate(**columns), need, need_skill_ids, weights, PRE_RANK_FACTOR * limit)
    return queryset, need_skill_ids, weights


def suggest(need, *, limit=20, today=None, pre_rank=True):
    """The best ``limit`` volunteers for ``need`` (all with ``limit=None``), with the reasons of their rank.

    ``pre_rank=False`` scores every candidate in Python, as the reference the pre-rank is
    tested against.
    """
    queryset, need_skill_ids, weights = candidate_query(need, limit=limit, today=today, pre_rank=pre_rank)
    candidates = list(queryset)
    context = _context(need_skill_ids, candidates)
    total_weight = sum(weights.values()) or 1
    suggestions = []
    for volunteer in candidates:
        scored = {name: criterion(volunteer, need, context) for name, criterion in CRITERIA.items()}
        total = 100 * sum(weights[name] * score for name, (score, _phrase) in scored.items()) / total_weight
        suggestions.append(Suggestion(volunteer=volunteer, score=round(total, 4), scores=scored))
    suggestions.sort(
        key=lambda s: (-s.score, s.volunteer.solicitations, s.volunteer.minutes_this_month, s.volunteer.pk)
    )
    return suggestions[:limit]


def _context(need_skill_ids, candidates):
    """What every criterion reads, fetched once for all candidates (one query)."""
    volunteer_skills = {}
    rows = Volunteer.skills.through.objects.filter(volunteer_id__in=[v.pk for v in candidates]).values_list(
        "volunteer_id", "skill_id", "skill__name", "skill__category_id"
    )
    skill_categories = {}
    for volunteer_id, skill_id, name, category_id in rows:
        volunteer_skills.setdefault(volunteer_id, {})[skill_id] = name
        skill_categories[skill_id] = category_id
    return SimpleNamespace(
        need_skill_ids=need_skill_ids,
        volunteer_skills=volunteer_skills,
        skill_categories=skill_categories,
        slot_labels=slot_labels(),
    )


@transaction.atomic
def propose(need, suggestion, *, user, reason=None):
    """Make the proposal, freezing the score and its explanation as they were shown."""
    proposal = Proposal(
        need=need,
        volunteer=suggestion.volunteer,
        score=Decimal(str(round(suggestion.score, 2))),
        score_explanation=suggestion.explanation,
        proposed_by=user,
    )
    proposal.full_clean()
    proposal._change_reason = reason or _("Proposed from the ranked suggestions")
    proposal.save()
    return proposal
