"""The production settings, as CI runs them: e-mails written to files instead of sent.

DEBUG stays False and the static storage stays the manifest one: the checks run against
what the commune's site serves.
"""

import os

import django

from .production import *

_MAIL_DIR = os.environ.get("HC_HOST_MAIL_DIR", str(BASE_DIR / "sent-mail"))
# As a site on Django 6.1 says it (MAILERS; EMAIL_BACKEND and EMAIL_FILE_PATH are deprecated
# there), and as one on 5.2 or 6.0 does.
if django.VERSION >= (6, 1):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                           "OPTIONS": {"file_path": _MAIL_DIR}}}
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = _MAIL_DIR
