"""The workflow rows a staff user may see, and the inbox and timeline built on them."""

from django.apps import apps
from django.db.models import BooleanField, Case, Count, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from wagtail_heurecivique.core.history import HistoryFormatter
from wagtail_heurecivique.core.models.needs import Need
from wagtail_heurecivique.core.scoping import commune_ids_for, sees_all_communes

from .enums import FollowUpOutcome, QualifyDecision
from .models import NeedProcess

HUMAN_STEPS = ("qualify", "match", "follow_up", "interview")
TIMELINE_HISTORY_ROWS = 200


def flows():
    """The workflows' flows (the app's registry of them: see ``apps.py``)."""
    return apps.get_app_config("heurecivique_workflows").flows


def _need_flow():
    return next(flow for flow in flows() if flow.process_class is NeedProcess)


def _may_view(user, flow=None):
    return bool(
        user and user.is_authenticated and user.is_active
        and any(f.instance.has_view_permission(user) for f in ([flow] if flow else flows()))
    )


def processes_for(user):
    if not _may_view(user, _need_flow()):
        return NeedProcess.objects.none()
    return NeedProcess.objects.filter(need__in=Need.objects.for_user(user).values("pk"))


def scoped_tasks(user, commune=None, *, running_only=False):
    """Tasks of the plugin's flows in the user's communes (every commune for coordinators).

    A flow's tasks are included only for a user who may view its processes. ``commune``
    narrows them to one commune (one the user may see, or nothing); ``running_only`` to the
    processes still running, looked up first (their ids), so that the tasks are then read by
    their process's index alone, whatever the département's size and its years of history.

    Driven by the commune: the processes of the communes, found through the processes' own
    indexed ``commune`` column, then their tasks by their process — one subquery, so that the
    database reads a commune's processes rather than every process of the département.
    """
    visible = [flow for flow in flows() if _may_view(user, flow)]
    if not visible:
        return Task.objects.none()
    if commune is None and sees_all_communes(user):
        return Task.objects.filter(process__flow_class__in=visible)
    communes = [commune.pk] if commune is not None else []
    if not sees_all_communes(user):
        mine = list(commune_ids_for(user).values_list("commune_id", flat=True))
        communes = [pk for pk in communes if pk in mine] if commune is not None else mine
    if not communes:
        return Task.objects.none()
    processes = [flow.process_class.objects.filter(commune__in=communes).order_by().values_list("pk", flat=True)
                 for flow in visible]
    if running_only:
        processes = [queryset.filter(status=PROCESS.NEW) for queryset in processes]
    # No ordering: the processes' default one (viewflow's -created) cannot order a union of ids.
    ids = processes[0].union(*processes[1:], all=True).order_by()
    return Task.objects.filter(process__in=list(ids) if running_only else ids)


def step_node(name):
    if name not in HUMAN_STEPS:
        return None
    return next(getattr(flow, name) for flow in flows() if hasattr(flow, name))


def inbox(user, *, commune=None, step=None, urgency=None, mine_only=False):
    """Tasks assigned to the user and tasks of their communes they may take on, overdue first."""
    now = timezone.now()
    tasks = scoped_tasks(user, commune, running_only=True).filter(flow_task_type="HUMAN", status__in=(STATUS.NEW, STATUS.ASSIGNED))
    claimable = Q(owner__isnull=True)
    if not user.is_superuser:
        claimable &= Q(owner_permission__in=user.get_all_permissions())
    tasks = tasks.filter(Q(owner=user) if mine_only else Q(owner=user) | claimable)
    if step:
        tasks = tasks.filter(flow_task=step_node(step))
    if urgency:
        tasks = tasks.filter(process__needprocess__need__urgency=urgency)
    return (
        tasks.annotate(
            is_overdue=Case(When(deadline__due_at__lte=now, then=Value(True)), default=Value(False),
                            output_field=BooleanField())
        )
        .select_related(
            "owner", "deadline", "process__needprocess__need__commune", "process__needprocess__need__category",
            "process__onboardingprocess__volunteer__commune",
        )
        .order_by(
            "-is_overdue", F("process__needprocess__need__urgency").desc(nulls_last=True), "deadline__due_at",
            "created", "pk",
        )
    )


def counts(user):
    """The numbers for the dashboard panel, in one query."""
    now = timezone.now()
    tasks = inbox(user).order_by()
    return tasks.aggregate(
        mine=Count("pk", filter=Q(owner=user)),
        unassigned=Count("pk", filter=Q(owner__isnull=True)),
        overdue=Count("pk", filter=Q(deadline__due_at__lte=now)),
    )


def outcome_label(task):
    data = task.data or {}
    outcome = data.get("outcome")
    name = task.flow_task.name
    if not outcome:
        return ""
    if name == "qualify" and outcome in QualifyDecision.values:
        return QualifyDecision(outcome).label
    if name == "follow_up" and outcome in FollowUpOutcome.values:
        return FollowUpOutcome(outcome).label
    if name == "match":
        return gettext("Proposed to %(count)s volunteer(s)") % {"count": len(data.get("volunteers", []))}
    return outcome


def timeline(process, user):
    """Tasks (who, when, outcome, comment) interleaved with the need's history rows, newest first."""
    events = []
    for task in process.task_set.select_related("owner").exclude(flow_task_type__in=("SWITCH", "EXCLUSIVE_GATEWAY")).order_by("pk"):
        events.append({
            "kind": "task",
            "date": task.finished or task.created,
            "user": task.owner,
            "title": task.flow_task.task_title or task.flow_task.name,
            "status": task.get_status_display() if hasattr(task, "get_status_display") else task.status,
            "outcome": outcome_label(task),
            "comment": (task.data or {}).get("comment", ""),
            "task": task,
        })
    formatter = HistoryFormatter(Need, user)
    records = process.need.history.order_by("-history_date", "-history_id")
    window = list(formatter.prepare(records)[: TIMELINE_HISTORY_ROWS + 1])
    for entry in formatter.entries(window, TIMELINE_HISTORY_ROWS):
        events.append({"kind": "change", "date": entry.date, "user": entry.user, "entry": entry})
    events.sort(key=lambda event: event["date"], reverse=True)
    return events
