"""The workflows' periodic jobs: what cron (through ``tasks.py`` and the commands) runs."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext
from viewflow.workflow.models import Task

from wagtail_heurecivique.core.enums import MembershipRole, NeedStatus, ProposalStatus
from wagtail_heurecivique.core.models.communes import Commune, CommuneMembership
from wagtail_heurecivique.core.models.needs import Need, Proposal
from wagtail_heurecivique.notifications import events
from wagtail_heurecivique.notifications.links import absolute

from .links import answer_url
from .models import TaskDeadline
from .queries import counts
from .steps import OPEN_TASK_STATUSES, expire, locked, record, settle, step_title, subject_of


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
            proposal = Proposal.objects.select_related("need__commune", "need__process").get(pk=pk)
            with locked(proposal.need.process):
                proposal.refresh_from_db()
                proposal.need.refresh_from_db()
                if proposal.status != ProposalStatus.PROPOSED:
                    continue
                expire(proposal, now)
                settle(proposal.need)
                count += 1
    return count


def escalate_overdue(now=None):
    """Record, once, each open référent task that outlived its time limit; return how many.

    Why a ``TaskDeadline`` row and this periodic job rather than viewflow 2.4's
    ``.OnTimeout(delay, then, interrupting=False)`` boundary timer (issue 15 weighed it):
    the time limit is data that the inbox, the digest and the "En retard" badge filter and
    sort by (``TaskDeadline.due_at``, indexed, one row per open step); a boundary timer would
    keep it in a second viewflow task row beside every human task, doubling the rows the
    inbox reads. The escalation changes nothing in the path (the référent still does the
    step; it records and warns), which as a boundary would take a Function and an End node in
    both flows for a side effect. And the steps already open when a flow gains a boundary
    have no armed timer unless a migration writes viewflow's task rows by hand.
    """
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
