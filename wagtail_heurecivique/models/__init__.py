"""The domain of L'Heure Civique. Page models live elsewhere; this package is the core."""

from .catalogue import Category, Skill
from .communes import Commune, CommuneMembership
from .consents import Consent
from .needs import OPEN_NEED_STATUSES, HoursRecord, Need, Proposal
from .notifications import Notification
from .pages import CommuneHomePage, NeedReportPage, VolunteerSignupPage, VolunteerSpacePage
from .actions import ActionIndexPage, ActionPage, Registration
from .stories import ImageConsent, StoryPerson, SuccessStoryIndexPage, SuccessStoryPage
from .moderation import CommuneApprovalTask, ConsentCheckTask
from .people import Beneficiary, ErasureRequest, Partner, Volunteer

__all__ = [
    "ActionIndexPage",
    "ActionPage",
    "Registration",
    "Beneficiary",
    "Category",
    "Commune",
    "CommuneHomePage",
    "CommuneMembership",
    "Consent",
    "ErasureRequest",
    "HoursRecord",
    "ImageConsent",
    "CommuneApprovalTask",
    "ConsentCheckTask",
    "StoryPerson",
    "SuccessStoryIndexPage",
    "SuccessStoryPage",
    "Need",
    "NeedReportPage",
    "Notification",
    "OPEN_NEED_STATUSES",
    "Partner",
    "Proposal",
    "Skill",
    "Volunteer",
    "VolunteerSignupPage",
    "VolunteerSpacePage",
]
