"""The "Modération des réussites" workflow: consent check, then the editors' approval.

Installed by ``manage.py heurecivique_setup`` and assigned to every success-story index
(new indexes get it when they are created). Stories reach the public site only through
it: the publish action is removed for them.
"""

from django.contrib.auth.models import Permission
from django.db import transaction
from wagtail.models import GroupApprovalTask, GroupPagePermission, Workflow, WorkflowPage, WorkflowTask

from .models import ConsentCheckTask, SuccessStoryIndexPage
from .roles import group

WORKFLOW_NAME = "Modération des réussites"
CONSENT_TASK_NAME = "Vérification des consentements"
APPROVAL_TASK_NAME = "Validation par les éditeurs / modérateurs"


@transaction.atomic
def ensure_moderation_workflow():
    """Create or complete the workflow; return it. Idempotent."""
    editors = group("editors")
    check = ConsentCheckTask.objects.filter(name=CONSENT_TASK_NAME).first() or ConsentCheckTask.objects.create(
        name=CONSENT_TASK_NAME
    )
    check.groups.add(editors)
    approval = GroupApprovalTask.objects.filter(name=APPROVAL_TASK_NAME).first() or GroupApprovalTask.objects.create(
        name=APPROVAL_TASK_NAME
    )
    approval.groups.add(editors)
    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    if created:
        WorkflowTask.objects.create(workflow=workflow, task=check, sort_order=0)
        WorkflowTask.objects.create(workflow=workflow, task=approval, sort_order=1)
    for index in SuccessStoryIndexPage.objects.all():
        assign(index, workflow)
    return workflow


def assign(index, workflow=None):
    """The workflow on a story index, and the editors' rights there.

    "publish" is needed for the final approval to publish; the publish action itself is
    removed for stories (``wagtail_hooks``), so it happens only through the workflow.
    """
    workflow = workflow or Workflow.objects.filter(name=WORKFLOW_NAME, active=True).first()
    if workflow is None:
        return
    WorkflowPage.objects.get_or_create(page=index, defaults={"workflow": workflow})
    editors = group("editors")
    for codename in ("add_page", "change_page", "publish_page"):
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=editors, page=index, permission=permission)
