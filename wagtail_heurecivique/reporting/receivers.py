"""A commune's public figures and its home's lists follow its data and pages: each save, move or
deletion bumps the commune's public version (``core.public_cache``).

A record moved from one commune to another (a volunteer's commune changed) renews the new one
only: the old one's figures wait for the TTL.

The bump is made at once and again after commit: a view that read the old rows while the
transaction ran cannot leave its figures under the version that follows. Writes that send no
signal (``QuerySet.update``, raw SQL) wait for the TTL, ``PUBLIC_FIGURES_CACHE_SECONDS``.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import post_page_move

from wagtail_heurecivique.core.models.communes import Commune
from wagtail_heurecivique.core.models.needs import HoursRecord, Need, Proposal
from wagtail_heurecivique.core.models.people import Volunteer
from wagtail_heurecivique.core.models.registrations import Registration
from wagtail_heurecivique.core.public_cache import bump
from wagtail_heurecivique.site.actions import ActionIndexPage, ActionPage
from wagtail_heurecivique.site.homes import CommuneHomePage
from wagtail_heurecivique.site.pages import NeedReportPage, VolunteerSignupPage, VolunteerSpacePage
from wagtail_heurecivique.site.stories import SuccessStoryIndexPage, SuccessStoryPage


def commune_of(instance):
    """The commune whose figures ``instance`` counts in, or None (already gone with a cascade)."""
    try:
        if isinstance(instance, (Volunteer, Need)):
            return instance.commune_id
        if isinstance(instance, HoursRecord):
            return instance.volunteer.commune_id
        if isinstance(instance, Proposal):
            return instance.need.commune_id
        if isinstance(instance, Registration):
            return instance.commune_id or commune_of(instance.action)
        if isinstance(instance, Commune):
            return instance.pk
        if isinstance(instance, CommuneHomePage):
            return instance.commune_id
        if isinstance(instance, Page):  # an action, a story, a door, an index: the commune of the home above
            commune = Commune.objects.of_page(instance)
            return commune.pk if commune is not None else None
    except ObjectDoesNotExist:
        return None
    return None


def renew(instance):
    commune_id = commune_of(instance)
    if commune_id is None:
        return
    bump(commune_id)
    transaction.on_commit(lambda: bump(commune_id))


def renew_saved(sender, instance, raw=False, **kwargs):
    if not raw:  # fixtures
        renew(instance)


def renew_deleted(sender, instance, **kwargs):
    renew(instance)


#: What the public figures count (``reporting.public.compute_counters``), and the pages a home lists.
COUNTED = (
    Commune, Volunteer, HoursRecord, Need, Proposal, Registration,
    CommuneHomePage, ActionIndexPage, ActionPage, SuccessStoryIndexPage, SuccessStoryPage,
    VolunteerSignupPage, NeedReportPage, VolunteerSpacePage,
)

for _model in COUNTED:
    post_save.connect(renew_saved, sender=_model, dispatch_uid=f"heurecivique.public_figures.saved.{_model.__name__}")
    post_delete.connect(renew_deleted, sender=_model, dispatch_uid=f"heurecivique.public_figures.deleted.{_model.__name__}")


@receiver(post_page_move, dispatch_uid="heurecivique.public_figures.moved")
def renew_moved(sender, instance, url_path_before=None, url_path_after=None, **kwargs):
    """A page moved may leave one commune for another: both are renewed."""
    old_parent = kwargs.get("parent_page_before")
    for page in (instance, old_parent):
        if page is not None:
            renew(page)
