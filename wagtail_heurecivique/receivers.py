from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import page_published

from .models import CommuneHomePage, SuccessStoryIndexPage


@receiver(post_save, sender=SuccessStoryIndexPage, dispatch_uid="heurecivique.assign_story_moderation")
def assign_story_moderation(sender, instance, created, raw=False, **kwargs):
    """A new success-story index gets the moderation workflow at once."""
    if created and not raw:
        from .moderation import assign

        assign(instance)


@receiver(page_published, dispatch_uid="heurecivique.create_commune_pages")
def create_commune_pages(sender, instance, revision=None, alias=False, **kwargs):
    """A commune's home published for the first time gets its five pages.

    Only the first time: an editor who deleted one of them is not overruled at the next
    publication (the admin offers a button to create it again).
    """
    if alias or not isinstance(instance, CommuneHomePage) or not _first_publication(instance, revision):
        return
    from .commune_pages import create_missing_pages

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
