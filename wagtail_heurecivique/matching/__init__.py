"""Ranked, explained volunteer suggestions for a need.

The domain core: it imports no admin or workflow code, so that the back office, the
need workflow's *match* step and reports can all call ``suggest(need)``.
"""

from wagtail_heurecivique.matching.engine import Suggestion, propose, suggest, weights_for

__all__ = ["Suggestion", "propose", "suggest", "weights_for"]
