from django.utils import timezone
from django.utils.translation import ngettext_lazy

from wagtail_heurecivique.core.periodic import PeriodicCommand
from workflows.tasks import send_reminders_job


class Command(PeriodicCommand):
    help = "E-mail day-before reminders and 'did it happen?' follow-ups to volunteers (run daily; idempotent)."
    task = send_reminders_job
    report_message = ngettext_lazy("%(count)s e-mail queued.", "%(count)s e-mails queued.", "count")

    def task_arguments(self, **options):
        # The day cron meant, even if the worker takes the job after midnight.
        return {"today": timezone.localdate().isoformat()}
