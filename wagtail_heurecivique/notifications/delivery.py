"""Rendering and sending one ledger row: the work of the e-mail task."""

import datetime
import logging
import re
from email.headerregistry import Address
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.users.models import UserProfile

from wagtail_heurecivique.core.enums import (
    MessageFrequency,
    NeedStatus,
    NotificationKind,
    NotificationStatus,
    ProposalStatus,
    VolunteerStatus,
)
from wagtail_heurecivique.core.language import public_language
from wagtail_heurecivique.core.models.needs import HoursRecord, Need, Proposal
from wagtail_heurecivique.core.models.notifications import Notification
from wagtail_heurecivique.core.models.people import Volunteer
from wagtail_heurecivique.core.models.registrations import Registration
from wagtail_heurecivique.core.settings import get_setting
from wagtail_heurecivique.notifications.links import TOPICS, unsubscribe_url
from wagtail_heurecivique.notifications.monthly import add_months, months_covered
from wagtail_heurecivique.site.actions import ActionPage
from wagtail_heurecivique.site.homes import CommuneHomePage
from wagtail_heurecivique.site.pages import VolunteerSpacePage

logger = logging.getLogger(__name__)

#: An e-mail address inside an error message (an SMTP server's refusal names the recipient).
ADDRESS = re.compile(r"[^\s<>()\[\]{},;:\"']+@[^\s<>()\[\]{},;:\"']+")


def without_addresses(text):
    """``text`` with every e-mail address in it replaced by ``[address]``."""
    return ADDRESS.sub("[address]", text)


#: The volunteer's preference that governs each kind (the others always go).
VOLUNTEER_TOPIC = {
    NotificationKind.PROPOSAL: "proposals",
    NotificationKind.REMINDER: "reminders",
    NotificationKind.FOLLOW_UP: "reminders",
    NotificationKind.THANKS: "reminders",
    NotificationKind.MONTHLY: "monthly",
}


def _proposal(notification):
    proposal = Proposal.objects.select_related("need__commune", "need__beneficiary", "volunteer").get(
        pk=notification.context["proposal"]
    )
    return {"proposal": proposal, "need": proposal.need, "volunteer": proposal.volunteer,
            "answer_url": notification.context.get("answer_url", "")}


def _thanks(notification):
    context = _proposal(notification)
    volunteer = context["volunteer"]
    today = timezone.localdate()
    given = HoursRecord.objects.filter(volunteer=volunteer)
    context.update(
        minutes=notification.context.get("minutes", 0),
        month_minutes=given.filter(date__year=today.year, date__month=today.month).aggregate(m=Sum("minutes"))["m"] or 0,
        year_minutes=given.filter(date__year=today.year).aggregate(m=Sum("minutes"))["m"] or 0,
    )
    return context


def _referral(notification):
    need = Need.objects.select_related("commune").get(pk=notification.context["need"])
    return {"need": need, "status_label": need.get_status_display()}


def _digest(notification):
    data = notification.context
    needs = Need.objects.filter(pk__in=data.get("new_needs", [])).select_related("commune").order_by("-created_at")
    return {"new_needs": list(needs), "unassigned": data.get("unassigned", 0), "overdue": data.get("overdue", 0),
            "inbox_url": data.get("inbox_url", ""), "user": notification.user}


def _volunteer(notification):
    volunteer = Volunteer.objects.get(pk=notification.context["volunteer"])
    return {"volunteer": volunteer, "confirm_url": notification.context.get("confirm_url", ""),
            "link": notification.context.get("link", ""), "link_minutes": get_setting("SPACE_LINK_MINUTES")}


def _registration(notification):
    registration = Registration.objects.select_related("action").get(pk=notification.context["registration"])
    return {"registration": registration, "action": registration.action, "link": notification.context.get("link", "")}


#: The monthly subject, one per month: languages write "of" differently before some
#: months (French: "de décembre" but "d’avril").
MONTHLY_SUBJECTS = {
    1: _("Your Heure Civique of January"), 2: _("Your Heure Civique of February"),
    3: _("Your Heure Civique of March"), 4: _("Your Heure Civique of April"),
    5: _("Your Heure Civique of May"), 6: _("Your Heure Civique of June"),
    7: _("Your Heure Civique of July"), 8: _("Your Heure Civique of August"),
    9: _("Your Heure Civique of September"), 10: _("Your Heure Civique of October"),
    11: _("Your Heure Civique of November"), 12: _("Your Heure Civique of December"),
}


def _monthly(notification):
    volunteer = Volunteer.objects.select_related("commune").get(pk=notification.context["volunteer"])
    month = datetime.date.fromisoformat(notification.context["month"] + "-01")
    # Rows recorded before the preference existed have no frequency: they were monthly.
    frequency = notification.context.get("frequency", MessageFrequency.MONTHLY)
    months = months_covered(frequency)
    following = add_months(month, months)
    home = CommuneHomePage.objects.filter(commune=volunteer.commune).first()
    actions = []
    space = None
    if home is not None:
        space = VolunteerSpacePage.objects.child_of(home).live().first()
        actions = list(
            ActionPage.objects.descendant_of(home).live()
            .filter(start__date__gte=max(month, timezone.localdate()), start__date__lt=following).order_by("start")
        )
    given = HoursRecord.objects.filter(volunteer=volunteer)

    def minutes(records):
        return records.aggregate(m=Sum("minutes"))["m"] or 0

    return {
        "volunteer": volunteer, "month": month, "months": months, "last_month": add_months(month, months - 1),
        "quarterly": months > 1, "frequency_label": MessageFrequency(frequency).label, "actions": actions,
        "monthly_subject": MONTHLY_SUBJECTS[month.month],
        "space_url": space.get_full_url() if space is not None else "",
        "year_minutes": minutes(given.filter(date__year=month.year)),
        "month_before_minutes": minutes(given.filter(date__lt=month, date__gte=add_months(month, -1))),
        # The hours of the period just ended: the month, or the quarter, before this message.
        "period_before_minutes": minutes(given.filter(date__lt=month, date__gte=add_months(month, -months))),
    }


BUILDERS = {
    NotificationKind.MONTHLY: _monthly,
    NotificationKind.REGISTRATION_CONFIRM: _registration,
    NotificationKind.REGISTERED: _registration,
    NotificationKind.WAITING_LIST: _registration,
    NotificationKind.PROMOTED: _registration,
    NotificationKind.SIGNUP: _volunteer,
    NotificationKind.WELCOME: _volunteer,
    NotificationKind.ONBOARDING_CLOSED: _volunteer,
    NotificationKind.ALREADY_REGISTERED: _volunteer,
    NotificationKind.SPACE_LINK: _volunteer,
    NotificationKind.LEFT: _volunteer,
    NotificationKind.NEED_RECEIVED: _referral,
    NotificationKind.PROPOSAL: _proposal,
    NotificationKind.ACCEPTED: _proposal,
    NotificationKind.REMINDER: _proposal,
    NotificationKind.FOLLOW_UP: _proposal,
    NotificationKind.THANKS: _thanks,
    NotificationKind.REFERRAL_STATUS: _referral,
    NotificationKind.REFERENT_DIGEST: _digest,
}


def sender(commune=None):
    """The From header: the commune's own sender name and address, else the programme's, else Django's."""
    name, address = parseaddr(get_setting("EMAIL_FROM") or settings.DEFAULT_FROM_EMAIL)
    if commune is not None:
        name = commune.email_sender_name or name
        address = commune.email_from or address
    return str(Address(display_name=name, addr_spec=address)) if name else address


def language_of(notification):
    """Staff read their digest in their admin language; everyone else in the programme's."""
    if notification.kind == NotificationKind.REFERENT_DIGEST and notification.user is not None:
        preferred = (
            UserProfile.objects.filter(user=notification.user).values_list("preferred_language", flat=True).first()
        )
        if preferred:
            return preferred
    return public_language()


def build_message(notification):
    context = BUILDERS[notification.kind](notification)
    context.update(
        commune=notification.commune,
        site_name=getattr(settings, "WAGTAIL_SITE_NAME", ""),
    )
    topic = VOLUNTEER_TOPIC.get(notification.kind)
    if notification.volunteer_id and topic:
        context["unsubscribe_url"] = unsubscribe_url(notification.volunteer, topic)
    elif notification.kind == NotificationKind.REFERRAL_STATUS:
        context["unsubscribe_url"] = unsubscribe_url(context["need"], "referral")
    elif notification.kind == NotificationKind.REFERENT_DIGEST:
        context["unsubscribe_url"] = unsubscribe_url(notification.user, "digest")
    template = f"wagtail_heurecivique/emails/{notification.kind}"
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    commune = notification.commune
    message = EmailMultiAlternatives(
        subject=f"{get_setting('EMAIL_SUBJECT_PREFIX')}{subject}",
        body=render_to_string(f"{template}.txt", context),
        from_email=sender(commune),
        to=[notification.to],
        reply_to=[commune.email_reply_to] if commune is not None and commune.email_reply_to else None,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    if context.get("unsubscribe_url"):
        # RFC 8058: mail clients offer a one-click unsubscribe button.
        message.extra_headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


#: What a proposal must still be when its e-mail leaves (a retry may come much later).
PROPOSAL_STILL = {
    NotificationKind.PROPOSAL: (ProposalStatus.PROPOSED, (NeedStatus.AWAITING_ANSWERS,)),
    NotificationKind.ACCEPTED: (ProposalStatus.ACCEPTED, (NeedStatus.AWAITING_ANSWERS, NeedStatus.PLANNED)),
    NotificationKind.REMINDER: (ProposalStatus.ACCEPTED, (NeedStatus.PLANNED,)),
    NotificationKind.FOLLOW_UP: (ProposalStatus.ACCEPTED, (NeedStatus.PLANNED,)),
    NotificationKind.THANKS: (ProposalStatus.DONE, (NeedStatus.DONE,)),
}


def _outdated(notification):
    """A message about a proposal that changed since it was queued must not leave."""
    if notification.kind not in PROPOSAL_STILL:
        return False
    proposal_status, need_statuses = PROPOSAL_STILL[notification.kind]
    proposal = Proposal.objects.select_related("need").filter(pk=notification.context.get("proposal")).first()
    if proposal is None or proposal.status != proposal_status or proposal.need.status not in need_statuses:
        return True
    planned = notification.context.get("planned_date")
    return bool(planned) and planned != str(proposal.need.planned_date)


def _skip_reason(notification):
    if _outdated(notification):
        return gettext("The situation changed since: this message no longer applies.")
    if notification.kind == NotificationKind.SPACE_LINK:
        lifetime = datetime.timedelta(minutes=get_setting("SPACE_LINK_MINUTES"))
        if notification.created_at + lifetime <= timezone.now():
            return gettext("The link to the space has expired since it was asked for.")
    if notification.kind == NotificationKind.REFERRAL_STATUS:
        need = Need.objects.filter(pk=notification.context.get("need")).first()
        return "" if need is None or need.referrer_wants_updates else gettext("The referrer unsubscribed.")
    if notification.kind == NotificationKind.REFERENT_DIGEST:
        wants = notification.user.heurecivique_memberships.filter(wants_digest=True).exists()
        return "" if wants else gettext("The référent unsubscribed from the digest.")
    volunteer = notification.volunteer
    if volunteer is None:
        return ""
    if notification.kind == NotificationKind.MONTHLY:
        if volunteer.status != VolunteerStatus.ACTIVE:
            return gettext("The volunteer is no longer active.")
        first = datetime.date.fromisoformat(notification.context["month"] + "-01")
        if volunteer.paused_until and volunteer.paused_until >= first:
            return gettext("The volunteer paused their participation.")
    if volunteer.email_bounced_at:
        return gettext("The address bounces: nothing is sent.")
    topic = VOLUNTEER_TOPIC.get(notification.kind)
    if topic and not getattr(volunteer, TOPICS[topic][1]):
        return gettext("The volunteer unsubscribed from these messages.")
    return ""


def deliver(notification_id):
    """Send one ledger row unless it was sent already; record the outcome. Returns the status."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("volunteer", "commune", "user")
            .get(pk=notification_id)
        )
        if notification.status in (NotificationStatus.SENT, NotificationStatus.SKIPPED):
            return notification.status
        reason = _skip_reason(notification)
        if reason:
            notification.status, notification.error = NotificationStatus.SKIPPED, reason
            notification._change_reason = gettext("Not sent — %(reason)s") % {"reason": reason}
            notification.save(update_fields=["status", "error"])
            return notification.status
        notification.attempts += 1
        try:
            # A savepoint: a failing query while rendering leaves the row writable.
            with transaction.atomic(), translation.override(language_of(notification)):
                message = build_message(notification)
                message.send()
        except ObjectDoesNotExist:
            notification.status = NotificationStatus.SKIPPED
            notification.error = gettext("What the message was about no longer exists.")
            notification._change_reason = gettext("Not sent — %(reason)s") % {"reason": notification.error}
        except Exception as error:  # any backend's failure: recorded, retried later
            # The ledger row's id, never the recipient: logs are read, kept and shipped far
            # more widely than the ledger, which holds the whole error.
            logger.warning(
                "E-mail %s (%s) failed: %s: %s", notification.pk, notification.kind, type(error).__name__,
                without_addresses(str(error))[:500],
            )
            notification.status = NotificationStatus.FAILED
            notification.error = f"{type(error).__name__}: {error}"[:2000]
            notification._change_reason = gettext("Sending failed (attempt %(number)s)") % {
                "number": notification.attempts
            }
        else:
            notification.status = NotificationStatus.SENT
            notification.subject = message.subject[:255]
            notification.sent_at = timezone.now()
            notification.error = ""
            notification._change_reason = gettext("E-mail sent")
        notification.save(update_fields=["status", "error", "attempts", "subject", "sent_at"])
        return notification.status
