"""Open data: a commune's aggregated indicators, as JSON (mounted by ``wagtail_heurecivique.urls``)."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from wagtail_heurecivique.core.models.communes import Commune
from wagtail_heurecivique.reporting.indicators import SMALL_COUNT, default_period, public_figures


@require_GET
def commune_indicators(request, insee_code):
    """Open data: the commune's aggregated indicators over the last twelve months, as JSON."""
    commune = get_object_or_404(Commune, insee_code=insee_code.upper(), is_active=True)
    start, end = default_period()
    response = JsonResponse(
        {
            "commune": {"name": commune.name, "insee_code": commune.insee_code, "departement": commune.departement},
            "period": {"start": start.isoformat(), "end": end.isoformat()},
            "small_count_threshold": SMALL_COUNT,
            "indicators": public_figures(commune, start, end),
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=3600)
    return response
