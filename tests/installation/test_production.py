"""The example site's production settings: `check --deploy` is clean, and the pages carry their headers.

The headers are checked through the test client with the production module's own values
(read with a realistic environment), not with a copy of them.
"""

import datetime
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

import django
import pytest
from django.test import override_settings
from django.utils import timezone
from wagtail.models import Page

from tests import builders, factories
from wagtail_heurecivique.models import (
    ActionIndexPage,
    ActionPage,
    NeedReportPage,
    SuccessStoryIndexPage,
    VolunteerSignupPage,
    VolunteerSpacePage,
)

ROOT = Path(__file__).resolve().parents[2]
MODULE = "example_site.settings.production"
#: What the production settings read from the environment, left out of the tests' own.
READ = (
    "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "REDIS_URL", "CACHE_URL", "CACHE_KEY_PREFIX", "WAGTAILADMIN_BASE_URL",
    "TRUSTED_PROXY_COUNT", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "DEFAULT_FROM_EMAIL", "EMAIL_HOST", "EMAIL_PORT",
)


def realistic(tmp_path=None):
    return {
        "SECRET_KEY": "k3Yq8w-5f2LrT9vZ0pXc7nB1mA6sD4hJ_gE8uW3oR2iN5tY7kQ",  # 50 characters, varied
        "ALLOWED_HOSTS": "www.ville-exemple.fr,heurecivique.ville-exemple.fr",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}" if tmp_path else "postgres://hc@db.example:5432/hc",
        "REDIS_URL": "redis://cache.internal:6379/1",  # not connected to by the checks
        "WAGTAILADMIN_BASE_URL": "https://www.ville-exemple.fr",
    }


#: Set by the test run, not by a deployment (the browser tests allow Django's ORM beside
#: Playwright's event loop): check --deploy rightly refuses it.
TEST_RUN_ONLY = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def run(args, env):
    base = {k: v for k, v in os.environ.items() if k not in READ and k not in TEST_RUN_ONLY}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=180, check=False,
        env={**base, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": MODULE, **env},
    )


def test_check_deploy_is_clean_with_a_realistic_environment(tmp_path):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], realistic(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_without_a_shared_cache_check_deploy_says_the_rate_limits_would_not_hold(tmp_path):
    env = {k: v for k, v in realistic(tmp_path).items() if k != "REDIS_URL"}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert re.findall(r"\((\S+\.[EW]\d+)\)", output) == ["wagtail_heurecivique.W007"], output


PROBE = """
import django; django.setup()
from django.conf import settings as s
hc = s.WAGTAIL_HEURECIVIQUE
print(s.CACHES["default"]["BACKEND"], s.CACHES["default"].get("LOCATION"), s.SESSION_ENGINE)
print(s.SECURE_PROXY_SSL_HEADER, hc.get("TRUSTED_PROXY_HEADER"), hc.get("TRUSTED_PROXY_COUNT"), hc["EMAIL_SUBJECT_PREFIX"])
"""


REDIS = "django.core.cache.backends.redis.RedisCache"
CACHED_DB = "django.contrib.sessions.backends.cached_db"
NO_PROXY = "None None None [Heure Civique] "


@pytest.mark.parametrize(
    "env,cache,proxy",
    [
        ({}, f"{REDIS} redis://cache.internal:6379/1 {CACHED_DB}", NO_PROXY),
        ({"REDIS_URL": "", "CACHE_URL": "rediss://cache.internal:6380/0"},
         f"{REDIS} rediss://cache.internal:6380/0 {CACHED_DB}", NO_PROXY),
        # Two proxies of the site's own (a CDN, then nginx): HTTPS and the clients' addresses from them.
        ({"TRUSTED_PROXY_COUNT": "2"}, None, "('HTTP_X_FORWARDED_PROTO', 'https') HTTP_X_FORWARDED_FOR 2 [Heure Civique] "),
        ({"REDIS_URL": ""}, "django.core.cache.backends.locmem.LocMemCache None django.contrib.sessions.backends.db", None),
    ],
)
def test_the_cache_and_the_proxy_come_from_the_environment(env, cache, proxy):
    result = run(["-c", PROBE], {**realistic(), **env})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    if cache is not None:
        assert lines[0] == cache
    if proxy is not None:
        assert lines[1] == proxy


@pytest.mark.parametrize(
    "env,message",
    [
        ({"REDIS_URL": "memcached://cache:11211"}, "REDIS_URL (or CACHE_URL) must be a redis://"),
        ({"TRUSTED_PROXY_COUNT": "yes"}, "TRUSTED_PROXY_COUNT must be a whole number"),
        ({"SECURE_SSL_REDIRECT": "peut-être"}, "SECURE_SSL_REDIRECT must be 1 or 0"),
    ],
)
def test_a_wrong_environment_is_refused_with_its_name(env, message):
    result = run(["-c", PROBE], {**realistic(), **env})
    assert result.returncode != 0 and message in result.stderr


# --- The headers, through the test client ------------------------------------------------

#: The production settings a response depends on (not the database, cache or e-mail ones).
HEADER_SETTINGS = (
    "MIDDLEWARE", "X_FRAME_OPTIONS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "CSP_PUBLIC", "CSP_ADMIN",
    "CONTENT_SECURITY_POLICY", "WAGTAIL_GRAVATAR_PROVIDER_URL", "WAGTAIL_ENABLE_UPDATE_CHECK",
)


def production_settings():
    """The production module's values for the headers, read with a realistic environment."""
    if django.VERSION < (6, 0):
        pytest.importorskip("csp", reason="django-csp (the test extra) gives Django 5.2 its Content-Security-Policy")
    with mock.patch.dict(os.environ, {**realistic(), "SECURE_HSTS_SECONDS": ""}):
        sys.modules.pop(MODULE, None)
        try:
            module = importlib.import_module(MODULE)
        finally:
            sys.modules.pop(MODULE, None)
    return {
        name: getattr(module, name) for name in dir(module)
        if name in HEADER_SETTINGS or (name.startswith("SECURE_") and name != "SECURE_PROXY_SSL_HEADER")
    }


@pytest.fixture
def production():
    with override_settings(**production_settings()):
        yield


def policy(response):
    """The Content-Security-Policy header as {directive: [values]}."""
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.fixture
def public_pages(commune_a):
    """The commune's published home with the five pages it creates, and an action."""
    home = builders.commune_home(commune_a)
    children = {type(page.specific): page.specific for page in Page.objects.child_of(home)}
    action = children[ActionIndexPage].add_child(instance=ActionPage(
        title="Nettoyage des berges", slug="berges", kind="collective", place="Parc Lagravère", capacity=10,
        start=timezone.now() + datetime.timedelta(days=10),
    ))
    return {"home": home, "action": action, **{cls.__name__: page for cls, page in children.items()}}


HSTS = "max-age=31536000; includeSubDomains; preload"


@pytest.mark.django_db
def test_public_pages_the_volunteer_space_and_the_admin_login_carry_the_security_headers(client, production, public_pages):
    for url in (public_pages["home"].url, public_pages["VolunteerSpacePage"].url, "/admin/login/"):
        assert client.get(url).status_code == 301  # plain HTTP: to HTTPS first
        response = client.get(url, secure=True)
        assert response.status_code == 200, url
        assert response["Strict-Transport-Security"] == HSTS, url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
        csp = policy(response)
        assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"], url
        assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"], url
        if url.startswith("/admin/"):
            # Wagtail's admin: inline scripts and styles, framed by its own preview panel only.
            assert "'unsafe-inline'" in csp["style-src"] and "'unsafe-inline'" in csp["script-src"]
            assert csp["frame-ancestors"] == ["'self'"]
            assert response.cookies["csrftoken"]["secure"] is True
        else:
            # The public pages: nothing inline, nothing from another origin, no framing.
            assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"], url
            assert csp["frame-ancestors"] == ["'none'"], url
    # The admin logs in over HTTPS with a secure session cookie, and keeps its policy.
    factories.user("admin", superuser=True, is_staff=True)
    response = client.post("/admin/login/", {"username": "admin", "password": "pass"}, secure=True)
    assert response.status_code == 302 and response.cookies["sessionid"]["secure"] is True
    dashboard = client.get("/admin/", secure=True)
    assert dashboard.status_code == 200 and "'unsafe-inline'" in policy(dashboard)["style-src"]
    assert "gravatar.com" not in dashboard.content.decode()  # no request to a third party from staff browsers


#: What a strict policy blocks in a page's HTML.
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>"),
    "style element": re.compile(r"<style\b"),
    "style attribute": re.compile(r"<[^>]+\sstyle="),
    "event handler": re.compile(r"<[^>]+\son[a-z]+="),
    "javascript: URL": re.compile(r"(href|src|action)=\"\s*javascript:", re.IGNORECASE),
    # Scripts, images and stylesheets from elsewhere (links to other sites are fine).
    "another origin": re.compile(
        r"(<link[^>]+rel=\"(?:stylesheet|icon|preload|modulepreload)\"[^>]*href|src)=\"(https?:)?//(?!testserver)"
    ),
}


def inline_parts(html):
    return {what: pattern.findall(html) for what, pattern in INLINE.items() if pattern.search(html)}


@pytest.mark.django_db
def test_the_public_pages_need_nothing_a_strict_policy_blocks(client, production, public_pages):
    """Every public page, and every form shown again with its errors (they focus their summary by script)."""
    pages = [public_pages[name] for name in ("home", "action")] + [
        public_pages[cls.__name__] for cls in (VolunteerSignupPage, NeedReportPage, VolunteerSpacePage, SuccessStoryIndexPage)
    ]
    seen = 0
    for page in pages:
        html = client.get(page.url, secure=True).content.decode()
        assert inline_parts(html) == {}, page.url
        seen += 1
    for page in (public_pages["VolunteerSignupPage"], public_pages["NeedReportPage"], public_pages["VolunteerSpacePage"]):
        response = client.post(page.url, {"email": "pas-une-adresse"}, secure=True)
        html = response.content.decode()
        assert response.status_code == 400 and 'id="form-errors"' in html, page.url
        assert "wagtail_heurecivique/js/form-errors.js" in html
        assert inline_parts(html) == {}, page.url
        seen += 1
    register = client.post(public_pages["action"].url, {"email": "pas-une-adresse"}, secure=True)
    assert 'id="form-errors"' in register.content.decode() and inline_parts(register.content.decode()) == {}
    assert seen == 9
    # The JSON-LD of an action is data, which no script-src blocks; an inline script would be found.
    assert 'type="application/ld+json"' in client.get(public_pages["action"].url, secure=True).content.decode()
    assert set(inline_parts('<script>alert(1)</script><p style="x" onclick="y">')) == {
        "inline script", "style attribute", "event handler",
    }
