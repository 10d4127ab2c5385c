"""The installation checks fire on a misconfigured settings module."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from wagtail_heurecivique import checks

ROOT = Path(__file__).resolve().parents[2]


def test_misconfigured_settings_module_is_reported_with_hints():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--settings=tests.misconfigured_settings"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "wagtail_heurecivique.E001" in output and "'viewflow.workflow' is missing" in output
    assert "wagtail_heurecivique.E002" in output and "'403.html' would be viewflow's Material page" in output
    assert "'registration/password_change_form.html' would be viewflow's Material page" in output
    assert "wagtail_heurecivique.E003" in output
    assert "wagtail_heurecivique.E015" in output and "CommuneScopingMiddleware' is missing" in output
    assert "wagtail_heurecivique.E006" in output and "'SLA_DAYS'" in output
    assert "wagtail_heurecivique.E010" in output
    assert "wagtail_heurecivique.E011" in output and "'site/base.html', which cannot be found" in output
    assert "wagtail_heurecivique.E012" in output and "'de'" in output
    for warning in ("W001", "W003", "W004", "W005", "W006", "W007"):
        assert f"wagtail_heurecivique.{warning}" in output
    assert "HINT:" in output


def test_the_example_site_passes_its_checks():
    for check in (
        checks.check_installed_apps, checks.check_middleware, checks.check_scoping_middleware, checks.check_settings, checks.check_host_templates,
        checks.check_static_files, checks.check_urls, checks.check_base_template, checks.check_email_settings,
        checks.check_page_search_scope, checks.check_base_page_model, checks.check_api_v3_scope,
    ):
        assert check(None) == [], check.__name__


@pytest.mark.parametrize("urlconf", ["tests.urls_without_plugin", "tests.urls_plugin_after_wagtail"])
def test_urls_not_included_or_shadowed_by_wagtail_are_an_error(urlconf):
    with override_settings(ROOT_URLCONF=urlconf):
        errors = checks.check_urls(None)
    assert [e.id for e in errors] == ["wagtail_heurecivique.E010"]
    assert 'path("heurecivique/", include("wagtail_heurecivique.urls"))' in errors[0].hint


def _with_test_templates():
    from django.conf import settings

    engine = {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], ROOT / "tests" / "templates"]}
    return override_settings(TEMPLATES=[engine])


@pytest.mark.parametrize(
    "name,message",
    [
        ("site/base.html", None),
        ("site/page.html", None),  # the blocks of the template it extends count
        ("site/base_without_css.html", "has no block extra_css"),
        ("site/missing.html", "cannot be found"),
    ],
)
def test_the_base_template_must_exist_and_keep_the_blocks(name, message):
    with _with_test_templates(), override_settings(WAGTAIL_HEURECIVIQUE={"BASE_TEMPLATE": name}):
        errors = checks.check_base_template(None)
    if message is None:
        assert errors == []
    else:
        assert [e.id for e in errors] == ["wagtail_heurecivique.E011"] and message in errors[0].msg


def test_viewflow_frontend_app_taking_the_sites_templates_is_an_error(monkeypatch):
    """viewflow's frontend app put first: its templates directory is searched first."""
    from django.apps import apps
    from django.conf import settings

    viewflow_templates, _names = checks._viewflow_frontend_templates()
    installed = apps.is_installed
    monkeypatch.setattr(apps, "is_installed", lambda name: name == "viewflow" or installed(name))
    first = {**settings.TEMPLATES[0], "DIRS": [viewflow_templates, *settings.TEMPLATES[0]["DIRS"]]}
    with override_settings(TEMPLATES=[first]):
        errors = checks.check_host_templates(None)
    messages = " ".join(e.msg for e in errors)
    assert {e.id for e in errors} == {"wagtail_heurecivique.E002"}
    # Django's admin has its own password change page, Django a built-in 403.
    assert "'registration/password_change_form.html'" in messages and "'403.html'" in messages
    assert "'admin/fsm_change_form.html'" not in messages  # viewflow's own: it hides nothing
    assert [e.id for e in checks.check_settings(None)] == ["wagtail_heurecivique.W001"]
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}):
        assert [e.id for e in checks.check_static_files(None)] == ["wagtail_heurecivique.W005"]
    assert checks.check_static_files(None) == []
    monkeypatch.undo()
    assert checks.check_host_templates(None) == [] and checks.check_settings(None) == []


@pytest.mark.parametrize(
    "overrides,ids",
    [
        ({"WAGTAILADMIN_BASE_URL": "http://example.com"}, ["wagtail_heurecivique.W003"]),
        ({"WAGTAILADMIN_BASE_URL": ""}, ["wagtail_heurecivique.W003"]),
        ({"DEFAULT_FROM_EMAIL": "webmaster@localhost"}, ["wagtail_heurecivique.W004"]),
        ({"DEFAULT_FROM_EMAIL": "webmaster@localhost",
          "WAGTAIL_HEURECIVIQUE": {"EMAIL_FROM": "hc@ville-exemple.fr"}}, []),
        ({"WAGTAILADMIN_BASE_URL": "https://www.ville-exemple.fr"}, []),
    ],
)
def test_email_settings_that_would_send_wrong_links_or_senders_are_reported(overrides, ids):
    with override_settings(**overrides):
        assert [e.id for e in checks.check_email_settings(None)] == ids


def test_page_search_open_to_every_page_is_reported(settings):
    assert checks.check_page_search_scope(None) == []
    settings.WAGTAILADMIN_PAGE_SEARCH_FILTER_BY_PERMISSIONS = False
    assert [e.id for e in checks.check_page_search_scope(None)] == ["wagtail_heurecivique.W006"]


def test_history_middleware_before_authentication_is_reported(settings):
    settings.MIDDLEWARE = [checks.HISTORY_MIDDLEWARE, checks.AUTH_MIDDLEWARE]
    assert [e.id for e in checks.check_middleware(None)] == ["wagtail_heurecivique.E004"]


@pytest.mark.parametrize(
    "value,ids",
    [
        ({"DEFAULT_SLA_DAYS": 0}, ["wagtail_heurecivique.E007"]),
        ({"DEFAULT_SLA_DAYS": "7"}, ["wagtail_heurecivique.E007"]),
        ({"DEFAULT_SLA_DAYS": 10}, []),
        ([("DEFAULT_SLA_DAYS", 7)], ["wagtail_heurecivique.E005"]),
        ({"MATCHING_WEIGHTS": {"speed": 1}}, ["wagtail_heurecivique.E008"]),
        ({"MATCHING_WEIGHTS": {"skills": 20}}, ["wagtail_heurecivique.E008"]),
        ({"MATCHING_WEIGHTS": {"skills": 5}}, []),
        ({"LANGUAGE": "de"}, ["wagtail_heurecivique.E012"]),
        ({"LANGUAGE": "fr-fr"}, []),
        ({"EMAIL_FROM": None}, ["wagtail_heurecivique.E012"]),
        ({"BASE_TEMPLATE": "base.html", "EMAIL_SUBJECT_PREFIX": "[HC] "}, []),
        ({"PUBLIC_FORM_RATE_PER_IP": "often"}, ["wagtail_heurecivique.E009"]),
        ({"TRUSTED_PROXY_HEADER": "HTTP_X_FORWARDED_FOR", "TRUSTED_PROXY_COUNT": 2}, []),
        ({"TRUSTED_PROXY_HEADER": ""}, []),
        ({"TRUSTED_PROXY_HEADER": "X-Forwarded-For"}, ["wagtail_heurecivique.E012"]),
        ({"TRUSTED_PROXY_HEADER": True}, ["wagtail_heurecivique.E012"]),
        ({"TRUSTED_PROXY_COUNT": 0}, ["wagtail_heurecivique.E007"]),
        ({"PUBLIC_FIGURES_CACHE_SECONDS": 0}, ["wagtail_heurecivique.E007"]),
        ({"PUBLIC_FIGURES_CACHE_SECONDS": "600"}, ["wagtail_heurecivique.E007"]),
        ({"PUBLIC_FIGURES_CACHE_SECONDS": 60}, []),
    ],
)
def test_plugin_settings_are_validated(value, ids):
    with override_settings(WAGTAIL_HEURECIVIQUE=value):
        assert [e.id for e in checks.check_settings(None)] == ids


LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
REDIS = "django.core.cache.backends.redis.RedisCache"


@pytest.mark.parametrize(
    "overrides,warned",
    [
        ({"CACHES": {"default": {"BACKEND": LOCMEM}}}, "keeps its counts in each server process"),
        ({"CACHES": {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}}, "keeps no count at all: the limits per IP address and per e-mail address never apply"),
        ({"CACHES": {"default": {"BACKEND": LOCMEM}}, "DEBUG": True}, None),  # one runserver process
        ({"CACHES": {"default": {"BACKEND": REDIS, "LOCATION": "redis://127.0.0.1:6379/0"}}}, None),
        # django-ratelimit counts in the cache RATELIMIT_USE_CACHE names.
        ({"CACHES": {"default": {"BACKEND": LOCMEM}, "shared": {"BACKEND": REDIS, "LOCATION": "redis://r:6379/0"}},
          "RATELIMIT_USE_CACHE": "shared"}, None),
        ({"CACHES": {"default": {"BACKEND": REDIS, "LOCATION": "redis://r:6379/0"}, "local": {"BACKEND": LOCMEM}},
          "RATELIMIT_USE_CACHE": "local"}, "cache 'local'"),
        ({"CACHES": {"default": {"BACKEND": LOCMEM}}, "RATELIMIT_ENABLE": False}, None),
    ],
)
def test_rate_limits_counted_per_process_are_reported(overrides, warned):
    with override_settings(**overrides):
        errors = checks.check_rate_limit_cache(None)
    if warned is None:
        assert errors == []
    else:
        [warning] = errors
        assert warning.id == "wagtail_heurecivique.W007" and warned in warning.msg
        assert "RedisCache" in warning.hint and warning.level == 30  # a warning


def _wagtail_8():
    import wagtail

    return wagtail.VERSION >= (8, 0)


@pytest.mark.parametrize("model", ["home.BasePage", "wagtailcore.Page", None])
def test_a_swapped_base_page_model_is_refused(model):
    """Wagtail 8's WAGTAIL_PAGE_MODEL: the plugin's pages are built on wagtailcore.Page (7.4 has no such setting)."""
    with override_settings(WAGTAIL_PAGE_MODEL=model):
        errors = checks.check_base_page_model(None)
    if model != "home.BasePage" or not _wagtail_8():
        assert errors == []
        return
    [error] = errors
    assert error.id == "wagtail_heurecivique.E013" and error.level == 40  # an error
    assert "WAGTAIL_PAGE_MODEL is 'home.BasePage'" in error.msg and "not supported" in error.msg
    assert "Remove WAGTAIL_PAGE_MODEL" in error.hint


def _api_v3_warnings(**overrides):
    with override_settings(**overrides):
        return checks.check_api_v3_scope(None)


def test_wagtail_api_v3_app_is_reported_unless_acknowledged(monkeypatch):
    # The app as if it were in INSTALLED_APPS: overriding that setting repopulates the app
    # registry, and wagtail.contrib.redirects' ready() then mounts its router on the v3 API twice.
    from django.apps import apps

    is_installed = apps.is_installed
    monkeypatch.setattr(apps, "is_installed", lambda name: name == "wagtail.api.v3" or is_installed(name))
    [warning] = _api_v3_warnings()
    assert warning.id == "wagtail_heurecivique.W008" and warning.level == 30  # a warning
    assert "'wagtail.api.v3' is in INSTALLED_APPS" in warning.msg and "pages of every commune" in warning.msg
    assert '"UNSCOPED_API_V3": True' in warning.hint
    assert _api_v3_warnings(WAGTAIL_HEURECIVIQUE={"UNSCOPED_API_V3": True}) == []


def test_wagtail_api_v3_urls_are_reported_unless_acknowledged():
    if not _wagtail_8():
        pytest.skip("Wagtail 7.4 has no API v3")
    [warning] = _api_v3_warnings(ROOT_URLCONF="tests.urls_with_api_v3")
    assert warning.id == "wagtail_heurecivique.W008"
    assert "its URLs are included (namespace 'wagtailapi_v3')" in warning.msg
    assert _api_v3_warnings(ROOT_URLCONF="tests.urls_with_api_v3", WAGTAIL_HEURECIVIQUE={"UNSCOPED_API_V3": True}) == []


def test_without_api_v3_nothing_is_reported():
    assert _api_v3_warnings() == []


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_the_api_v3_acknowledgement_is_true_or_false(value):
    with override_settings(WAGTAIL_HEURECIVIQUE={"UNSCOPED_API_V3": value}):
        errors = checks.check_settings(None)
    assert [e.id for e in errors] == ["wagtail_heurecivique.E014"]
    assert "must be True or False" in errors[0].msg
