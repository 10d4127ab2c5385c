"""The e-mails that follow what the domain and the services announce (``core.signals``)."""

from django.dispatch import receiver

from wagtail_heurecivique.core.signals import (
    need_reported,
    registration_confirmed,
    registration_promoted,
    registration_requested,
    signup_repeated,
    signup_requested,
    space_link_requested,
    volunteer_left,
)
from wagtail_heurecivique.notifications import events


@receiver(signup_requested, dispatch_uid="heurecivique_notifications.signup_requested")
def send_signup_confirmation(sender, volunteer, confirm_url, now, new=False, **kwargs):
    events.signup_confirmation(volunteer, confirm_url, now, new=new)


@receiver(signup_repeated, dispatch_uid="heurecivique_notifications.signup_repeated")
def send_already_registered(sender, volunteer, now, **kwargs):
    events.already_registered(volunteer, now)


@receiver(need_reported, dispatch_uid="heurecivique_notifications.need_reported")
def send_need_acknowledgement(sender, need, reporter_email, **kwargs):
    events.need_acknowledged(need, reporter_email)


@receiver(space_link_requested, dispatch_uid="heurecivique_notifications.space_link_requested")
def send_space_link(sender, volunteer, link, now, **kwargs):
    events.space_link(volunteer, link, now)


@receiver(volunteer_left, dispatch_uid="heurecivique_notifications.volunteer_left")
def send_left(sender, volunteer, request=None, **kwargs):
    if request is not None:
        events.left(volunteer, request)


@receiver(registration_requested, dispatch_uid="heurecivique_notifications.registration_requested")
def send_registration_link(sender, registration, confirm_url, now, **kwargs):
    events.registration_link(registration, confirm_url, now)


@receiver(registration_confirmed, dispatch_uid="heurecivique_notifications.registration_confirmed")
def send_registration_status(sender, registration, cancel_url, **kwargs):
    events.registration_status(registration, cancel_url)


@receiver(registration_promoted, dispatch_uid="heurecivique_notifications.registration_promoted")
def send_registration_promoted(sender, registration, cancel_url, **kwargs):
    events.registration_promoted(registration, cancel_url)
