from django.utils.translation import ngettext_lazy

from wagtail_heurecivique.core.periodic import PeriodicCommand
from wagtail_heurecivique.notifications.tasks import resend_pending_job


class Command(PeriodicCommand):
    help = "Enqueue again the e-mails that failed or were never sent (run every few minutes; idempotent)."
    task = resend_pending_job
    report_message = ngettext_lazy("%(count)s e-mail enqueued again.", "%(count)s e-mails enqueued again.", "count")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--max-attempts", type=int, default=5)

    def task_arguments(self, *, max_attempts, **options):
        return {"max_attempts": max_attempts}
