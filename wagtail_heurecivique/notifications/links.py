"""Absolute links in e-mails, and the signed one-click unsubscribe token."""

from django.conf import settings
from django.urls import reverse

from wagtail_heurecivique.core.tokens import SignedLink

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


#: The one-click unsubscribe link of an e-mail: it never expires, deliberately. Any message
#: the person kept must let them stop the next ones (RFC 8058), and all it can do is stop
#: e-mails to the record it names.
UNSUBSCRIBE_LINK = SignedLink(UNSUBSCRIBE_SALT, {"o": int, "t": str}, max_age=None)


def unsubscribe_token(obj, topic):
    return UNSUBSCRIBE_LINK.make(o=obj.pk, t=topic)


def unsubscribe_url(obj, topic):
    return absolute(reverse("wagtail_heurecivique:unsubscribe", args=[unsubscribe_token(obj, topic)]))


def read_unsubscribe_token(token):
    """``(pk, topic)``, or ``None`` for a forged token. They do not expire."""
    data = UNSUBSCRIBE_LINK.read(token)
    if data is None or data["t"] not in TOPICS:
        return None
    return data["o"], data["t"]
