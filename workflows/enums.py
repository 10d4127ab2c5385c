from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail_heurecivique.core.enums import NeedStatus


class QualifyDecision(models.TextChoices):
    ACCEPT = "accept", _("Accept: look for volunteers")
    REFUSE = "refuse", _("Refuse")
    REDIRECT = "redirect", _("Redirect to an institutional service")


class RefusalReason(models.TextChoices):
    OUT_OF_SCOPE = "out_of_scope", _("Outside the programme (professional service, money, transport of persons…)")
    PROFESSIONAL_CARE = "professional_care", _("Needs professional care")
    DUPLICATE = "duplicate", _("Duplicate of another need")
    NO_AGREEMENT = "no_agreement", _("The person helped does not agree")
    UNREACHABLE = "unreachable", _("The person could not be reached")
    OTHER = "other", pgettext_lazy("refusal reason", "Other")


class InstitutionalService(models.TextChoices):
    CCAS = "ccas", _("CCAS (municipal social action centre)")
    SOCIAL_SERVICES = "social_services", _("Département social services")
    HEALTH = "health", _("Health professional or service")
    ASSOCIATION = "association", _("Specialised association")
    OTHER = "other", pgettext_lazy("institutional service", "Other")


class FollowUpOutcome(models.TextChoices):
    DONE = "done", _("Done: record the hours given")
    NO_SHOW = "no_show", _("Did not happen (no-show): propose to other volunteers")
    NEW_DATE = "new_date", _("Postponed to a new date")
    REMATCH = "rematch", _("Look for other volunteers")


#: How a need's handling ended: the need's own closing status, stored with the same value.
NEED_OUTCOMES = (NeedStatus.DONE, NeedStatus.REFUSED, NeedStatus.REDIRECTED, NeedStatus.CANCELLED)


class InterviewChannel(models.TextChoices):
    PHONE = "phone", _("By phone")
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("By video call")


class InterviewDecision(models.TextChoices):
    ACCEPT = "accept", _("Welcome: the volunteer becomes active")
    DECLINE = "decline", _("Not this time: the volunteer leaves, with the reason")
    UNREACHABLE = "unreachable", _("Could not be reached: try again later")


class OnboardingOutcome(models.TextChoices):
    ACCEPTED = "accepted", pgettext_lazy("onboarding outcome", "Accepted")
    DECLINED = "declined", pgettext_lazy("onboarding outcome", "Declined")
    UNREACHABLE = "unreachable", pgettext_lazy("onboarding outcome", "Not reachable")
    WITHDRAWN = "withdrawn", pgettext_lazy("onboarding outcome", "Withdrawn by the volunteer")
