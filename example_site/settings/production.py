"""Production: every secret comes from the environment; PostgreSQL through DATABASE_URL.

`python manage.py check --deploy --fail-level WARNING` is clean with SECRET_KEY, ALLOWED_HOSTS,
DATABASE_URL, REDIS_URL and WAGTAILADMIN_BASE_URL set (tests/installation/test_production.py runs it).
"""

import os
from urllib.parse import urlsplit

import dj_database_url
import django
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import MIDDLEWARE


def _require(name):
    try:
        return os.environ[name]
    except KeyError:
        raise ImproperlyConfigured(f"Set the {name} environment variable.") from None


def _flag(name, default):
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0, not {value!r}.")


def _number(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.")
    return int(value)


DEBUG = False
SECRET_KEY = _require("SECRET_KEY")
DATABASES = {"default": dj_database_url.parse(_require("DATABASE_URL"), conn_max_age=600)}
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS]
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "")

# --- A cache every server process shares -------------------------------------------------
# The public forms' rate limits count there (each process would count alone in local
# memory: system check wagtail_heurecivique.W007), and the sessions are kept there in front
# of the database. Redis through Django's own backend (pip install redis).
_CACHE_URL = os.environ.get("REDIS_URL") or os.environ.get("CACHE_URL", "")
if _CACHE_URL:
    if urlsplit(_CACHE_URL).scheme not in ("redis", "rediss", "unix"):
        raise ImproperlyConfigured(
            f"REDIS_URL (or CACHE_URL) must be a redis://, rediss:// or unix:// URL, not {_CACHE_URL!r}."
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _CACHE_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "heurecivique"),
            # A Redis that does not answer fails a request in seconds, not after minutes.
            "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Behind a reverse proxy ----------------------------------------------------------------
# TRUSTED_PROXY_COUNT: how many proxies of yours stand in front of Django (0: none, Django
# is reached directly). Only then are X-Forwarded-Proto (HTTPS) and X-Forwarded-For (the
# address the rate limits count) believed: without a proxy, a client could send them.
TRUSTED_PROXY_COUNT = _number("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    WAGTAIL_HEURECIVIQUE = {  # noqa: F405
        **WAGTAIL_HEURECIVIQUE,  # noqa: F405
        "TRUSTED_PROXY_HEADER": "HTTP_X_FORWARDED_FOR",
        "TRUSTED_PROXY_COUNT": TRUSTED_PROXY_COUNT,
    }

# --- HTTPS and security headers -------------------------------------------------------------
SECURE_SSL_REDIRECT = _flag("SECURE_SSL_REDIRECT", True)
# A year of HSTS, subdomains included; the preload directive alone puts the domain on no
# list (that is a submission to hstspreload.org, a deliberate step). Start lower
# (SECURE_HSTS_SECONDS=300) on a site that has never been served only over HTTPS.
SECURE_HSTS_SECONDS = _number("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _flag("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Signed links carry their token in the URL: it never leaves for another site in a Referer.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Wagtail's preview panel frames its own preview view, which says SAMEORIGIN itself.
X_FRAME_OPTIONS = "DENY"
# No request from staff browsers to third parties: Gravatar would receive a hash of each
# user's e-mail address, and the admin's update check calls releases.wagtail.org.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# --- Content-Security-Policy ---------------------------------------------------------------
# The public pages (Wagtail's pages, the plugin's): nothing inline, nothing from elsewhere.
# Their templates have no inline script, style element or attribute, nor event handler
# (tests/installation/test_production.py checks the pages' HTML and their headers).
CSP_PUBLIC = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# The Wagtail admin cannot take that policy (seen in Chromium on Wagtail 8.0): its date and
# time widgets are inline scripts, its listings and editors set style attributes, and the
# evaluation's SVG charts (pygal) carry their own style elements. Under the admin's URL it
# gets this one instead (example_site.middleware.AdminContentSecurityPolicyMiddleware):
# inline scripts and styles, but nothing from another origin (no eval either: its choosers
# do not need it), no plugins, no framing by other sites.
CSP_ADMIN = {
    **CSP_PUBLIC,
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-ancestors": ["'self'"],  # the page editor's preview panel
}
# Django 6.0 and later have a Content-Security-Policy middleware of their own; on 5.2,
# django-csp (pip install django-csp) does the same from its own setting.
if django.VERSION >= (6, 0):
    _CSP_MIDDLEWARE = "django.middleware.csp.ContentSecurityPolicyMiddleware"
    SECURE_CSP = CSP_PUBLIC
else:
    _CSP_MIDDLEWARE = "csp.middleware.CSPMiddleware"
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": CSP_PUBLIC}
# SecurityMiddleware first (the redirect to HTTPS before anything else); the admin's policy
# inside the CSP middleware, which leaves a policy already set alone.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    _CSP_MIDDLEWARE,
    "example_site.middleware.AdminContentSecurityPolicyMiddleware",
    *(name for name in MIDDLEWARE if name != "django.middleware.security.SecurityMiddleware"),
]

_SMTP = {
    "host": os.environ.get("EMAIL_HOST", "localhost"),
    "port": int(os.environ.get("EMAIL_PORT", "25")),
    "timeout": 30,  # a hung SMTP server must not hold the worker (and its row lock) forever
}
# Django 6.1 replaces EMAIL_BACKEND, EMAIL_HOST… by MAILERS (the old settings warn, and may
# not stand beside it); 5.2 and 6.0 know only the old ones. The environment is the same.
if django.VERSION >= (6, 1):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": _SMTP}}
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, EMAIL_PORT, EMAIL_TIMEOUT = _SMTP["host"], _SMTP["port"], _SMTP["timeout"]
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", DEFAULT_FROM_EMAIL)  # noqa: F405

# E-mails are queued in the database and sent by the worker: `python manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
