from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import SuccessStoryIndexPage


@receiver(post_save, sender=SuccessStoryIndexPage, dispatch_uid="heurecivique.assign_story_moderation")
def assign_story_moderation(sender, instance, created, raw=False, **kwargs):
    """A new success-story index gets the moderation workflow at once."""
    if created and not raw:
        from .moderation import assign

        assign(instance)
