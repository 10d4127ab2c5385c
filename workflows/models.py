"""Process data of the workflows. The domain data stays in the plugin's models."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process, Task

from .enums import NEED_OUTCOMES, InstitutionalService, OnboardingOutcome, RefusalReason


def _commune_field():
    """The commune of the process's need or volunteer, copied onto the process.

    Written when the process starts and kept in step when its subject moves commune
    (``receivers.follow_the_commune``), so that the inbox finds a commune's tasks through
    one indexed column instead of joining every process to its need or volunteer.
    """
    return models.ForeignKey(
        "wagtail_heurecivique.Commune",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        # No reverse accessor: a commune's processes are reached through its needs and volunteers.
        related_name="+",
        editable=False,
    )


class NeedProcess(Process):
    """The handling of one need, from intake to closure."""

    need = models.OneToOneField(
        "wagtail_heurecivique.Need",
        verbose_name=_("need"),
        on_delete=models.PROTECT,
        related_name="process",
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=[(status.value, status.label) for status in NEED_OUTCOMES], blank=True
    )
    refusal_reason = models.CharField(_("reason for refusal"), max_length=30, choices=RefusalReason.choices, blank=True)
    redirected_to = models.CharField(
        _("redirected to"), max_length=30, choices=InstitutionalService.choices, blank=True
    )
    commune = _commune_field()

    commune_path = "commune"

    class Meta:
        verbose_name = _("handling of a need")
        verbose_name_plural = _("handling of needs")
        # "manage" (cancel a need's handling) comes with viewflow's default permissions.
        # The steps' ones are declared here rather than auto-created by viewflow, so
        # that migrations hold them whether or not the flow module has been imported.
        permissions = [
            ("can_qualify_needprocess", _("Can qualify a need")),
            ("can_match_needprocess", _("Can propose a need to volunteers")),
            ("can_follow_up_needprocess", _("Can follow up a need")),
        ]

    def __str__(self):
        return str(self.need)

    def save(self, *args, **kwargs):
        if self.commune_id is None:
            self.commune_id = self.need.commune_id
        super().save(*args, **kwargs)


class OnboardingProcess(Process):
    """The welcome of one volunteer: from their signup to the interview's decision."""

    volunteer = models.OneToOneField(
        "wagtail_heurecivique.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="onboarding",
    )
    unreachable_attempts = models.PositiveSmallIntegerField(_("calls without an answer"), default=0)
    outcome = models.CharField(_("outcome"), max_length=20, choices=OnboardingOutcome.choices, blank=True)
    commune = _commune_field()

    commune_path = "commune"

    class Meta:
        verbose_name = _("welcome of a volunteer")
        verbose_name_plural = _("welcomes of volunteers")
        permissions = [("can_interview_onboardingprocess", _("Can interview a volunteer"))]

    def __str__(self):
        return str(self.volunteer)

    def save(self, *args, **kwargs):
        if self.commune_id is None:
            self.commune_id = self.volunteer.commune_id
        super().save(*args, **kwargs)


class TaskDeadline(models.Model):
    """When a person's task becomes overdue, and whether it was escalated.

    Written when the task is created, from the commune's time limit for the step, so
    that the inbox can put overdue tasks first in SQL.
    """

    task = models.OneToOneField(
        Task, verbose_name=_("task"), primary_key=True, on_delete=models.CASCADE, related_name="deadline"
    )
    due_at = models.DateTimeField(_("due on"), db_index=True)
    escalated_at = models.DateTimeField(_("escalated on"), null=True, blank=True)

    class Meta:
        verbose_name = _("task deadline")
        verbose_name_plural = _("task deadlines")

    def __str__(self):
        return f"{self.task_id}: {self.due_at:%Y-%m-%d %H:%M}"
