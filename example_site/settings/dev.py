import django

from .base import *  # noqa: F401,F403

DEBUG = True
SECRET_KEY = "django-insecure-example-site-dev-only"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Django 6.1 replaces EMAIL_BACKEND and the other EMAIL_* settings by MAILERS (the old ones
# warn, and may not stand beside it); 5.2 and 6.0 know only the old ones.
if django.VERSION >= (6, 1):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

try:
    from .local import *  # noqa: F401,F403
except ImportError:
    pass
