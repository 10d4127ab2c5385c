"""Production: every secret comes from the environment; PostgreSQL through DATABASE_URL."""

import os

import dj_database_url
import django
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403


def _require(name):
    try:
        return os.environ[name]
    except KeyError:
        raise ImproperlyConfigured(f"Set the {name} environment variable.") from None


DEBUG = False
SECRET_KEY = _require("SECRET_KEY")
DATABASES = {"default": dj_database_url.parse(_require("DATABASE_URL"), conn_max_age=600)}
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS]
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
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
