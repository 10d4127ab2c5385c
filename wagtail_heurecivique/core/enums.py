"""Choices of the domain; labels are translated (French catalog shipped in the app)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MembershipRole(models.TextChoices):
    REFERENT = "referent", _("Référent")
    EDITOR = "editor", _("Editor / moderator")


class ActionKind(models.TextChoices):
    INTERPERSONAL = "interpersonal", _("Interpersonal")
    COLLECTIVE = "collective", _("Collective")
    ASSOCIATIVE = "associative", _("Associative")
    # Last: volunteers' preferences store one bit per kind in declaration order.
    CONVIVIAL = "convivial", _("Friendly get-together")


class Frequency(models.TextChoices):
    ONE_OFF = "one_off", _("One-off")
    MONTHLY = "monthly", _("Monthly")
    WEEKLY = "weekly", _("Weekly")


class MessageFrequency(models.TextChoices):
    """How often a volunteer receives the news message of their commune."""

    MONTHLY = "monthly", _("Every month")
    QUARTERLY = "quarterly", _("Every three months (January, April, July, October)")


class ErasureRequestSource(models.TextChoices):
    VOLUNTEER_SPACE = "space", _("From the volunteer space")
    STAFF = "staff", _("Recorded by the town hall")


class VolunteerStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("volunteer status", "Pending")
    TO_INTERVIEW = "to_interview", _("To interview")
    ACTIVE = "active", pgettext_lazy("volunteer status", "Active")
    PAUSED = "paused", pgettext_lazy("volunteer status", "Paused")
    LEFT = "left", pgettext_lazy("volunteer status", "Left")


class PartnerKind(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    SOCIAL_SERVICE = "social_service", _("Social service")
    COMPANY = "company", _("Company")
    OTHER = "other", _("Other")


class Urgency(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Urgent")


class NeedStatus(models.TextChoices):
    """Where a need stands. The last four close it; they are also its handling's outcome."""

    NEW = "new", pgettext_lazy("need status", "New")
    # Accepted at qualification (or back from a proposal nobody took): volunteers to be found.
    TO_MATCH = "to_match", pgettext_lazy("need status", "To be matched")
    # Proposed to volunteers, whose answers are awaited.
    AWAITING_ANSWERS = "awaiting_answers", pgettext_lazy("need status", "Awaiting answers")
    PLANNED = "planned", pgettext_lazy("need status", "Planned")
    DONE = "done", pgettext_lazy("need status", "Done")
    REFUSED = "refused", pgettext_lazy("need status", "Refused")
    REDIRECTED = "redirected", pgettext_lazy("need status", "Redirected")
    CANCELLED = "cancelled", pgettext_lazy("need status", "Cancelled")


class NeedSource(models.TextChoices):
    PUBLIC_FORM = "public_form", _("Public form")
    REFERRAL = "referral", _("Referral")
    STAFF = "staff", _("Entered by the town hall")


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("proposal status", "Proposed")
    ACCEPTED = "accepted", pgettext_lazy("proposal status", "Accepted")
    DECLINED = "declined", pgettext_lazy("proposal status", "Declined")
    EXPIRED = "expired", pgettext_lazy("proposal status", "Expired")
    DONE = "done", pgettext_lazy("proposal status", "Done")
    NO_SHOW = "no_show", pgettext_lazy("proposal status", "No-show")
    CANCELLED = "cancelled", pgettext_lazy("proposal status", "Cancelled")


class ConsentPurpose(models.TextChoices):
    CHARTER = "charter", _("Volunteer charter")
    DATA_PROCESSING = "data_processing", _("Processing of personal data")
    CONTACT_SHARING = "contact_sharing", _("Sharing contact details after acceptance")
    PUBLISH_NAME = "publish_name", _("Publication of the first name")
    PUBLISH_PHOTO = "publish_photo", _("Publication of photos")
    NEWSLETTER = "newsletter", _("Newsletters")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class DayPeriod(models.IntegerChoices):
    MORNING = 0, _("morning")
    AFTERNOON = 1, _("afternoon")
    EVENING = 2, _("evening")


class Language(models.TextChoices):
    """Languages a volunteer speaks and a beneficiary may need (beyond French)."""

    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")
    ARABIC = "ar", _("Arabic")
    SPANISH = "es", _("Spanish")
    PORTUGUESE = "pt", _("Portuguese")
    ITALIAN = "it", _("Italian")
    GERMAN = "de", _("German")
    TURKISH = "tr", _("Turkish")
    RUSSIAN = "ru", _("Russian")
    UKRAINIAN = "uk", _("Ukrainian")
    ROMANIAN = "ro", _("Romanian")
    POLISH = "pl", _("Polish")
    CHINESE = "zh", _("Chinese")
    WOLOF = "wo", _("Wolof")
    FRENCH_SIGN_LANGUAGE = "lsf", _("French Sign Language")


class NotificationKind(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal with its answer links")
    ACCEPTED = "accepted", _("Confirmation of acceptance")
    REMINDER = "reminder", _("Day-before reminder")
    FOLLOW_UP = "follow_up", _("Did it happen?")
    THANKS = "thanks", _("Thanks with the hours counted")
    REFERENT_DIGEST = "referent_digest", _("Référent's daily digest")
    REFERRAL_STATUS = "referral_status", _("News of a referral")
    SIGNUP = "signup", _("Confirmation of a volunteer's e-mail address")
    ALREADY_REGISTERED = "already_registered", _("Already registered")
    NEED_RECEIVED = "need_received", _("Acknowledgement of a reported need")
    WELCOME = "welcome", _("Welcome after the interview")
    MONTHLY = "monthly", _("Monthly message")
    REGISTRATION_CONFIRM = "registration_confirm", _("Confirmation of a registration to an action")
    REGISTERED = "registered", _("Place confirmed at an action")
    WAITING_LIST = "waiting_list", _("On the waiting list of an action")
    PROMOTED = "promoted", _("A place freed up at an action")
    ONBOARDING_CLOSED = "onboarding_closed", _("Signup closed: not reachable")
    SPACE_LINK = "space_link", _("Link to the volunteer space")
    LEFT = "left", _("Confirmation of leaving the programme")


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("notification status", "Queued")
    SENT = "sent", pgettext_lazy("notification status", "Sent")
    FAILED = "failed", pgettext_lazy("notification status", "Failed")
    SKIPPED = "skipped", pgettext_lazy("notification status", "Not sent")


class ReporterKind(models.TextChoices):
    RESIDENT = "resident", _("I am a resident: for myself or a neighbour")
    REFERRER = "referrer", _("I am a professional or an association (doctor, nurse, CCAS…)")


class ConsentChannel(models.TextChoices):
    WEBSITE = "website", _("On the website")
    PHONE = "phone", _("By phone, with a référent")
    PAPER = "paper", _("On paper")
    IN_PERSON = "in_person", _("In person, with a référent")


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("registration status", "To confirm")
    REGISTERED = "registered", pgettext_lazy("registration status", "Registered")
    WAITING = "waiting", pgettext_lazy("registration status", "Waiting list")
    CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")
