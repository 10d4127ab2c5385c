"""The moderation of success stories: a Wagtail task that checks recorded consents."""

from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask


class ConsentCheckTask(AbstractGroupApprovalTask):
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
        return _("Members of the chosen groups approve, once every person named and every image used has a recorded consent")

    class Meta:
        verbose_name = _("Consent check")
        verbose_name_plural = _("Consent checks")
