"""The language the programme speaks to the public, whatever the host site's default.

A commune's Wagtail site may be in English with French as a second locale, or French
only: the programme's pages and e-mails are in the language of their page's locale when
the plugin speaks it, otherwise in ``WAGTAIL_HEURECIVIQUE["LANGUAGE"]`` (French). The
Wagtail admin is left to Wagtail: each user's preference, or the site's default.
"""

import functools
from pathlib import Path

from django.conf import settings
from django.utils import translation

from wagtail_heurecivique.core.settings import get_setting

#: The languages the plugin has catalogues for (its own source strings are English, but
#: the programme's public vocabulary — "Heure Civique", "volontaire" — is French).
SPOKEN = frozenset(
    path.name for path in (Path(__file__).resolve().parent.parent / "locale").iterdir() if (path / "LC_MESSAGES").is_dir()
)


def _base(code):
    return (code or "").lower().replace("_", "-").split("-")[0]


def public_language(page=None):
    """The language of the programme's public pages and e-mails (for ``page``, if given)."""
    # Without Wagtail's i18n every page is in the default locale: no query for it.
    if page is not None and getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        locale = getattr(page, "locale", None)
        code = getattr(locale, "language_code", "") if locale is not None else ""
        if _base(code) in SPOKEN:
            return code
    return get_setting("LANGUAGE")


def rendered_in(language, response):
    """Render a lazy ``TemplateResponse`` now, in ``language``, inside the programme's frame."""
    if getattr(response, "is_rendered", True):
        return response
    if response.context_data is None:
        response.context_data = {}
    response.context_data.setdefault("heurecivique_base_template", get_setting("BASE_TEMPLATE"))
    with translation.override(language):
        response.render()
    response.headers.setdefault("Content-Language", language)
    return response


def in_public_language(view):
    """Serve a public view of the programme in its public language (views without a page)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        language = public_language()
        with translation.override(language):
            response = view(request, *args, **kwargs)
            return rendered_in(language, response)

    return wrapper


class PublicLanguagePageMixin:
    """A public page of the programme: served in its public language, in the programme's frame."""

    def serve(self, request, *args, **kwargs):
        language = public_language(self)
        with translation.override(language):
            return rendered_in(language, super().serve(request, *args, **kwargs))
