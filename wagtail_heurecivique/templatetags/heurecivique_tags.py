from django import template

from wagtail_heurecivique.reporting.indicators import default_period
from wagtail_heurecivique.reporting.public import displayed, public_counters

register = template.Library()


@register.inclusion_tag("wagtail_heurecivique/includes/counters.html")
def heurecivique_counters(commune, figures=None):
    """Public counters of a commune (last twelve months), small counts shown as "< 5".

    Read from the cache (``reporting.public``). A page showing many communes passes
    ``figures``, what ``public_counters(communes, *default_period())`` gave for all of them
    at once: ``{% heurecivique_counters commune figures %}`` then reads its commune's there.
    """
    start, end = default_period()
    if figures is None or commune.pk not in figures:
        figures = public_counters([commune], start, end)
    return {"commune": commune, "counters": displayed(figures[commune.pk]), "start": start, "end": end}
