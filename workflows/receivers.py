from django.dispatch import receiver

from wagtail_heurecivique.core.signals import (
    need_received,
    volunteer_confirmed,
    volunteer_entered,
    volunteer_left,
)

from . import flows, steps


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
