"""Registrations to actions: confirmed by e-mail, within the places, with a waiting list.

The action's row is locked for every change of places, so two people confirming the
last place at once end with one registered and one on the waiting list. Once the action
has started, its registrations no longer change through a link.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.models import Page

from wagtail_heurecivique.core.enums import RegistrationStatus
from wagtail_heurecivique.core.models.base import change_reason
from wagtail_heurecivique.core.models.people import Volunteer
from wagtail_heurecivique.core.models.registrations import Registration
from wagtail_heurecivique.core.settings import get_setting
from wagtail_heurecivique.core.signals import (
    registration_confirmed,
    registration_promoted,
    registration_requested,
)
from wagtail_heurecivique.core.tokens import SignedLink, fingerprint, same_fingerprint

#: The link that confirms a registration, e-mailed when one registers: valid
#: REGISTRATION_LINK_DAYS days (registering again sends a new one).
REGISTRATION_CONFIRM_LINK = SignedLink(
    "heurecivique.registration-confirm", {"r": int, "h": str},
    max_age=lambda: datetime.timedelta(days=get_setting("REGISTRATION_LINK_DAYS")),
)
#: The link that frees a place (or leaves the waiting list), e-mailed with the place and
#: shown in the volunteer space: it works until the action starts, which is checked when
#: it is used; a year at most (actions are planned within the year, and the space always
#: shows a fresh one).
REGISTRATION_CANCEL_LINK = SignedLink(
    "heurecivique.registration-cancel", {"r": int, "h": str}, max_age=datetime.timedelta(days=366),
)
#: The link each route of an action page reads: a confirmation link cancels nothing.
LINKS = {"confirm_registration": REGISTRATION_CONFIRM_LINK, "cancel_registration": REGISTRATION_CANCEL_LINK}
#: What ``confirm`` and ``cancel`` return once the action has started: nothing changed.
STARTED = "started"


def _bound_to(registration: Registration, route: str) -> tuple[str, ...]:
    """What a link of ``route`` is tied to: the address, and for a cancel link the round of
    registration it was made in (its confirmation), so that the link of a registration one
    cancelled does not cancel the registration one made again later."""
    if route == "cancel_registration":
        return (registration.email, registration.confirmed_at.isoformat() if registration.confirmed_at else "")
    return (registration.email,)


def registration_token(registration: Registration, route: str) -> str:
    link = LINKS[route]
    return link.make(r=registration.pk, h=fingerprint(link.salt, *_bound_to(registration, route)))


def registration_for_token(token: str, action: Page, route: str) -> Registration | None:
    """The registration a link of ``route`` stands for; ``None`` if forged, expired, another
    route's, or made for another address or an earlier registration."""
    link = LINKS[route]
    data = link.read(token)
    if data is None:
        return None
    registration = Registration.objects.filter(pk=data["r"], action=action).first()
    if registration is None or not same_fingerprint(data["h"], link.salt, *_bound_to(registration, route)):
        return None
    return registration


@transaction.atomic
def register(action: Page, data: dict) -> Registration:
    """Record (or find) the registration and send the confirmation link: the same answer either way."""
    with change_reason(gettext("Registered on the action's page")):
        registration, created = Registration.objects.get_or_create(
            action=action, email=data["email"],
            defaults={
                "commune": action.commune,
                "first_name": data["first_name"],
                "volunteer": Volunteer.objects.filter(commune=action.commune, email=data["email"]).first(),
            },
        )
    if registration.status == RegistrationStatus.CANCELLED:
        registration.status = RegistrationStatus.PENDING
        registration.confirmed_at = None  # a new round: the links of the last one no longer work
        registration._change_reason = gettext("Registered again on the action's page")
        registration.save()
    if registration.status == RegistrationStatus.PENDING:
        registration_requested.send(
            sender=Registration, registration=registration,
            confirm_url=action.link("confirm_registration", registration), now=timezone.now(),
        )
    return registration


def _locked(action_pk):
    """The action's row, locked: its places are counted and given under this lock."""
    action_model = Registration._meta.get_field("action").related_model
    return action_model.objects.select_for_update().get(pk=action_pk)


@transaction.atomic
def confirm(registration: Registration) -> str:
    """A place if one is left, else the waiting list. Returns the status, or ``STARTED``."""
    action = _locked(registration.action_id)
    if action.is_past:
        return STARTED
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != RegistrationStatus.PENDING:
        return registration.status
    registration.status = RegistrationStatus.REGISTERED if action.places_left() else RegistrationStatus.WAITING
    registration.confirmed_at = timezone.now()
    registration._change_reason = gettext("Confirmed by the e-mailed link")
    registration.save()
    registration_confirmed.send(sender=Registration, registration=registration,
                                cancel_url=action.link("cancel_registration", registration))
    return registration.status


@transaction.atomic
def cancel(registration: Registration, reason: str | None = None) -> str:
    """Free the place; the first on the waiting list takes it and is told. Returns the
    status, or ``STARTED`` (nothing changed: the action has begun)."""
    action = _locked(registration.action_id)
    if action.is_past:
        return STARTED
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == RegistrationStatus.CANCELLED:
        return registration.status
    was_registered = registration.status == RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.CANCELLED
    registration._change_reason = reason or gettext("Cancelled by the e-mailed link")
    registration.save()
    if was_registered:
        first = action.registrations.filter(status=RegistrationStatus.WAITING).order_by("confirmed_at", "pk").first()
        if first is not None:
            first.status = RegistrationStatus.REGISTERED
            first._change_reason = gettext("A place freed up: taken from the waiting list")
            first.save()
            registration_promoted.send(sender=Registration, registration=first,
                                       cancel_url=action.link("cancel_registration", first))
    return registration.status
