"""Permission helpers of the back office: records the workflows create, records only read.
"""

from wagtail_modeladmin.helpers import PermissionHelper


class WorkflowCreatedPermissionHelper(PermissionHelper):
    """Rows only the need workflow creates and ends (proposals): no add or delete here."""

    def user_can_create(self, user):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class ReadOnlyPermissionHelper(WorkflowCreatedPermissionHelper):
    """Rows the programme writes itself (the e-mail ledger, registrations, requests to leave): read only."""

    def user_can_edit_obj(self, user, obj):
        return False
