"""The domain of L'Heure Civique. Page models live elsewhere; this package is the core."""

from .catalogue import Category, Skill
from .communes import Commune, CommuneMembership
from .consents import Consent
from .needs import OPEN_NEED_STATUSES, HoursRecord, Need, Proposal
from .notifications import Notification
from .people import Beneficiary, Partner, Volunteer

__all__ = [
    "Beneficiary",
    "Category",
    "Commune",
    "CommuneMembership",
    "Consent",
    "HoursRecord",
    "Need",
    "Notification",
    "OPEN_NEED_STATUSES",
    "Partner",
    "Proposal",
    "Skill",
    "Volunteer",
]
