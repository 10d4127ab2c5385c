from django.db.models.signals import post_save
from django.dispatch import receiver

from wagtail_heurecivique.core.models.needs import Need
from wagtail_heurecivique.core.models.people import Volunteer
from wagtail_heurecivique.core.signals import (
    need_received,
    volunteer_confirmed,
    volunteer_entered,
    volunteer_left,
)

from . import flows, steps
from .models import NeedProcess, OnboardingProcess


@receiver(need_received, dispatch_uid="heurecivique_workflows.start_need_process")
def start_need_process(sender, need, user=None, **kwargs):
    """Every need, whichever door it came through, starts its handling at once."""
    flows.start(need, user=user)


@receiver(volunteer_confirmed, dispatch_uid="heurecivique_workflows.start_onboarding_signup")
def start_onboarding_after_signup(sender, volunteer, **kwargs):
    flows.start_onboarding(volunteer)


@receiver(volunteer_entered, dispatch_uid="heurecivique_workflows.start_onboarding_staff")
def start_onboarding_entered(sender, volunteer, user, **kwargs):
    flows.start_onboarding(volunteer, user=user)


@receiver(volunteer_left, dispatch_uid="heurecivique_workflows.volunteer_left")
def withdraw_volunteer(sender, volunteer, user=None, **kwargs):
    """Proposals waiting for their answer are declined, their welcome closed."""
    steps.withdraw_volunteer(volunteer, user=user)


@receiver(post_save, sender=Need, dispatch_uid="heurecivique_workflows.need_commune")
@receiver(post_save, sender=Volunteer, dispatch_uid="heurecivique_workflows.volunteer_commune")
def follow_the_commune(sender, instance, created, update_fields=None, **kwargs):
    """A need or volunteer moved to another commune: its process (and its tasks) go with it.

    A new record has no process yet, and a save of other fields leaves the commune as it was.
    """
    if created or (update_fields is not None and not {"commune", "commune_id"} & set(update_fields)):
        return
    model, subject = (NeedProcess, "need") if sender is Need else (OnboardingProcess, "volunteer")
    model.objects.filter(**{subject: instance}).exclude(commune_id=instance.commune_id).update(
        commune_id=instance.commune_id
    )
