"""Every model of the app, where Django looks for them: the domain's (``core.models``),
the page models (``site``) and the moderation tasks (``moderation``).

Code of the plugin imports a model from the module that defines it; this module is the
public import path for host sites and tests (``from wagtail_heurecivique.models import Need``).
"""

from wagtail_heurecivique.core.models.catalogue import Category, Skill
from wagtail_heurecivique.core.models.communes import Commune, CommuneMembership
from wagtail_heurecivique.core.models.consents import Consent
from wagtail_heurecivique.core.models.needs import (
    OPEN_NEED_STATUSES,
    HoursRecord,
    Need,
    NeedReferenceCounter,
    Proposal,
)
from wagtail_heurecivique.core.models.notifications import Notification
from wagtail_heurecivique.core.models.people import Beneficiary, ErasureRequest, Partner, Volunteer
from wagtail_heurecivique.core.models.registrations import Registration
from wagtail_heurecivique.moderation.models import CommuneApprovalTask, ConsentCheckTask
from wagtail_heurecivique.site.actions import ActionIndexPage, ActionPage
from wagtail_heurecivique.site.homes import CommuneHomePage
from wagtail_heurecivique.site.pages import NeedReportPage, VolunteerSignupPage, VolunteerSpacePage
from wagtail_heurecivique.site.stories import (
    ImageConsent,
    StoryPerson,
    SuccessStoryIndexPage,
    SuccessStoryPage,
)

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
    "NeedReferenceCounter",
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
