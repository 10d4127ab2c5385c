"""What the steps of the need workflow do to the domain, under the process lock.

Views, links and periodic commands call these functions; each one writes the need's
history row (who, why) in the same transaction as the change.
"""

import datetime

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from wagtail_heurecivique.enums import NeedSource, NeedStatus, ProposalStatus
from wagtail_heurecivique.models import Commune, Need, Proposal
from wagtail_heurecivique.notifications import events
from wagtail_heurecivique.notifications.links import absolute

from .enums import Outcome
from .models import NeedProcess, TaskDeadline

ANSWER_SALT = "heurecivique.proposal-answer"
#: A link stays readable (to say "expired" or "already answered") well after expiry.
ANSWER_LINK_MAX_AGE = datetime.timedelta(days=60)
OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def _flow():
    from .flows import NeedFlow

    return NeedFlow


def _onboarding_flow():
    from .flows import VolunteerOnboardingFlow

    return VolunteerOnboardingFlow


def start_onboarding(volunteer, user=None):
    """Start the welcome of a volunteer: after their e-mail confirmation, or entered by a référent."""
    flow = _onboarding_flow()
    node = flow.start_staff if user is not None else flow.start_signup
    return node.run(volunteer=volunteer, user=user)


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


def answer_url(proposal):
    return absolute(answer_path(proposal))


def start(need, user=None):
    """Start the handling of a new need, through the door its source names."""
    flow = _flow()
    node = {
        NeedSource.PUBLIC_FORM: flow.start_public,
        NeedSource.REFERRAL: flow.start_referral,
    }.get(need.source, flow.start_staff)
    return node.run(need=need, user=user)


def set_deadline(task, subject, step=None):
    """``subject`` is the need (or the volunteer) whose commune sets the time limit."""
    need = subject
    step = step or task.flow_task.name
    days = subject.commune.step_sla_days(step)
    base = timezone.now()
    if step == "follow_up" and getattr(need, "planned_date", None):
        day_after = timezone.make_aware(datetime.datetime.combine(need.planned_date, datetime.time.min))
        base = max(base, day_after + datetime.timedelta(days=1))
    TaskDeadline.objects.update_or_create(task=task, defaults={"due_at": base + datetime.timedelta(days=days)})


def open_task(process, step):
    return (
        Task.objects.filter(process=process, flow_task=getattr(_flow(), step), status__in=OPEN_TASK_STATUSES)
        .order_by("-pk")
        .first()
    )


def step_title(task):
    return str(task.flow_task.task_title or task.flow_task.name)


# Volunteers' answers ------------------------------------------------------------------


def answer_token(proposal):
    return signing.dumps({"p": proposal.pk, "v": proposal.volunteer_id}, salt=ANSWER_SALT)


def answer_path(proposal):
    """The volunteer's link to answer a proposal (no login): the e-mail carries it."""
    return reverse("wagtail_heurecivique:proposal_answer", args=[answer_token(proposal)])


def proposal_for_token(token):
    """The proposal a link stands for, or ``None`` when the link is forged or too old."""
    try:
        data = signing.loads(token, salt=ANSWER_SALT, max_age=ANSWER_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        Proposal.objects.select_related("need__commune", "need__beneficiary", "volunteer")
        .filter(pk=data.get("p"), volunteer_id=data.get("v"))
        .first()
    )


def expires_at(proposal):
    return proposal.proposed_at + datetime.timedelta(hours=proposal.need.commune.proposal_expiry_hours)


class Answer:
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    FULL = "full"
    WITHDRAWN = "withdrawn"
    ALREADY = "already"


def answer(proposal, accept, now=None):
    """Record a volunteer's answer; return one of ``Answer``'s values.

    Under the process lock, so that a double click, or two volunteers taking the last
    place at once, end consistently: the first answer counts, the other is told.
    """
    now = now or timezone.now()
    need = proposal.need
    with _flow().lock(need.process.pk), transaction.atomic():
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
            _expire(proposal, now)
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
        if need.status != NeedStatus.MATCHING or accepted >= need.volunteers_wanted:
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


def volunteer_report(proposal, happened, comment="", rating=None):
    """The volunteer says whether the help took place and, if it did, may rate it from 1 to 5;
    the référent reads both at the follow-up."""
    with _flow().lock(proposal.need.process.pk), transaction.atomic():
        proposal.refresh_from_db()
        if proposal.status != ProposalStatus.ACCEPTED:
            return False
        said = gettext("It happened") if happened else gettext("It did not happen")
        text = f"{said}. {comment.strip()}".strip() if comment.strip() else f"{said}."
        changes = {"volunteer_feedback": text[:2000]}
        if happened and rating is not None:
            changes["volunteer_rating"] = rating
        record(proposal, gettext("Reported by the volunteer through their link"), **changes)
        return True


def _expire(proposal, now):
    record(
        proposal,
        gettext("No answer within %(hours)s hours: expired") % {"hours": proposal.need.commune.proposal_expiry_hours},
        status=ProposalStatus.EXPIRED, answered_at=now,
    )


def settle(need):
    """After an answer or an expiry: go on when the need is filled or nobody is left to answer."""
    process = need.process
    task = open_task(process, "await_answers")
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
            status=NeedStatus.QUALIFIED,
        )
    else:
        return
    _flow().await_answers.run(task)


def expire_proposals(now=None):
    """Expire the proposals left unanswered past their commune's limit; return how many."""
    now = now or timezone.now()
    count = 0
    for commune in Commune.objects.only("pk", "proposal_expiry_hours"):
        cutoff = now - datetime.timedelta(hours=commune.proposal_expiry_hours)
        stale = Proposal.objects.filter(
            need__commune=commune, status=ProposalStatus.PROPOSED, proposed_at__lte=cutoff,
            need__process__isnull=False,
        ).values_list("pk", flat=True)
        for pk in list(stale):
            proposal = Proposal.objects.select_related("need__commune").get(pk=pk)
            with _flow().lock(proposal.need.process.pk), transaction.atomic():
                proposal.refresh_from_db()
                proposal.need.refresh_from_db()
                if proposal.status != ProposalStatus.PROPOSED:
                    continue
                _expire(proposal, now)
                settle(proposal.need)
                count += 1
    return count


# Référents' steps ------------------------------------------------------------------------


def subject_of(task):
    """The record a task is about: the need, or the volunteer being welcomed."""
    from wagtail_heurecivique.models import Volunteer

    if task.flow_task.flow_class is _flow():
        return Need.objects.get(process=task.process_id)
    return Volunteer.objects.get(onboarding=task.process_id)


def claim(task, user):
    """Assign an unassigned task to ``user``; ``False`` if someone was quicker."""
    with task.flow_task.flow_class.lock(task.process_id), transaction.atomic():
        task.refresh_from_db()
        if task.status != STATUS.NEW or task.owner_id:
            return False
        task.flow_task.activation_class(task).assign(user)
        Task.objects.filter(pk=task.pk).update(assigned=timezone.now())
        record(subject_of(task), gettext("Task “%(step)s” taken on") % {"step": step_title(task)}, user=user)
        return True


def release(task, user):
    with task.flow_task.flow_class.lock(task.process_id), transaction.atomic():
        task.refresh_from_db()
        if task.status != STATUS.ASSIGNED:
            return False
        task.flow_task.activation_class(task).unassign()
        Task.objects.filter(pk=task.pk).update(assigned=None)
        record(subject_of(task), gettext("Task “%(step)s” handed back to the team") % {"step": step_title(task)}, user=user)
        return True


def cancel(process, user, reason):
    """Cancel the handling of a need from any step, with the référent's reason."""
    with _flow().lock(process.pk), transaction.atomic():
        process.refresh_from_db()
        need = process.need
        need.refresh_from_db()
        if not need.is_open:
            return False
        _flow().instance.cancel(process)
        for proposal in need.proposals.filter(status__in=(ProposalStatus.PROPOSED, ProposalStatus.ACCEPTED)):
            record(proposal, gettext("The need was cancelled: %(reason)s") % {"reason": reason}, user=user,
                   status=ProposalStatus.CANCELLED)
        NeedProcess.objects.filter(pk=process.pk).update(outcome=Outcome.CANCELLED)
        record(need, reason, user=user, status=NeedStatus.CANCELLED, status_reason=reason)
        return True


def escalate_overdue(now=None):
    """Record, once, each open référent task that outlived its time limit; return how many."""
    now = now or timezone.now()
    count = 0
    overdue = TaskDeadline.objects.filter(
        due_at__lte=now, escalated_at__isnull=True, task__status__in=OPEN_TASK_STATUSES
    ).values_list("task_id", flat=True)
    for task_id in list(overdue):
        task = Task.objects.get(pk=task_id)
        with task.flow_task.flow_class.lock(task.process_id), transaction.atomic():
            deadline = TaskDeadline.objects.select_for_update().get(task_id=task_id)
            task.refresh_from_db()
            if deadline.escalated_at or task.status not in OPEN_TASK_STATUSES:
                continue
            deadline.escalated_at = now
            deadline.save(update_fields=["escalated_at"])
            record(
                subject_of(task),
                pgettext("history", "Escalation: the step “%(step)s” is overdue since %(due)s")
                % {"step": step_title(task), "due": timezone.localtime(deadline.due_at).strftime("%d/%m/%Y %H:%M")},
            )
            count += 1
    return count


def send_reminders(today=None):
    """Day-before reminders and next-day "did it happen?" e-mails; return how many were new."""
    today = today or timezone.localdate()
    accepted = Proposal.objects.filter(
        status=ProposalStatus.ACCEPTED, need__status=NeedStatus.PLANNED
    ).select_related("need__commune", "volunteer")
    count = 0
    for proposal in accepted.filter(need__planned_date=today + datetime.timedelta(days=1)):
        count += bool(events.day_before(proposal, answer_url(proposal)))
    for proposal in accepted.filter(need__planned_date__lt=today, need__planned_date__gte=today - datetime.timedelta(days=7)):
        count += bool(events.did_it_happen(proposal, answer_url(proposal)))
    return count


def send_referent_digests(now=None):
    """Each référent's daily digest: new needs, tasks to take on, overdue tasks; return how many."""
    from django.contrib.auth import get_user_model

    from wagtail_heurecivique.enums import MembershipRole
    from wagtail_heurecivique.models import CommuneMembership

    from .queries import counts

    now = now or timezone.now()
    memberships = CommuneMembership.objects.filter(
        role=MembershipRole.REFERENT, wants_digest=True, user__is_active=True, commune__is_active=True
    )
    users = get_user_model().objects.filter(pk__in=memberships.values("user_id")).order_by("pk")
    inbox_url = absolute(reverse("heurecivique_inbox"))
    count = 0
    for user in users:
        communes = [m.commune for m in memberships.filter(user=user).select_related("commune").order_by("commune__name")]
        new_needs = list(
            Need.objects.filter(commune__in=communes, created_at__gte=now - datetime.timedelta(days=1))
            .order_by("-created_at").values_list("pk", flat=True)[:50]
        )
        tasks = counts(user)
        count += bool(events.referent_digest(
            user, communes[0], timezone.localdate(now), new_needs=new_needs,
            unassigned=tasks["unassigned"], overdue=tasks["overdue"], inbox_url=inbox_url,
        ))
    return count


def withdraw_volunteer(volunteer, user=None):
    """The volunteer left: nothing waits for them any more.

    A proposal waiting for their answer is declined. A help they had accepted is
    cancelled: if the need still waited for answers it is settled again (back to
    matching when nobody is left); if it was planned, its follow-up is due at once, so
    that the référent finds it first in their tasks and looks for someone else.
    """
    from viewflow.workflow.status import PROCESS

    from .enums import OnboardingOutcome
    from .models import OnboardingProcess

    left = gettext("The volunteer left the programme")
    mine = Proposal.objects.filter(
        volunteer=volunteer, status__in=(ProposalStatus.PROPOSED, ProposalStatus.ACCEPTED), need__process__isnull=False
    )
    for proposal in mine.select_related("need__process"):
        process = proposal.need.process
        with _flow().lock(process.pk), transaction.atomic():
            proposal.refresh_from_db()
            need = proposal.need
            need.refresh_from_db()
            if proposal.status == ProposalStatus.PROPOSED:
                record(proposal, left, user=user, status=ProposalStatus.DECLINED, answered_at=timezone.now())
                settle(need)
            elif proposal.status == ProposalStatus.ACCEPTED:
                record(proposal, left, user=user, status=ProposalStatus.CANCELLED)
                if need.status == NeedStatus.MATCHING:
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
        _onboarding_flow().instance.cancel(onboarding)
        OnboardingProcess.objects.filter(pk=onboarding.pk).update(outcome=OnboardingOutcome.WITHDRAWN)
