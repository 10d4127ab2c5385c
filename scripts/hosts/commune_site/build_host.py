"""Turn a fresh `wagtail start communesite site` into the Mairie de Vernon's own site.

Run from the project directory (`site/`), before the plugin is anywhere near it. The
site is what a commune's IT provider would have made: its own app (news pages and a
snippet), English by default with French as a second locale (Wagtail i18n, simple
translation, LocaleMiddleware, i18n_patterns), its own base, 403, 404 and registration
templates, and production settings (DEBUG off, ManifestStaticFilesStorage).

Generated files are edited in place, each edit checked, so that a change of Wagtail's
project template fails here rather than silently giving another kind of host.
"""

import shutil
import sys
from pathlib import Path

OVERLAY = Path(__file__).resolve().parent / "overlay"
SITE = Path.cwd()


def edit(path, old, new):
    path = SITE / path
    text = path.read_text()
    if text.count(old) != 1:
        sys.exit(f"build_host: expected exactly one {old!r} in {path}; Wagtail's project template changed?")
    path.write_text(text.replace(old, new))


def main():
    if not (SITE / "communesite" / "settings" / "base.py").exists():
        sys.exit("build_host: run me in the directory made by `wagtail start communesite site`")

    # The stock urls.py must be the one the README speaks of, before it is replaced by the
    # host's own (same shape, plus i18n_patterns, the staff login and a 403 view).
    stock_urls = (SITE / "communesite" / "urls.py").read_text()
    if "urlpatterns = urlpatterns + [" not in stock_urls:
        sys.exit("build_host: the stock urls.py no longer appends Wagtail's URLs with `urlpatterns = urlpatterns + [`")

    for source in sorted(OVERLAY.rglob("*")):
        if source.is_file() and "__pycache__" not in source.parts:
            target = SITE / source.relative_to(OVERLAY)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    # The stock home page template's welcome screen goes with the stock look.
    (SITE / "home" / "templates" / "home" / "welcome_page.html").unlink()
    (SITE / "home" / "static" / "css" / "welcome_page.css").unlink()

    base = "communesite/settings/base.py"
    # The commune's app sits with the project's apps, before Wagtail's and Django's.
    edit(base, '    "home",\n    "search",\n', '    "home",\n    "actualites",\n    "search",\n')
    # Wagtail i18n: the locales admin and simple translation of pages and their subtrees.
    edit(base, '    "wagtail.contrib.redirects",\n',
         '    "wagtail.contrib.redirects",\n    "wagtail.contrib.simple_translation",\n    "wagtail.locales",\n')
    # LocaleMiddleware after sessions and before CommonMiddleware, as Django's docs say.
    edit(base, '    "django.contrib.sessions.middleware.SessionMiddleware",\n',
         '    "django.contrib.sessions.middleware.SessionMiddleware",\n'
         '    "django.middleware.locale.LocaleMiddleware",\n')
    edit(base, 'LANGUAGE_CODE = "en-us"\n',
         'LANGUAGE_CODE = "en-us"\n\n'
         'LANGUAGES = [\n    ("en-us", "English"),\n    ("fr", "Français"),\n]\n\n'
         'WAGTAIL_I18N_ENABLED = True\n\n'
         'WAGTAIL_CONTENT_LANGUAGES = LANGUAGES\n')
    edit(base, 'TIME_ZONE = "UTC"\n', 'TIME_ZONE = "Europe/Paris"\n')
    edit(base, 'WAGTAIL_SITE_NAME = "communesite"\n', 'WAGTAIL_SITE_NAME = "Mairie de Vernon"\n')

    production = "communesite/settings/production.py"
    # Wagtail's production.py already has DEBUG = False and ManifestStaticFilesStorage;
    # a real deployment adds its key and host names (kept before the local override).
    edit(production, "try:\n    from .local import *\n",
         'SECRET_KEY = "ci-only-not-secret-2f1c9e6a0b7d4e8f9a3c5b1d7e2f4a6c8b0d9e1f"\n\n'
         'ALLOWED_HOSTS = ["www.vernon.fr", "localhost", "testserver"]\n\n'
         "try:\n    from .local import *\n")
    for name in ("DEBUG = False", "ManifestStaticFilesStorage"):
        if name not in (SITE / production).read_text():
            sys.exit(f"build_host: Wagtail's production.py no longer has {name}")
    print("Host built: Mairie de Vernon (app actualites, en-us + fr, i18n_patterns, own templates, DEBUG off)")


if __name__ == "__main__":
    main()
