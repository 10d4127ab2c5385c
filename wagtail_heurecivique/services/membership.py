"""The volunteer space ("Mon espace"): opened by a link e-mailed to the volunteer, no password.

A link is signed, expires after ``SPACE_LINK_MINUTES`` and opens the space once: it
carries the time the space was last opened, which opening it changes (compared and set
in one UPDATE, so two clicks on the same link open one session). The space then lives
in the session for ``SPACE_SESSION_HOURS``; volunteers need no Django user.
"""

import datetime
import time
from collections.abc import Callable

from django import forms
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from wagtail_heurecivique.core.display import field_display
from wagtail_heurecivique.core.enums import ErasureRequestSource, RegistrationStatus, VolunteerStatus
from wagtail_heurecivique.core.fields import FlagsField
from wagtail_heurecivique.core.models.communes import Commune
from wagtail_heurecivique.core.models.people import ErasureRequest, Volunteer
from wagtail_heurecivique.core.models.registrations import Registration
from wagtail_heurecivique.core.personal_data import DataCategory, registry
from wagtail_heurecivique.core.settings import get_setting
from wagtail_heurecivique.core.signals import space_link_requested, volunteer_left
from wagtail_heurecivique.core.tokens import SignedLink
from wagtail_heurecivique.services.registrations import cancel

#: The link to a volunteer's space: SPACE_LINK_MINUTES minutes, once (``o``: when the space was last opened).
SPACE_LINK = SignedLink(
    "heurecivique.volunteer-space", {"v": int, "o": str},
    max_age=lambda: datetime.timedelta(minutes=get_setting("SPACE_LINK_MINUTES")),
)
SESSION_KEY = "heurecivique_volunteer_space"
#: Who may open the space: a volunteer whose address is confirmed and who has not left.
CAN_OPEN = (VolunteerStatus.TO_INTERVIEW, VolunteerStatus.ACTIVE, VolunteerStatus.PAUSED)
#: What the download gives beside the personal fields of the registry.
EXPORTED_COMMITMENT = (
    "status", "action_kinds", "availability", "frequency", "radius_km", "languages", "paused_until",
    "charter_version_accepted", "wants_proposal_emails", "wants_reminders", "wants_monthly_message",
    "message_frequency", "created_at",
)
#: Registrations still to come, which leaving cancels.
OPEN_REGISTRATIONS = (RegistrationStatus.PENDING, RegistrationStatus.REGISTERED, RegistrationStatus.WAITING)


def _stamp(volunteer):
    return volunteer.space_opened_at.isoformat() if volunteer.space_opened_at else ""


def space_token(volunteer: Volunteer) -> str:
    return SPACE_LINK.make(v=volunteer.pk, o=_stamp(volunteer))


def _read(token):
    return SPACE_LINK.read(token)


def volunteer_for_token(token: str, commune: Commune) -> Volunteer | None:
    """The volunteer a link stands for; ``None`` if forged, expired, already used or gone."""
    data = _read(token)
    if data is None:
        return None
    volunteer = Volunteer.objects.filter(pk=data["v"], commune=commune, status__in=CAN_OPEN).first()
    if volunteer is None or _stamp(volunteer) != data["o"]:
        return None
    return volunteer


def opened_by(token: str, volunteer: Volunteer) -> bool:
    """Whether ``token`` is a genuine, unexpired link of ``volunteer`` (used or not): a second click."""
    data = _read(token)
    return data is not None and data["v"] == volunteer.pk


def send_link(commune: Commune, email: str, link_for: Callable[[Volunteer], str]) -> Volunteer | None:
    """E-mail the link if the address is a volunteer's of ``commune``; the caller says the same either way."""
    volunteer = Volunteer.objects.filter(commune=commune, email=email, status__in=CAN_OPEN).first()
    if volunteer is not None:
        space_link_requested.send(sender=Volunteer, volunteer=volunteer, link=link_for(volunteer), now=timezone.now())
    return volunteer


def open_space(request: HttpRequest, volunteer: Volunteer) -> bool:
    """Use the link: ``False`` if it was used in the meantime."""
    now = timezone.now()
    used = Volunteer.objects.filter(pk=volunteer.pk, space_opened_at=volunteer.space_opened_at).update(
        space_opened_at=now
    )
    if not used:
        return False
    request.session.cycle_key()  # a new session id: nobody holding the old one is let in
    request.session[SESSION_KEY] = {"v": volunteer.pk, "at": time.time()}
    return True


def current_volunteer(request: HttpRequest, commune: Commune) -> Volunteer | None:
    """The volunteer whose space this session opened, or ``None``."""
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    if time.time() - data.get("at", 0) > get_setting("SPACE_SESSION_HOURS") * 3600:
        close_space(request)
        return None
    return (
        Volunteer.objects.filter(pk=data.get("v"), commune=commune, status__in=CAN_OPEN).select_related("commune").first()
    )


def close_space(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def registrations_of(volunteer: Volunteer) -> QuerySet[Registration]:
    """Their registrations to actions, made with their address before or after they signed up."""
    return (
        Registration.objects.filter(Q(commune=volunteer.commune_id, email=volunteer.email) | Q(volunteer=volunteer))
        .select_related("action")
        .order_by("-action__start")
    )


def save_changes(volunteer: Volunteer, form: forms.ModelForm, reason: str) -> bool:
    """Save what the form changed, and only that: the row is locked, and a volunteer who
    left in the meantime is not brought back. ``False`` if nothing could be saved."""
    with transaction.atomic():
        current = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        if current.status not in CAN_OPEN:
            return False
        volunteer = form.save(commit=False)
        many = {field.name for field in Volunteer._meta.many_to_many}
        fields = [name for name in form.changed_data if name not in many]
        if "postcode" in fields:
            # The coordinates were those of the old address: matching falls back on the postcode.
            volunteer.latitude = volunteer.longitude = None
            fields += ["latitude", "longitude"]
        volunteer._change_reason = reason
        volunteer.save(update_fields=[*fields, "updated_at"])
        form.save_m2m()
    return True


def set_pause(volunteer: Volunteer, until: datetime.date | None) -> None:
    """No proposal until ``until`` (included); ``None`` ends the pause."""
    volunteer.paused_until = until
    if until:
        reason = gettext("Pause until %(date)s asked in their space") % {"date": until.strftime("%d/%m/%Y")}
    else:
        reason = gettext("Pause ended by the volunteer in their space")
    volunteer._change_reason = reason
    volunteer.save(update_fields=["paused_until", "updated_at"])


@transaction.atomic
def leave(
    volunteer: Volunteer, *, reason: str = "", source: str = ErasureRequestSource.VOLUNTEER_SPACE, user=None
) -> ErasureRequest:
    """Record the request to leave and deactivate the volunteer now; anonymisation comes later.

    Their coming registrations are cancelled (the waiting lists move up) and the
    ``volunteer_left`` signal lets the workflows withdraw what was waiting for them.
    """
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.status == VolunteerStatus.LEFT:
        return volunteer.erasure_requests.first()
    request = ErasureRequest(volunteer=volunteer, commune=volunteer.commune, source=source, reason=reason.strip()[:2000])
    request._change_reason = ErasureRequestSource(source).label
    request._history_user = user
    request.save()
    volunteer.status = VolunteerStatus.LEFT
    volunteer.wants_proposal_emails = volunteer.wants_reminders = volunteer.wants_monthly_message = False
    volunteer._change_reason = gettext("Asked to leave the programme (request no. %(number)s)") % {"number": request.pk}
    volunteer._history_user = user
    volunteer.save()
    now = timezone.now()
    for consent in volunteer.consents.in_force():
        consent.withdrawn_at = now
        consent._change_reason = gettext("Withdrawn: the volunteer left the programme")
        consent._history_user = user
        consent.save(update_fields=["withdrawn_at"])
    coming = registrations_of(volunteer).filter(status__in=OPEN_REGISTRATIONS, action__start__gte=timezone.now())
    for registration in coming:
        cancel(registration, reason=gettext("Cancelled: the volunteer left the programme"))
    volunteer_left.send(sender=Volunteer, volunteer=volunteer, user=user, request=request)
    return request


def export(volunteer: Volunteer) -> str:
    """Everything the programme keeps about the volunteer, as JSON (their right of access).

    Their personal fields come from the personal-data registry, with their commitment and
    preferences; the référent's free-text notes are not in it: they are given on a
    request made to the town hall, which reads them first.
    """

    def value(field):
        raw = getattr(volunteer, field.attname)
        if isinstance(field, FlagsField):
            return [str(label) for label in field.labels(raw)]
        if field.choices and raw:
            return field_display(field, raw)
        # The rest stays typed, as JSON reads it (a date in ISO 8601, true / false, null).
        return raw

    personal = [f.name for f in registry.fields(Volunteer) if f.category != DataCategory.FREE_TEXT]
    fields = [Volunteer._meta.get_field(name) for name in (*personal, *EXPORTED_COMMITMENT)]
    data = {
        "exported_at": timezone.now(),
        "commune": volunteer.commune.name,
        "not_included": gettext("The référent's notes: ask the town hall for them."),
        "volunteer": {
            **{f.name: value(f) for f in fields},
            "skills": sorted(volunteer.skills.values_list("name", flat=True)),
        },
        "consents": list(
            volunteer.consents.order_by("given_at").values(
                "purpose", "text_version", "given_at", "given_by", "channel", "withdrawn_at"
            )
        ),
        "registrations": [
            {"action": r.action.title, "start": r.action.start, "status": r.status, "registered_at": r.created_at,
             "confirmed_at": r.confirmed_at}
            for r in registrations_of(volunteer)
        ],
        "proposals": [
            {"need": p.need.reference, "category": p.need.category.name, "status": p.status,
             "proposed_at": p.proposed_at, "answered_at": p.answered_at, "your_feedback": p.volunteer_feedback,
             "your_rating": p.volunteer_rating}
            for p in volunteer.proposals.select_related("need__category").order_by("proposed_at")
        ],
        "hours": list(volunteer.hours.order_by("date").values("date", "minutes")),
        "emails": list(
            volunteer.notifications.order_by("created_at").values("created_at", "kind", "subject", "status", "sent_at")
        ),
        "requests_to_leave": list(volunteer.erasure_requests.values("requested_at", "source", "reason", "processed_at")),
        "changes": [
            {"date": h.history_date, "reason": h.history_change_reason or ""}
            for h in volunteer.history.order_by("history_date")
        ],
    }
    return DjangoJSONEncoder(indent=2, ensure_ascii=False).encode(data)
