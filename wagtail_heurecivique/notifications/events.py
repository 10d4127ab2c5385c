"""The moments of the programme that send an e-mail. Called by the workflows."""

from wagtail_heurecivique.core.enums import NeedStatus, NotificationKind, RegistrationStatus
from wagtail_heurecivique.notifications import notify

#: Need statuses a referrer hears about (the others are internal steps).
REFERRAL_NEWS = (
    NeedStatus.TO_MATCH, NeedStatus.PLANNED, NeedStatus.DONE,
    NeedStatus.REFUSED, NeedStatus.REDIRECTED, NeedStatus.CANCELLED,
)


def _to_volunteer(kind, proposal, key, **context):
    volunteer = proposal.volunteer
    return notify(
        kind, key=key, to=volunteer.email, commune=proposal.need.commune, volunteer=volunteer,
        context={"proposal": proposal.pk, **context},
    )


def proposal_made(proposal, answer_url):
    return _to_volunteer(NotificationKind.PROPOSAL, proposal, f"proposal:{proposal.pk}", answer_url=answer_url)


def proposal_accepted(proposal, answer_url):
    return _to_volunteer(NotificationKind.ACCEPTED, proposal, f"accepted:{proposal.pk}", answer_url=answer_url)


def day_before(proposal, answer_url):
    date = str(proposal.need.planned_date)
    return _to_volunteer(NotificationKind.REMINDER, proposal, f"reminder:{proposal.pk}:{date}",
                         answer_url=answer_url, planned_date=date)


def did_it_happen(proposal, answer_url):
    date = str(proposal.need.planned_date)
    return _to_volunteer(NotificationKind.FOLLOW_UP, proposal, f"follow_up:{proposal.pk}:{date}",
                         answer_url=answer_url, planned_date=date)


def help_given(proposal, minutes):
    return _to_volunteer(NotificationKind.THANKS, proposal, f"thanks:{proposal.pk}", minutes=minutes)


def need_status_changed(need, change_id):
    """``change_id`` (the history row of the change) tells a second "planned" from the first."""
    if need.status not in REFERRAL_NEWS or not need.referrer_email or not need.referrer_wants_updates:
        return None
    return notify(
        NotificationKind.REFERRAL_STATUS, key=f"referral:{need.pk}:{need.status}:{change_id}", to=need.referrer_email,
        commune=need.commune, context={"need": need.pk},
    )


def referent_digest(user, commune, day, *, new_needs, unassigned, overdue, inbox_url):
    """Only when there is something to say."""
    if not (new_needs or unassigned or overdue) or not user.email:
        return None
    return notify(
        NotificationKind.REFERENT_DIGEST, key=f"digest:{user.pk}:{day.isoformat()}", to=user.email,
        commune=commune, user=user,
        context={"new_needs": new_needs, "unassigned": unassigned, "overdue": overdue, "inbox_url": inbox_url},
    )


def _about_volunteer(kind, volunteer, key, *, fresh=False, **context):
    """A message to a volunteer about themself (their signup, welcome, space, leaving)."""
    return notify(
        kind, key=key, to=volunteer.email, commune=volunteer.commune, volunteer=volunteer,
        context={"volunteer": volunteer.pk, **context}, fresh=fresh,
    )


def _moment(now):
    """Part of the key of a message sent again at each request: when it was asked for."""
    return f"{now:%Y%m%d%H%M%S%f}"


def signup_confirmation(volunteer, confirm_url, now, *, new=False):
    """The double opt-in link; sent again (a new ledger row) when the same address signs up again.

    ``new``: the volunteer was inserted in this transaction, so no message can bear its key yet.
    """
    return _about_volunteer(NotificationKind.SIGNUP, volunteer, f"signup:{volunteer.pk}:{_moment(now)}",
                            confirm_url=confirm_url, fresh=new)


def already_registered(volunteer, now):
    return _about_volunteer(NotificationKind.ALREADY_REGISTERED, volunteer, f"already:{volunteer.pk}:{_moment(now)}")


def need_acknowledged(need, to):
    return notify(
        NotificationKind.NEED_RECEIVED, key=f"need_received:{need.pk}", to=to, commune=need.commune,
        context={"need": need.pk},
    )


def welcome(volunteer):
    return _about_volunteer(NotificationKind.WELCOME, volunteer, f"welcome:{volunteer.pk}")


def onboarding_closed(volunteer):
    return _about_volunteer(NotificationKind.ONBOARDING_CLOSED, volunteer, f"onboarding_closed:{volunteer.pk}")


def space_link(volunteer, link, now):
    """A link to the volunteer space, asked for on the site: each request sends a new one."""
    return _about_volunteer(NotificationKind.SPACE_LINK, volunteer, f"space:{volunteer.pk}:{_moment(now)}", link=link)


def left(volunteer, request):
    """The request to leave is recorded: what happens next."""
    return _about_volunteer(NotificationKind.LEFT, volunteer, f"left:{volunteer.pk}:{request.pk}")


def _registration(kind, registration, key, **context):
    action = registration.action
    return notify(
        kind, key=key, to=registration.email, commune=action.commune, volunteer=registration.volunteer,
        context={"registration": registration.pk, **context},
    )


def registration_link(registration, confirm_url, now):
    return _registration(NotificationKind.REGISTRATION_CONFIRM, registration,
                         f"registration_link:{registration.pk}:{_moment(now)}", link=confirm_url)


def registration_status(registration, cancel_url):
    registered = registration.status == RegistrationStatus.REGISTERED
    kind = NotificationKind.REGISTERED if registered else NotificationKind.WAITING_LIST
    key = f"registration:{registration.pk}:{registration.status}:{_moment(registration.confirmed_at)}"
    return _registration(kind, registration, key, link=cancel_url)


def registration_promoted(registration, cancel_url):
    return _registration(NotificationKind.PROMOTED, registration, f"promoted:{registration.pk}", link=cancel_url)


def monthly_message(volunteer, month):
    """"Votre Heure Civique de <mois>": one per volunteer and month, whatever the runs.

    ``month`` is the first day of the month; a volunteer who chose the quarterly message
    receives one covering the three months from ``month``.
    """
    return notify(
        NotificationKind.MONTHLY, key=f"monthly:{volunteer.pk}:{month:%Y-%m}", to=volunteer.email,
        commune=volunteer.commune, volunteer=volunteer,
        context={"volunteer": volunteer.pk, "month": f"{month:%Y-%m}", "frequency": volunteer.message_frequency},
    )
