from django import template

from wagtail_heurecivique.reporting.indicators import default_period, public_figures

register = template.Library()

COUNTER_KEYS = (
    "volunteers_active", "hours_total", "needs_status_done", "beneficiaries_helped", "actions_held", "action_participants",
)


@register.inclusion_tag("wagtail_heurecivique/includes/counters.html")
def heurecivique_counters(commune):
    """Public counters of a commune (last twelve months), small counts shown as "< 5"."""
    start, end = default_period()
    figures = public_figures(commune, start, end)
    return {"commune": commune, "counters": [figures[key] for key in COUNTER_KEYS], "start": start, "end": end}
