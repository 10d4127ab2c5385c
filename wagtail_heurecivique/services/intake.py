"""What the public forms do: a volunteer signs up (double opt-in), a need is reported."""

import datetime
from collections.abc import Callable

from django import forms
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history

from wagtail_heurecivique.core.enums import (
    ActionKind,
    ConsentPurpose,
    NeedSource,
    NeedStatus,
    ReporterKind,
    VolunteerStatus,
)
from wagtail_heurecivique.core.models.base import create_with_m2m
from wagtail_heurecivique.core.models.communes import Commune
from wagtail_heurecivique.core.models.consents import Consent
from wagtail_heurecivique.core.models.needs import Need
from wagtail_heurecivique.core.models.people import Beneficiary, Volunteer
from wagtail_heurecivique.core.settings import get_setting
from wagtail_heurecivique.core.signals import (
    need_received,
    need_reported,
    signup_repeated,
    signup_requested,
    volunteer_confirmed,
)
from wagtail_heurecivique.core.tokens import SignedLink, fingerprint, same_fingerprint

#: The link that confirms a signup's address: valid SIGNUP_LINK_DAYS days.
CONFIRM_LINK = SignedLink(
    "heurecivique.signup-confirm", {"v": int, "h": str},
    max_age=lambda: datetime.timedelta(days=get_setting("SIGNUP_LINK_DAYS")),
)


def confirm_token(volunteer: Volunteer) -> str:
    return CONFIRM_LINK.make(v=volunteer.pk, h=fingerprint(CONFIRM_LINK.salt, volunteer.email))


def volunteer_for_token(token: str) -> Volunteer | None:
    """The volunteer a confirmation link stands for; ``None`` if forged, expired or outdated."""
    data = CONFIRM_LINK.read(token)
    if data is None:
        return None
    volunteer = Volunteer.objects.select_related("commune").filter(pk=data["v"]).first()
    if volunteer is None or not same_fingerprint(data["h"], CONFIRM_LINK.salt, volunteer.email):
        return None  # gone, or the address changed since the link was sent
    return volunteer


def sign_up(
    form: forms.ModelForm, commune: Commune, charter_version: str, confirm_url_for: Callable[[Volunteer], str]
) -> Volunteer:
    """Record a signup, or send the link again: the answer is the same either way.

    ``confirm_url_for(volunteer)`` builds the absolute confirmation link.

    A new address (nearly every signup) is inserted at once, with its skills, consents and
    e-mail, in one transaction; a known one meets the unique constraint of (commune, address),
    that transaction is rolled back whole, and the known volunteer is read, locked, and sent
    the link again. A double click sending the same signup twice at once takes the second way.
    """
    now = timezone.now()
    volunteer = form.save(commit=False)
    volunteer.commune = commune
    volunteer.status = VolunteerStatus.PENDING
    volunteer.charter_version_accepted = charter_version
    volunteer._change_reason = gettext("Signed up on the public site")
    try:
        with transaction.atomic():
            return _record_new_volunteer(volunteer, form, charter_version, confirm_url_for, now)
    except IntegrityError as error:
        conflict = error
    with transaction.atomic():
        email = form.cleaned_data["email"]
        existing = Volunteer.objects.select_for_update().filter(commune=commune, email=email).first()
        if existing is None:
            raise conflict  # another rule than the unique address
        if existing.status == VolunteerStatus.PENDING:
            signup_requested.send(sender=Volunteer, volunteer=existing, confirm_url=confirm_url_for(existing), now=now)
        else:
            signup_repeated.send(sender=Volunteer, volunteer=existing, now=now)
        return existing


def _record_new_volunteer(volunteer, form, charter_version, confirm_url_for, now):
    create_with_m2m(volunteer, skills=form.cleaned_data.get("skills") or [])
    consents = [
        Consent(volunteer=volunteer, commune=volunteer.commune, purpose=purpose, text_version=charter_version, given_at=now)
        for purpose in (ConsentPurpose.CHARTER, ConsentPurpose.DATA_PROCESSING)
    ]
    bulk_create_with_history(consents, Consent, default_change_reason=gettext("Consent given on the public signup form"))
    signup_requested.send(
        sender=Volunteer, volunteer=volunteer, confirm_url=confirm_url_for(volunteer), now=now, new=True,
    )
    return volunteer


@transaction.atomic
def confirm(volunteer: Volunteer) -> bool:
    """The address is confirmed: the volunteer waits for the interview. ``False`` if done before."""
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.status != VolunteerStatus.PENDING:
        return False
    volunteer.status = VolunteerStatus.TO_INTERVIEW
    volunteer._change_reason = gettext("E-mail address confirmed: to interview")
    volunteer.save()
    volunteer_confirmed.send(sender=Volunteer, volunteer=volunteer)
    return True


@transaction.atomic
def report_need(form: forms.Form, commune: Commune) -> Need:
    """Create the beneficiary and the need in its intake state; the workflow starts from the signal."""
    data = form.cleaned_data
    referrer = data["reporter_kind"] == ReporterKind.REFERRER
    beneficiary = Beneficiary(
        commune=commune,
        first_name=data["beneficiary_first_name"],
        last_name=data["beneficiary_last_name"],
        phone=data["beneficiary_phone"] or (data["reporter_phone"] if data["for_self"] else ""),
        email=data["reporter_email"] if data["for_self"] else "",
        address=data["beneficiary_address"],
        postcode=data["postcode"],
    )
    beneficiary.full_clean()
    beneficiary._change_reason = gettext("Reported on the public site")
    beneficiary.save()
    consent = Consent(
        beneficiary=beneficiary, purpose=ConsentPurpose.DATA_PROCESSING, text_version="formulaire",
        given_by="" if data["for_self"] else data["reporter_name"][:150],
    )
    consent._change_reason = gettext("Consent given on the need report form")
    consent.save()
    category = data["category"]
    reporter = data["reporter_name"] + (f" ({data['structure']})" if referrer else "")
    need = Need(
        commune=commune,
        # No name in the title: it travels in e-mails and lists.
        title=f"{category.name} ({data['postcode']})",
        # A category may have no usual kind: the need is then one person helping another,
        # which the référent corrects at qualification if it is not.
        kind=category.action_kind or ActionKind.INTERPERSONAL,
        category=category,
        description=data["description"],
        beneficiary=beneficiary,
        source=NeedSource.REFERRAL if referrer else NeedSource.PUBLIC_FORM,
        referrer_name=reporter[:150],
        referrer_email=data["reporter_email"],
        wished_start=data["wished_start"],
        postcode=data["postcode"],
        status=NeedStatus.NEW,
    )
    need.full_clean()
    need._change_reason = gettext("Reported on the public site")
    need.save()
    need_received.send(sender=Need, need=need, user=None)
    need_reported.send(sender=Need, need=need, reporter_email=data["reporter_email"])
    return need
