"""Parts of the public pages rendered once per version of their commune, and cached.

A commune's home, its action index and its story index, and the description of an action, show
what changes only when the commune's pages or figures change: each such part is rendered once
and kept in Django's cache under a key holding the page, the commune's public version
(``core.public_cache``, bumped by ``reporting.receivers``), the language, the site, the day and
what else the part varies with (a page number). It is rendered again when the version moves,
when the day changes (the counters' rolling year), once the moment it gives (``until``: the
start of the first upcoming action listed) has passed, or after ``PUBLIC_FIGURES_CACHE_SECONDS``.
What differs per visitor (a form and its CSRF token, the host's frame) is never in a part; a
preview renders the parts from the draft, uncached.
"""

from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from wagtail.models import Site

from wagtail_heurecivique.core.public_cache import versions
from wagtail_heurecivique.core.settings import get_setting

PARTS_KEY = "heurecivique:public:parts:{pk}:{version}:{language}:{site}:{day}:{vary}"


def routed_commune_id(page):
    """The commune of the home above ``page``, as Wagtail's routing reached it, without a query.

    Routing keeps each page it went through on the next one (``_cached_parent_obj``, copied to
    the specific page); None when ``page`` was not reached through its commune's home.
    """
    ancestor = page
    while ancestor is not None:
        if type(ancestor)._meta.label == "wagtail_heurecivique.CommuneHomePage":
            return ancestor.commune_id
        ancestor = ancestor.__dict__.get("_cached_parent_obj")
    return None


def cached_parts(page, request, commune_id, render, vary=""):
    """``{name: safe HTML}``: what ``render()`` gives — ``{"html": {name: HTML}, "until": datetime or None}`` —
    from the cache when it holds it for this version of the commune."""
    if getattr(request, "is_preview", False) or commune_id is None:
        return render()["html"]
    now = timezone.now()
    site = Site.find_for_request(request)  # cached on the request by Wagtail's routing
    key = PARTS_KEY.format(
        pk=page.pk, version=versions([commune_id])[commune_id], language=translation.get_language(),
        site=site.pk if site else 0, day=timezone.localdate(now).isoformat(), vary=vary,
    )
    parts = cache.get(key)
    if parts is None or (parts["until"] is not None and parts["until"] <= now):
        parts = render()
        # Rendered by the plugin's templates (escaped there): safe once read back from the cache.
        parts = {"html": {name: mark_safe(html) for name, html in parts["html"].items()}, "until": parts["until"]}
        cache.set(key, parts, get_setting("PUBLIC_FIGURES_CACHE_SECONDS"))
    return parts["html"]
