"""Helpers that build valid records with as little noise as possible in the tests."""

import datetime
import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from wagtail_heurecivique.core.enums import ActionKind, MembershipRole, VolunteerStatus
from wagtail_heurecivique.core.roles import ensure_groups, group
from wagtail_heurecivique.models import (
    Beneficiary,
    Category,
    Commune,
    CommuneMembership,
    Consent,
    HoursRecord,
    Need,
    Partner,
    Proposal,
    Volunteer,
)

_seq = itertools.count(1)


def commune(name="Bois-Colombes", insee_code="92009", postcodes="92270", departement="92", **kwargs):
    return Commune.objects.create(name=name, insee_code=insee_code, postcodes=postcodes, departement=departement, **kwargs)


def user(username=None, *, groups=(), superuser=False, **kwargs):
    username = username or f"user{next(_seq)}"
    account = get_user_model().objects.create_user(
        username=username, password="pass", email=f"{username}@example.org", is_superuser=superuser, **kwargs
    )
    if groups:
        ensure_groups()
        account.groups.add(*(group(key) for key in groups))
    return account


def referent(commune_, username=None, **kwargs):
    account = user(username, groups=("referents",), **kwargs)
    CommuneMembership.objects.create(commune=commune_, user=account, role=MembershipRole.REFERENT)
    return account


def coordinator(username=None):
    return user(username, groups=("coordinators",))


def editor(commune_, username=None, **kwargs):
    """An editor / moderator of ``commune_``: the role's group, and the commune by a membership."""
    account = user(username, groups=("editors",), is_staff=True, **kwargs)
    CommuneMembership.objects.create(commune=commune_, user=account, role=MembershipRole.EDITOR)
    return account


def category(name="Courses", kind=ActionKind.INTERPERSONAL):
    return Category.objects.get_or_create(name=name, defaults={"slug": name.lower(), "action_kind": kind})[0]


def volunteer(commune_, **kwargs):
    n = next(_seq)
    values = {
        "first_name": "Camille",
        "last_name": f"Durand{n}",
        "email": f"camille{n}@example.org",
        "postcode": commune_.postcode_list[0],
        "status": VolunteerStatus.ACTIVE,
    }
    values.update(kwargs)
    return Volunteer.objects.create(commune=commune_, **values)


def beneficiary(commune_, **kwargs):
    values = {"first_name": "Jeanne", "last_name": f"Lambert{next(_seq)}", "postcode": commune_.postcode_list[0]}
    values.update(kwargs)
    return Beneficiary.objects.create(commune=commune_, **values)


def partner(commune_, **kwargs):
    values = {"name": f"CCAS {next(_seq)}", "kind": "social_service"}
    values.update(kwargs)
    return Partner.objects.create(commune=commune_, **values)


def need(commune_, **kwargs):
    values = {
        "title": f"Courses pour Mme Lambert {next(_seq)}",
        "kind": ActionKind.INTERPERSONAL,
        "category": category(),
        "description": "Courses de la semaine.",
        "wished_start": timezone.localdate() + datetime.timedelta(days=3),
    }
    values.update(kwargs)
    return Need.objects.create(commune=commune_, **values)


def proposal(need_, volunteer_, **kwargs):
    return Proposal.objects.create(need=need_, volunteer=volunteer_, **kwargs)


def hours(volunteer_, **kwargs):
    values = {"date": timezone.localdate(), "minutes": 60}
    values.update(kwargs)
    return HoursRecord.objects.create(volunteer=volunteer_, **values)


def consent(volunteer_=None, **kwargs):
    values = {"purpose": "charter", "text_version": "1"}
    values.update(kwargs)
    return Consent.objects.create(volunteer=volunteer_, **values)
