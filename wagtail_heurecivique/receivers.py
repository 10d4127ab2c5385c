from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published

from wagtail_heurecivique.core.models.communes import Commune, CommuneMembership
from wagtail_heurecivique.moderation.workflow import assign
from wagtail_heurecivique.site.homes import CommuneHomePage
from wagtail_heurecivique.site.stories import SuccessStoryIndexPage
from wagtail_heurecivique.tenancy import access
from wagtail_heurecivique.tenancy.access import (
    PROVISIONED_FIELDS,
    follow_memberships,
    leave_editors_group,
    needs_provisioning,
    provision_commune,
    provision_home,
    release_commune,
)
from wagtail_heurecivique.tenancy.pages import create_missing_pages


@receiver(post_save, sender=SuccessStoryIndexPage, dispatch_uid="heurecivique.assign_story_moderation")
def assign_story_moderation(sender, instance, created, raw=False, **kwargs):
    """A new success-story index gets the moderation workflow at once."""
    if created and not raw:
        assign(instance)


@receiver(page_published, dispatch_uid="heurecivique.create_commune_pages")
def create_commune_pages(sender, instance, revision=None, alias=False, **kwargs):
    """A commune's home published for the first time gets its five pages.

    Only the first time: an editor who deleted one of them is not overruled at the next
    publication (the admin offers a button to create it again).
    """
    if alias or not isinstance(instance, CommuneHomePage) or not _first_publication(instance, revision):
        return
    create_missing_pages(instance, user=revision.user)


def _first_publication(page, revision):
    # Wagtail gives both dates the same instant when a page goes live for the first time. A
    # copy kept live has them equal too, but its revision holds the original's date (and its
    # children are copied after this signal): only a revision saved before any is the first.
    return (
        page.live
        and revision is not None
        and page.first_published_at is not None
        and page.first_published_at == page.last_published_at
        and revision.content.get("first_published_at") is None
    )


# --- A commune is a tenant of the page layer: its group, collection and rights follow it ---


@receiver(post_save, sender=Commune, dispatch_uid="heurecivique.provision_commune")
def provision_saved_commune(sender, instance, created, raw=False, update_fields=None, **kwargs):
    """A new commune gets its editors' group, collection and rights; a renamed one, new names."""
    if raw or (update_fields is not None and set(update_fields) <= PROVISIONED_FIELDS):
        return  # fixtures, and provisioning's own save of its links
    if created or needs_provisioning(instance):
        provision_commune(instance)


@receiver(post_save, sender=CommuneHomePage, dispatch_uid="heurecivique.grant_commune_home")
def grant_commune_home(sender, instance, created, raw=False, update_fields=None, **kwargs):
    """A new home (or a translation) opens to its commune's editors.

    Saves of some fields only (a draft's revision, a lock) cannot change the home's commune.
    """
    if raw or (not created and update_fields is not None):
        return
    provision_home(instance)


@receiver(post_save, sender=CommuneMembership, dispatch_uid="heurecivique.follow_membership")
def follow_membership(sender, instance, raw=False, **kwargs):
    """An editor membership puts its user in the commune's group; a changed role or commune, out."""
    if raw:
        return
    follow_memberships(instance.user, commune=instance.commune)


@receiver(post_delete, sender=CommuneMembership, dispatch_uid="heurecivique.follow_membership_deletion")
def follow_membership_deletion(sender, instance, **kwargs):
    leave_editors_group(instance)


@receiver(post_delete, sender=Commune, dispatch_uid="heurecivique.release_commune")
def release_deleted_commune(sender, instance, **kwargs):
    """A deleted commune takes its editors' group with it, and its collection unless media are left in it.

    ``post_delete`` is sent inside the deletion's transaction: all of it, or nothing.
    """
    release_commune(instance)


# ``Group.user_set.through`` is the user model's ``groups`` table, whichever user model it is.
@receiver(m2m_changed, sender=Group.user_set.through, dispatch_uid="heurecivique.follow_editors_groups")
def follow_editors_groups(sender, instance, action, reverse, pk_set, **kwargs):
    """A commune's editors' group ticked or unticked by hand (Wagtail's user form): the membership follows."""
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    users, groups = (pk_set, {instance.pk}) if reverse else ({instance.pk}, pk_set)
    access.follow_editors_groups(users, groups, added=action == "post_add")
