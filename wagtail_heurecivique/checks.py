"""System checks that tell an installer exactly what is missing or misordered."""

import re

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError

from .settings import DEFAULTS
from .validators import validate_matching_weights

REQUIRED_APPS = [
    ("wagtail_heurecivique", "wagtail_heurecivique"),
    ("workflows", "workflows"),
    ("wagtail_modeladmin", "wagtail_modeladmin"),
    ("viewflow", "viewflow"),
    ("viewflow.workflow", "viewflow.workflow"),
    ("simple_history", "simple_history"),
    ("wagtail", "wagtail"),
    ("wagtail.admin", "wagtail.admin"),
]

# Our apps' templates must win over the admin apps they extend.
MUST_PRECEDE = [
    ("wagtail_heurecivique", "wagtail.admin"),
    ("wagtail_heurecivique", "wagtail_modeladmin"),
    ("workflows", "wagtail.admin"),
    ("viewflow", "viewflow.workflow"),
]

RATE = re.compile(r"[1-9][0-9]*/[1-9]?[0-9]*[smhd]")

HISTORY_MIDDLEWARE = "simple_history.middleware.HistoryRequestMiddleware"
AUTH_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"


def _app_names():
    # Entries may name an AppConfig class ("wagtail_heurecivique.apps.…"): compare
    # against the installed app configs' module names, in settings order.
    names = []
    for entry in settings.INSTALLED_APPS:
        matched = next((c.name for c in apps.get_app_configs() if entry == c.name or entry.startswith(c.name + ".apps.")), entry)
        names.append(matched)
    return names


@checks.register(checks.Tags.compatibility)
def check_installed_apps(app_configs, **kwargs):
    errors = []
    names = _app_names()
    for name, shown in REQUIRED_APPS:
        if name not in names:
            errors.append(
                checks.Error(
                    f"'{shown}' is missing from INSTALLED_APPS.",
                    hint=f"Add '{shown}' to INSTALLED_APPS (see the README, “Add it to an existing Wagtail site”).",
                    id="wagtail_heurecivique.E001",
                )
            )
    for first, second in MUST_PRECEDE:
        if first in names and second in names and names.index(first) > names.index(second):
            errors.append(
                checks.Error(
                    f"'{first}' must come before '{second}' in INSTALLED_APPS.",
                    hint=f"Move '{first}' above '{second}', so that its templates take precedence.",
                    id="wagtail_heurecivique.E002",
                )
            )
    return errors


@checks.register(checks.Tags.compatibility)
def check_middleware(app_configs, **kwargs):
    middleware = list(settings.MIDDLEWARE)
    if HISTORY_MIDDLEWARE not in middleware:
        return [
            checks.Error(
                f"'{HISTORY_MIDDLEWARE}' is missing from MIDDLEWARE: history rows would not record who made a change.",
                hint=f"Add it to MIDDLEWARE, after '{AUTH_MIDDLEWARE}'.",
                id="wagtail_heurecivique.E003",
            )
        ]
    if AUTH_MIDDLEWARE in middleware and middleware.index(HISTORY_MIDDLEWARE) < middleware.index(AUTH_MIDDLEWARE):
        return [
            checks.Error(
                f"'{HISTORY_MIDDLEWARE}' comes before '{AUTH_MIDDLEWARE}': it would record no user.",
                hint=f"Move it after '{AUTH_MIDDLEWARE}'.",
                id="wagtail_heurecivique.E004",
            )
        ]
    return []


@checks.register(checks.Tags.compatibility)
def check_settings(app_configs, **kwargs):
    errors = []
    viewflow_settings = getattr(settings, "VIEWFLOW", {}) or {}
    if viewflow_settings.get("AUTOREGISTER", True):
        errors.append(
            checks.Warning(
                "viewflow registers its own middlewares and URLs at start-up unless told not to.",
                hint='Set VIEWFLOW = {"AUTOREGISTER": False}: the plugin runs its workflows inside the Wagtail admin.',
                id="wagtail_heurecivique.W001",
            )
        )
    if not settings.USE_I18N:
        errors.append(
            checks.Warning(
                "USE_I18N is False: every screen of the plugin will be in English instead of French.",
                hint="Set USE_I18N = True and LANGUAGE_CODE = 'fr'.",
                id="wagtail_heurecivique.W002",
            )
        )
    overrides = getattr(settings, "WAGTAIL_HEURECIVIQUE", {})
    if not isinstance(overrides, dict):
        return errors + [
            checks.Error(
                "WAGTAIL_HEURECIVIQUE must be a dictionary.",
                hint='For example WAGTAIL_HEURECIVIQUE = {"DEFAULT_SLA_DAYS": 7}.',
                id="wagtail_heurecivique.E005",
            )
        ]
    for key, value in overrides.items():
        if key not in DEFAULTS:
            errors.append(
                checks.Error(
                    f"WAGTAIL_HEURECIVIQUE has an unknown key '{key}'.",
                    hint="Known keys: " + ", ".join(sorted(DEFAULTS)) + ".",
                    id="wagtail_heurecivique.E006",
                )
            )
        elif isinstance(DEFAULTS[key], dict):
            try:
                validate_matching_weights(value)
            except ValidationError as error:
                errors.append(
                    checks.Error(
                        f"WAGTAIL_HEURECIVIQUE['{key}'] is invalid: {' '.join(error.messages)}",
                        hint=f"The default is {DEFAULTS[key]}.",
                        id="wagtail_heurecivique.E008",
                    )
                )
        elif isinstance(DEFAULTS[key], str) and not (isinstance(value, str) and RATE.fullmatch(value)):
            errors.append(
                checks.Error(
                    f"WAGTAIL_HEURECIVIQUE['{key}'] must be a rate such as '20/h', not {value!r}.",
                    hint=f"The default is {DEFAULTS[key]!r}: a number, '/', then s, m, h or d.",
                    id="wagtail_heurecivique.E009",
                )
            )
        elif isinstance(DEFAULTS[key], int) and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            errors.append(
                checks.Error(
                    f"WAGTAIL_HEURECIVIQUE['{key}'] must be a positive whole number, not {value!r}.",
                    hint=f"The default is {DEFAULTS[key]}.",
                    id="wagtail_heurecivique.E007",
                )
            )
    return errors
