"""A settings module with the mistakes an installer makes, for the system-check tests."""

from example_site.settings.test import *  # noqa: F401,F403
from example_site.settings.test import INSTALLED_APPS, MIDDLEWARE

# viewflow's workflow app forgotten, its frontend app put first (its 403.html and
# registration/ pages would win), the history and the scoping middlewares left out.
INSTALLED_APPS = ["viewflow"] + [app for app in INSTALLED_APPS if app != "viewflow.workflow"]
MIDDLEWARE = [
    m for m in MIDDLEWARE
    if m not in ("simple_history.middleware.HistoryRequestMiddleware", "wagtail_heurecivique.middleware.CommuneScopingMiddleware")
]
VIEWFLOW = {}
# The plugin's URLs not included.
ROOT_URLCONF = "tests.urls_without_plugin"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://example.com"
DEFAULT_FROM_EMAIL = "webmaster@localhost"
WAGTAIL_HEURECIVIQUE = {"SLA_DAYS": 7, "BASE_TEMPLATE": "site/base.html", "LANGUAGE": "de"}
WAGTAILADMIN_PAGE_SEARCH_FILTER_BY_PERMISSIONS = False
