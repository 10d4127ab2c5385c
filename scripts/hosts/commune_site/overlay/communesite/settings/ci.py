"""The production settings, as CI runs them: e-mails written to files instead of sent.

DEBUG stays False and the static storage stays the manifest one: the checks run against
what the commune's site serves.
"""

import os

from .production import *

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ.get("HC_HOST_MAIL_DIR", str(BASE_DIR / "sent-mail"))
