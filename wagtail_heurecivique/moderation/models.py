"""The moderation of success stories: each commune approves its own.

Both tasks of "Modération des réussites" are group approval tasks narrowed to the story's
commune: the task's groups say *who* moderates (the editors / moderators, the coordinators),
the memberships say *where* (the commune of the ``CommuneHomePage`` the story sits under).
Coordinators (``view_all_communes``) and superusers moderate every commune's stories.
"""

from functools import partial, reduce
from operator import or_

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, LockableMixin, Page, Task, TaskState

from wagtail_heurecivique.core.enums import MembershipRole
from wagtail_heurecivique.core.scoping import commune_ids_for, sees_all_communes
from wagtail_heurecivique.site.homes import CommuneHomePage

DEFAULT_FINISH_ACTION = "wagtail.workflows.publish_workflow_state"
# Cached on the user object, like Wagtail's own group checks: one query per request.
_HOME_PATHS_CACHE = "_heurecivique_moderated_home_paths"


def moderated_home_paths(user):
    """Tree paths of the homes of the communes where ``user`` is an editor / moderator."""
    if not hasattr(user, _HOME_PATHS_CACHE):
        paths = CommuneHomePage.objects.filter(
            commune_id__in=commune_ids_for(user, roles=(MembershipRole.EDITOR,))
        ).values_list("path", flat=True)
        setattr(user, _HOME_PATHS_CACHE, tuple(paths))
    return getattr(user, _HOME_PATHS_CACHE)


def _finishes_by_publishing():
    """Whether an approved workflow publishes its page, as Wagtail does unless told otherwise."""
    return getattr(settings, "WAGTAIL_FINISH_WORKFLOW_ACTION", DEFAULT_FINISH_ACTION) == DEFAULT_FINISH_ACTION


def _publish_approved(workflow_state, user=None):
    """Wagtail's ``publish_workflow_state``, without a publish permission asked of the approver."""
    workflow_state.content_object.get_latest_revision().publish(user=user, skip_permission_checks=True)


class CommuneModerationMixin:
    """What Wagtail asks a task, answered for the story's commune only.

    Put before ``AbstractGroupApprovalTask``: every answer starts from "may this user moderate
    this object", so the dashboard, the editor, the lock and the workflow action URLs agree.
    """

    def user_can_moderate(self, obj, user):
        if not (user.is_authenticated and user.is_active):
            return False
        if user.is_superuser:
            return True
        if not self._user_in_groups(user):
            return False
        if sees_all_communes(user):
            return True
        path = getattr(obj, "path", None)  # a page; a snippet belongs to no commune
        return bool(path) and any(path.startswith(home) for home in moderated_home_paths(user))

    def start(self, workflow_state, user=None):
        # Wagtail's group task keeps a lock held by a member of its groups: keep it only when
        # that member moderates this commune.
        obj = workflow_state.content_object
        if isinstance(obj, LockableMixin) and obj.locked_by and not self.user_can_moderate(obj, obj.locked_by):
            obj.locked, obj.locked_by, obj.locked_at = False, None, None
            obj.save(update_fields=["locked", "locked_by", "locked_at"])
        return Task.start(self, workflow_state, user=user)

    def user_can_access_editor(self, obj, user):
        return self.user_can_moderate(obj, user)

    def locked_for_user(self, obj, user):
        return not self.user_can_moderate(obj, user)

    def user_can_lock(self, obj, user):
        return self.user_can_moderate(obj, user)

    def user_can_unlock(self, obj, user):
        return False

    def get_actions(self, obj, user):
        if not self.user_can_moderate(obj, user):
            return []
        return super().get_actions(obj, user)

    def on_action(self, task_state, user, action_name, **kwargs):
        workflow_state = task_state.workflow_state
        obj = workflow_state.content_object
        # The views ask ``get_actions`` first; this guards any other caller.
        if not self.user_can_moderate(obj, user):
            return None
        if action_name == "approve" and isinstance(obj, Page) and _finishes_by_publishing():
            if not obj.permissions_for_user(user).can_publish():
                # Wagtail publishes an approved workflow as its last approver, and asks them for
                # a publish permission on the page. Approving here is that right: coordinators
                # hold no page permission in each commune (``tenancy``). Only this instance's
                # finish changes; Wagtail's approval, logs and signals run as they are.
                workflow_state.on_finish = partial(_publish_approved, workflow_state)
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        """In-progress states of this task under the user's communes' homes.

        One query for the homes (cached on the user), then one queryset whatever the number
        of communes or stories: the pages are matched by their tree path prefixes.
        """
        states = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        if not (user.is_authenticated and user.is_active):
            return TaskState.objects.none()
        if user.is_superuser:
            return states
        if not self._user_in_groups(user):
            return TaskState.objects.none()
        if sees_all_communes(user):
            return states
        homes = moderated_home_paths(user)
        if not homes:
            return TaskState.objects.none()
        pages = (
            Page.objects.filter(reduce(or_, (Q(path__startswith=home) for home in homes)))
            # WorkflowState.object_id is text (it points at pages and snippets alike).
            .annotate(pk_text=Cast("pk", output_field=CharField()))
            .values("pk_text")
        )
        return states.filter(
            workflow_state__base_content_type=ContentType.objects.get_for_model(Page),
            workflow_state__object_id__in=pages,
        )


class ConsentCheckTask(CommuneModerationMixin, AbstractGroupApprovalTask):
    """Approval refused while a person named or an image used lacks a recorded consent.

    The moderators see the list of what is missing on the page; the "approve" action is
    offered only once nothing is.
    """

    def missing_consents(self, obj):
        specific = getattr(obj, "specific", obj)
        check = getattr(specific, "missing_consents", None)
        return check() if check else []

    def get_actions(self, obj, user):
        actions = super().get_actions(obj, user)
        if actions and self.missing_consents(obj):
            return [action for action in actions if action[0] != "approve"]
        return actions

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == "approve" and self.missing_consents(task_state.revision.as_object()):
            return None  # the page's latest content still lacks a consent: nothing approved
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _(
            "Members of the chosen groups approve the stories of their communes, once every person named "
            "and every image used has a recorded consent"
        )

    class Meta:
        verbose_name = _("Consent check")
        verbose_name_plural = _("Consent checks")


class CommuneApprovalTask(CommuneModerationMixin, AbstractGroupApprovalTask):
    """Wagtail's group approval, by the editors / moderators of the story's commune."""

    @classmethod
    def get_description(cls):
        return _(
            "Members of the chosen groups approve the stories of the communes they are editors of; "
            "coordinators, those of every commune"
        )

    class Meta:
        verbose_name = _("Approval in the commune")
        verbose_name_plural = _("Approvals in the commune")
