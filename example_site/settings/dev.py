from .base import *  # noqa: F401,F403

DEBUG = True
SECRET_KEY = "django-insecure-example-site-dev-only"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

try:
    from .local import *  # noqa: F401,F403
except ImportError:
    pass
