"""The volunteer's link to a proposal: signed, no login; the e-mails carry it."""

import datetime

from django.core import signing
from django.urls import reverse

from wagtail_heurecivique.models import Proposal
from wagtail_heurecivique.notifications.links import absolute

ANSWER_SALT = "heurecivique.proposal-answer"
#: A link stays readable (to say "expired" or "already answered") well after expiry.
ANSWER_LINK_MAX_AGE = datetime.timedelta(days=60)


def answer_token(proposal: Proposal) -> str:
    return signing.dumps({"p": proposal.pk, "v": proposal.volunteer_id}, salt=ANSWER_SALT)


def answer_path(proposal: Proposal) -> str:
    """The volunteer's link to answer a proposal (no login): the e-mail carries it."""
    return reverse("wagtail_heurecivique:proposal_answer", args=[answer_token(proposal)])


def answer_url(proposal: Proposal) -> str:
    return absolute(answer_path(proposal))


def proposal_for_token(token: str) -> Proposal | None:
    """The proposal a link stands for, or ``None`` when the link is forged or too old."""
    try:
        data = signing.loads(token, salt=ANSWER_SALT, max_age=ANSWER_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    ids = [data.get(key) for key in ("p", "v")] if isinstance(data, dict) else []
    if len(ids) != 2 or not all(isinstance(pk, int) and 0 < pk < 2**63 for pk in ids):
        return None  # signed by this site, but not a proposal's link
    return (
        Proposal.objects.select_related("need__commune", "need__beneficiary", "volunteer")
        .filter(pk=ids[0], volunteer_id=ids[1])
        .first()
    )
