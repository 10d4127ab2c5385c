"""Absolute links in e-mails, and the signed one-click unsubscribe token."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

UNSUBSCRIBE_SALT = "heurecivique.unsubscribe"

#: What one can stop receiving: the topic names the record and its yes/no field.
TOPICS = {
    "proposals": ("volunteer", "wants_proposal_emails"),
    "reminders": ("volunteer", "wants_reminders"),
    "monthly": ("volunteer", "wants_monthly_message"),
    "referral": ("need", "referrer_wants_updates"),
    "digest": ("user", "wants_digest"),
}


def absolute(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def unsubscribe_token(obj, topic):
    return signing.dumps({"o": obj.pk, "t": topic}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(obj, topic):
    return absolute(reverse("wagtail_heurecivique:unsubscribe", args=[unsubscribe_token(obj, topic)]))


def read_unsubscribe_token(token):
    """``(pk, topic)``, or ``None`` for a forged token. They do not expire."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("t") not in TOPICS or not isinstance(data.get("o"), int):
        return None
    return data["o"], data["t"]
