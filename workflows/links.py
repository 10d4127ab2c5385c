"""The volunteer's link to a proposal: signed, no login; the e-mails carry it."""

import datetime

from django.urls import reverse

from wagtail_heurecivique.core.models.needs import Proposal
from wagtail_heurecivique.core.tokens import SignedLink
from wagtail_heurecivique.notifications.links import absolute

#: A link stays readable (to say "expired" or "already answered") well after expiry.
ANSWER_LINK = SignedLink("heurecivique.proposal-answer", {"p": int, "v": int}, max_age=datetime.timedelta(days=60))


def answer_token(proposal: Proposal) -> str:
    return ANSWER_LINK.make(p=proposal.pk, v=proposal.volunteer_id)


def answer_path(proposal: Proposal) -> str:
    """The volunteer's link to answer a proposal (no login): the e-mail carries it."""
    return reverse("wagtail_heurecivique:proposal_answer", args=[answer_token(proposal)])


def answer_url(proposal: Proposal) -> str:
    return absolute(answer_path(proposal))


def proposal_for_token(token: str) -> Proposal | None:
    """The proposal a link stands for, or ``None`` when the link is forged, too old or not a proposal's."""
    data = ANSWER_LINK.read(token)
    if data is None:
        return None
    return (
        Proposal.objects.select_related("need__commune", "need__beneficiary", "volunteer")
        .filter(pk=data["p"], volunteer_id=data["v"])
        .first()
    )
