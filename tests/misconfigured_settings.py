"""A settings module with the mistakes an installer makes, for the system-check tests."""

from example_site.settings.test import *  # noqa: F401,F403
from example_site.settings.test import INSTALLED_APPS, MIDDLEWARE

# The plugin after wagtail.admin, viewflow's workflow app forgotten.
INSTALLED_APPS = [app for app in INSTALLED_APPS if app not in ("wagtail_heurecivique", "viewflow.workflow")]
INSTALLED_APPS.insert(INSTALLED_APPS.index("wagtail.admin") + 1, "wagtail_heurecivique")
MIDDLEWARE = [m for m in MIDDLEWARE if m != "simple_history.middleware.HistoryRequestMiddleware"]
VIEWFLOW = {}
WAGTAIL_HEURECIVIQUE = {"SLA_DAYS": 7}
