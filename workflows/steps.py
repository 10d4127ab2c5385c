"""Each transition of the workflows, as a function: what a step does to the domain.

The référents' task views, the volunteers' signed links, the periodic jobs and the
receivers of the domain's signals all call these. Each one writes the history row of
what it changes (who, why) in the same transaction as the change; the ones that can be
reached at the same moment from two doors (a link and a task, two volunteers) run under
their process's lock, which the process's own flow holds (``process.flow_class``): this
module needs no flow, so the flows can name views that call it.
"""

import contextlib
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from wagtail_heurecivique.core.enums import NeedStatus, ProposalStatus, VolunteerStatus
from wagtail_heurecivique.core.models.catalogue import Category
from wagtail_heurecivique.core.models.needs import HoursRecord, Need, Proposal
from wagtail_heurecivique.core.models.people import Volunteer
from wagtail_heurecivique.core.settings import get_setting
from wagtail_heurecivique.matching.engine import propose, suggest
from wagtail_heurecivique.notifications import events

from .enums import FollowUpOutcome, InterviewDecision, OnboardingOutcome, QualifyDecision
from .links import answer_url
from .models import NeedProcess, OnboardingProcess, TaskDeadline

OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


@contextlib.contextmanager
def locked(process: Process):
    """The process's lock and one transaction: what every concurrent step writes under."""
    with process.flow_class.lock(process.pk), transaction.atomic():
        yield


def record(instance, reason, user=None, **changes):
    """Save ``instance`` with ``changes`` and a history row giving ``reason``."""
    status_changed = "status" in changes and changes["status"] != getattr(instance, "status", None)
    for name, value in changes.items():
        setattr(instance, name, value)
    instance._change_reason = reason
    if user is not None and user.is_authenticated:
        instance._history_user = user
    instance.save()
    if status_changed and isinstance(instance, Need):
        events.need_status_changed(instance, instance.history.values_list("history_id", flat=True).first())


# The tasks themselves ---------------------------------------------------------------------


def set_deadline(task: Task, subject, step: str | None = None) -> None:
    """``subject`` is the need (or the volunteer) whose commune sets the time limit."""
    step = step or task.flow_task.name
    days = subject.commune.step_sla_days(step)
    base = timezone.now()
    if step == "follow_up" and getattr(subject, "planned_date", None):
        day_after = timezone.make_aware(datetime.datetime.combine(subject.planned_date, datetime.time.min))
        base = max(base, day_after + datetime.timedelta(days=1))
    TaskDeadline.objects.update_or_create(task=task, defaults={"due_at": base + datetime.timedelta(days=days)})


def open_task(process: Process, step: str) -> Task | None:
    node = getattr(process.flow_class, step)
    return Task.objects.filter(process=process, flow_task=node, status__in=OPEN_TASK_STATUSES).order_by("-pk").first()


def step_title(task: Task) -> str:
    return str(task.flow_task.task_title or task.flow_task.name)


def subject_of(task: Task):
    """The record a task is about: the need, or the volunteer being welcomed."""
    if task.flow_task.flow_class.process_class is NeedProcess:
        return Need.objects.get(process=task.process_id)
    return Volunteer.objects.get(onboarding=task.process_id)


def claim(task: Task, user) -> bool:
    """Assign an unassigned task to ``user``; ``False`` if someone was quicker."""
    with task.flow_task.flow_class.lock(task.process_id), transaction.atomic():
        task.refresh_from_db()
        if task.status != STATUS.NEW or task.owner_id:
            return False
        task.flow_task.activation_class(task).assign(user)
        Task.objects.filter(pk=task.pk).update(assigned=timezone.now())
        record(subject_of(task), gettext("Task “%(step)s” taken on") % {"step": step_title(task)}, user=user)
        return True


def release(task: Task, user) -> bool:
    """Hand an assigned task back to the team; ``False`` if it is no longer assigned."""
    with task.flow_task.flow_class.lock(task.process_id), transaction.atomic():
        task.refresh_from_db()
        if task.status != STATUS.ASSIGNED:
            return False
        task.flow_task.activation_class(task).unassign()
        Task.objects.filter(pk=task.pk).update(assigned=None)
        record(subject_of(task), gettext("Task “%(step)s” handed back to the team") % {"step": step_title(task)}, user=user)
        return True


def save_outcome(process: Process) -> None:
    """Write the outcome a step set on ``process`` once the flow has moved (an end saves the process)."""
    if not process.outcome:
        return
    fields = ("outcome", "refusal_reason", "redirected_to") if isinstance(process, NeedProcess) else ("outcome",)
    type(process).objects.filter(pk=process.pk).update(**{name: getattr(process, name) for name in fields})


# The référents' steps of a need ---------------------------------------------------------------


def qualify(need: Need, process: NeedProcess, user, *, decision: str, category: Category, urgency: str,
            volunteers_wanted: int, message: str, refusal_reason: str = "", redirected_to: str = "") -> None:
    """The référent's qualification: to be proposed to volunteers, refused, or redirected."""
    need.category, need.urgency, need.volunteers_wanted = category, urgency, volunteers_wanted
    if decision == QualifyDecision.ACCEPT:
        record(need, gettext("Qualified: to be proposed to volunteers"), user=user, status=NeedStatus.TO_MATCH)
        return
    if decision == QualifyDecision.REFUSE:
        process.refusal_reason, process.outcome = refusal_reason, NeedStatus.REFUSED
        status, label = NeedStatus.REFUSED, process.get_refusal_reason_display()
    else:
        process.redirected_to, process.outcome = redirected_to, NeedStatus.REDIRECTED
        status, label = NeedStatus.REDIRECTED, process.get_redirected_to_display()
    record(need, f"{label} — {message}", user=user, status=status, status_reason=message)


def propose_to(need: Need, user, volunteer_ids, planned_date: datetime.date | None) -> list:
    """Propose the need to the chosen volunteers (each gets their link); return the suggestions.

    Suggestions are computed again here, under the lock: what is frozen in each proposal
    is what stands now, and a volunteer who can no longer be proposed is refused.
    """
    current = {s.volunteer.pk: s for s in suggest(need, limit=None)}
    if any(pk not in current for pk in volunteer_ids):
        raise ValidationError(gettext("A volunteer you chose cannot be proposed any more; the list is updated."))
    for pk in volunteer_ids:
        proposal = propose(need, current[pk], user=user)
        events.proposal_made(proposal, answer_url(proposal))
    record(
        need,
        gettext("Proposed to %(count)s volunteer(s); waiting for their answers") % {"count": len(volunteer_ids)},
        user=user, status=NeedStatus.AWAITING_ANSWERS, planned_date=planned_date or need.planned_date,
    )
    return list(current.values())


def go_ahead(need: Need, user, planned_date: datetime.date | None) -> None:
    """Go ahead with the volunteers who accepted, fewer than wanted: the wait for answers ends."""
    accepted = need.proposals.filter(status=ProposalStatus.ACCEPTED).count()
    record(
        need,
        gettext("Goes ahead with the %(count)s volunteer(s) who accepted") % {"count": accepted},
        user=user, status=NeedStatus.AWAITING_ANSWERS, volunteers_wanted=accepted,
        planned_date=planned_date or need.planned_date,
    )


def follow_up(need: Need, process: NeedProcess, user, *, outcome: str, present=(), date=None, minutes=None,
              rating=None, volunteer_ratings=None, volunteer_feedback="", beneficiary_feedback="",
              new_date=None) -> None:
    """The référent's follow-up: help given (hours counted), postponed, or back to matching.

    ``volunteer_ratings`` maps a proposal's pk to the rating the référent typed for its
    volunteer, ``None`` keeping what the volunteer gave through their link (maybe while the
    référent's form was open).
    """
    accepted = list(need.proposals.filter(status=ProposalStatus.ACCEPTED).select_related("volunteer"))
    if outcome == FollowUpOutcome.DONE:
        volunteer_ratings = volunteer_ratings or {}
        for proposal in accepted:
            if proposal.pk not in set(present):
                record(proposal, gettext("Absent on the day"), user=user, status=ProposalStatus.NO_SHOW)
                continue
            typed = volunteer_ratings.get(proposal.pk)
            record(
                proposal, gettext("Help given"), user=user, status=ProposalStatus.DONE, rating=rating,
                volunteer_rating=proposal.volunteer_rating if typed is None else typed,
                volunteer_feedback=volunteer_feedback or proposal.volunteer_feedback,
                beneficiary_feedback=beneficiary_feedback,
            )
            hours = HoursRecord(volunteer=proposal.volunteer, proposal=proposal, date=date, minutes=minutes,
                                description=str(need)[:255], recorded_by=user)
            hours.full_clean()
            record(hours, gettext("Hours counted at the follow-up"), user=user)
            events.help_given(proposal, hours.minutes)
        process.outcome = NeedStatus.DONE
        record(need, gettext("Help given: closed"), user=user, status=NeedStatus.DONE)
    elif outcome == FollowUpOutcome.NEW_DATE:
        record(need, gettext("Postponed to %(date)s") % {"date": new_date.strftime("%d/%m/%Y")},
               user=user, planned_date=new_date)
    else:
        status = ProposalStatus.NO_SHOW if outcome == FollowUpOutcome.NO_SHOW else ProposalStatus.CANCELLED
        label = FollowUpOutcome(outcome).label
        for proposal in accepted:
            record(proposal, label, user=user, status=status)
        record(need, gettext("Back to matching: %(why)s") % {"why": label}, user=user,
               status=NeedStatus.TO_MATCH, planned_date=None)


def cancel(process: NeedProcess, user, reason: str) -> bool:
    """Cancel the handling of a need from any step, with the référent's reason."""
    with locked(process):
        process.refresh_from_db()
        need = process.need
        need.refresh_from_db()
        if not need.is_open:
            return False
        process.flow_class.instance.cancel(process)
        for proposal in need.proposals.filter(status__in=(ProposalStatus.PROPOSED, ProposalStatus.ACCEPTED)):
            record(proposal, gettext("The need was cancelled: %(reason)s") % {"reason": reason}, user=user,
                   status=ProposalStatus.CANCELLED)
        NeedProcess.objects.filter(pk=process.pk).update(outcome=NeedStatus.CANCELLED)
        record(need, reason, user=user, status=NeedStatus.CANCELLED, status_reason=reason)
        return True


# The volunteers' answers ----------------------------------------------------------------------


def expires_at(proposal: Proposal) -> datetime.datetime:
    return proposal.proposed_at + datetime.timedelta(hours=proposal.need.commune.proposal_expiry_hours)


class Answer:
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    FULL = "full"
    WITHDRAWN = "withdrawn"
    ALREADY = "already"


def answer(proposal: Proposal, accept: bool, now: datetime.datetime | None = None) -> str:
    """Record a volunteer's answer; return one of ``Answer``'s values.

    Under the process lock, so that a double click, or two volunteers taking the last
    place at once, end consistently: the first answer counts, the other is told.
    """
    now = now or timezone.now()
    need = proposal.need
    with locked(need.process):
        proposal.refresh_from_db()
        need.refresh_from_db()
        if proposal.status == ProposalStatus.EXPIRED:
            return Answer.EXPIRED
        if proposal.status == ProposalStatus.CANCELLED:
            if need.status not in (NeedStatus.PLANNED, NeedStatus.DONE):
                return Answer.WITHDRAWN  # the need was cancelled or went back to matching
            if proposal.answered_at is None:
                return Answer.FULL  # filled by others before this volunteer answered
        if proposal.status != ProposalStatus.PROPOSED:
            return Answer.ALREADY
        if expires_at(proposal) <= now:
            expire(proposal, now)
            settle(need)
            return Answer.EXPIRED
        if not accept:
            record(
                proposal, gettext("Declined by the volunteer through their link"),
                status=ProposalStatus.DECLINED, answered_at=now,
            )
            settle(need)
            return Answer.DECLINED
        accepted = need.proposals.filter(status=ProposalStatus.ACCEPTED).count()
        if need.status != NeedStatus.AWAITING_ANSWERS or accepted >= need.volunteers_wanted:
            record(
                proposal, gettext("Accepted after the need was filled: no longer needed"),
                status=ProposalStatus.CANCELLED, answered_at=now,
            )
            return Answer.FULL
        record(
            proposal, gettext("Accepted by the volunteer through their link"),
            status=ProposalStatus.ACCEPTED, answered_at=now,
        )
        events.proposal_accepted(proposal, answer_url(proposal))
        settle(need)
        return Answer.ACCEPTED


class Report:
    """What ``volunteer_report`` returns."""

    RECORDED = "recorded"
    ALREADY = "already"  # said once for this date: the first answer stands
    TOO_EARLY = "too_early"  # before the planned date
    CLOSED = "closed"  # the help is no longer planned with this volunteer


def volunteer_report(proposal: Proposal, happened: bool, comment: str = "", rating: int | None = None,
                     today: datetime.date | None = None) -> str:
    """The volunteer says whether the help took place and, if it did, may rate it from 1 to 5;
    the référent reads both at the follow-up. Return one of ``Report``'s values.

    Once per planned date: a second answer changes nothing (a help put off to a new date is
    asked about again). Under the process lock, so that two submissions at once record one.
    """
    today = today or timezone.localdate()
    need = proposal.need
    with locked(need.process):
        proposal.refresh_from_db()
        need.refresh_from_db()
        if proposal.status != ProposalStatus.ACCEPTED or need.status != NeedStatus.PLANNED or need.planned_date is None:
            return Report.CLOSED
        if need.planned_date > today:
            return Report.TOO_EARLY
        if proposal.volunteer_reported_for == need.planned_date:
            return Report.ALREADY
        said = gettext("It happened") if happened else gettext("It did not happen")
        text = f"{said}. {comment.strip()}".strip() if comment.strip() else f"{said}."
        changes = {"volunteer_feedback": text[:2000], "volunteer_reported_for": need.planned_date}
        if happened and rating is not None:
            changes["volunteer_rating"] = rating
        record(proposal, gettext("Reported by the volunteer through their link"), **changes)
        return Report.RECORDED


def expire(proposal: Proposal, now: datetime.datetime) -> None:
    record(
        proposal,
        gettext("No answer within %(hours)s hours: expired") % {"hours": proposal.need.commune.proposal_expiry_hours},
        status=ProposalStatus.EXPIRED, answered_at=now,
    )


def settle(need: Need) -> None:
    """After an answer or an expiry: go on when the need is filled or nobody is left to answer."""
    task = open_task(need.process, "await_answers")
    if task is None:
        return
    proposals = need.proposals.all()
    accepted = sum(1 for p in proposals if p.status == ProposalStatus.ACCEPTED)
    waiting = [p for p in proposals if p.status == ProposalStatus.PROPOSED]
    if accepted >= need.volunteers_wanted:
        for proposal in waiting:
            record(proposal, gettext("The need was filled by other volunteers"), status=ProposalStatus.CANCELLED)
        record(need, gettext("Enough volunteers accepted: planned"), status=NeedStatus.PLANNED)
    elif not waiting:
        record(
            need,
            gettext("%(accepted)s of %(wanted)s volunteers accepted and nobody else is asked: back to matching")
            % {"accepted": accepted, "wanted": need.volunteers_wanted},
            status=NeedStatus.TO_MATCH,
        )
    else:
        return
    task.flow_task.run(task)


# A volunteer's welcome and departure ----------------------------------------------------------


def interview(volunteer: Volunteer, process: OnboardingProcess, user, *, decision: str, reason: str = "") -> None:
    """The référent's interview of a new volunteer: welcomed, declined, or not reachable (again)."""
    if decision == InterviewDecision.ACCEPT:
        process.outcome = OnboardingOutcome.ACCEPTED
        record(volunteer, gettext("Interview: welcomed"), user=user, status=VolunteerStatus.ACTIVE)
        events.welcome(volunteer)
        return
    if decision == InterviewDecision.DECLINE:
        process.outcome = OnboardingOutcome.DECLINED
        record(volunteer, gettext("Interview: not this time — %(reason)s") % {"reason": reason},
               user=user, status=VolunteerStatus.LEFT)
        return
    attempts = process.unreachable_attempts + 1
    process.unreachable_attempts = attempts
    OnboardingProcess.objects.filter(pk=process.pk).update(unreachable_attempts=attempts)
    if attempts >= get_setting("ONBOARDING_MAX_ATTEMPTS"):
        process.outcome = OnboardingOutcome.UNREACHABLE
        record(volunteer, gettext("Not reachable after %(count)s attempts: signup closed") % {"count": attempts},
               user=user, status=VolunteerStatus.LEFT)
        events.onboarding_closed(volunteer)
    else:
        record(volunteer, gettext("Not reachable (attempt %(count)s)") % {"count": attempts}, user=user)


def withdraw_volunteer(volunteer: Volunteer, user=None) -> None:
    """The volunteer left: nothing waits for them any more.

    A proposal waiting for their answer is declined. A help they had accepted is
    cancelled: if the need still waited for answers it is settled again (back to
    matching when nobody is left); if it was planned, its follow-up is due at once, so
    that the référent finds it first in their tasks and looks for someone else.
    """
    left = gettext("The volunteer left the programme")
    mine = Proposal.objects.filter(
        volunteer=volunteer, status__in=(ProposalStatus.PROPOSED, ProposalStatus.ACCEPTED), need__process__isnull=False
    )
    for proposal in mine.select_related("need__process"):
        process = proposal.need.process
        with locked(process):
            proposal.refresh_from_db()
            need = proposal.need
            need.refresh_from_db()
            if proposal.status == ProposalStatus.PROPOSED:
                record(proposal, left, user=user, status=ProposalStatus.DECLINED, answered_at=timezone.now())
                settle(need)
            elif proposal.status == ProposalStatus.ACCEPTED:
                record(proposal, left, user=user, status=ProposalStatus.CANCELLED)
                if need.status == NeedStatus.AWAITING_ANSWERS:
                    settle(need)
                elif need.status == NeedStatus.PLANNED:
                    record(need, gettext("%(volunteer)s left the programme: their help is cancelled, "
                                         "look for someone else at the follow-up") % {"volunteer": volunteer.public_name},
                           user=user)
                    task = open_task(process, "follow_up")
                    if task is not None:
                        TaskDeadline.objects.filter(task=task).update(due_at=timezone.now(), escalated_at=None)
    onboarding = OnboardingProcess.objects.filter(volunteer=volunteer, status=PROCESS.NEW).first()
    if onboarding is not None:
        onboarding.flow_class.instance.cancel(onboarding)
        OnboardingProcess.objects.filter(pk=onboarding.pk).update(outcome=OnboardingOutcome.WITHDRAWN)
