"""The "Modération des réussites" workflow: consent check, then the approval in the commune.

Installed by ``manage.py heurecivique_setup`` and assigned to every success-story index
(new indexes get it when they are created). Stories reach the public site only through
it: the publish action is removed for them. One workflow serves every commune: both tasks
let the editors / moderators of the story's commune approve it, and the coordinators
(``models.moderation``). Page rights on stories come from the commune's home (``tenancy``).
"""

from django.db import transaction
from wagtail.models import GroupApprovalTask, GroupPagePermission, Page, TaskState, Workflow, WorkflowPage, WorkflowTask

from wagtail_heurecivique.core.roles import group
from wagtail_heurecivique.moderation.models import CommuneApprovalTask, ConsentCheckTask
from wagtail_heurecivique.site.stories import SuccessStoryIndexPage

WORKFLOW_NAME = "Modération des réussites"
CONSENT_TASK_NAME = "Vérification des consentements"
APPROVAL_TASK_NAME = "Validation par les éditeurs / modérateurs"
#: The page rights earlier releases gave the editors' group on every story index, whatever
#: its commune; taken back (the commune's own group has them on its home).
WITHDRAWN_INDEX_ACTIONS = ("add", "change", "publish")


@transaction.atomic
def ensure_moderation_workflow():
    """Create or complete the workflow; return it. Idempotent."""
    moderators = [group("editors"), group("coordinators")]
    check = _task(ConsentCheckTask, CONSENT_TASK_NAME)
    check.groups.add(*moderators)
    approval = _task(CommuneApprovalTask, APPROVAL_TASK_NAME)
    approval.groups.add(*moderators)
    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    if created:
        WorkflowTask.objects.create(workflow=workflow, task=check, sort_order=0)
        WorkflowTask.objects.create(workflow=workflow, task=approval, sort_order=1)
    else:
        _replace_group_approval(workflow, approval, moderators[0])
    _withdraw_index_permissions(SuccessStoryIndexPage.objects.all())
    for index in SuccessStoryIndexPage.objects.all():
        assign(index, workflow)
    return workflow


def _task(model, name):
    return model.objects.filter(name=name).first() or model.objects.create(name=name)


def _replace_group_approval(workflow, approval, editors):
    """An upgraded site: the plain group approval step of earlier releases becomes ``approval``.

    It let any editor approve any commune's story. Its place in the workflow goes to the new
    task, and so do its stories waiting for approval (their task states move, their history
    and comments stay): the editors of each story's commune approve them from now on. The
    old task, used by no workflow any more, is deactivated, not deleted — its finished states
    are the stories' moderation history. A group approval step an administrator added
    (without the editors' group) is left as it is.
    """
    for step in workflow.workflow_tasks.filter(task__in=GroupApprovalTask.objects.filter(groups=editors)):
        old = step.task
        if workflow.workflow_tasks.filter(task=approval).exists():
            step.delete()
        else:
            step.task = approval
            step.save(update_fields=["task"])
        TaskState.objects.filter(task=old, status=TaskState.STATUS_IN_PROGRESS).update(task=approval)
        if not WorkflowTask.objects.filter(task=old).exists():
            old.active = False
            old.save(update_fields=["active"])


def _withdraw_index_permissions(indexes):
    codenames = [f"{action}_{Page._meta.model_name}" for action in WITHDRAWN_INDEX_ACTIONS]
    GroupPagePermission.objects.filter(
        group=group("editors"), page__in=indexes, permission__codename__in=codenames,
        permission__content_type__app_label=Page._meta.app_label,
    ).delete()


def assign(index, workflow=None):
    """The workflow on a story index.

    The editors of the commune get their rights from its home (``tenancy``), not here: the
    editors' group of earlier releases loses those it had on the index.
    """
    workflow = workflow or Workflow.objects.filter(name=WORKFLOW_NAME, active=True).first()
    if workflow is None:
        return
    WorkflowPage.objects.get_or_create(page=index, defaults={"workflow": workflow})
