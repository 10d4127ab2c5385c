from example_site.settings.dev import *  # noqa
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "/tmp/shot.sqlite3"}}
