from django.utils.translation import ngettext_lazy

from wagtail_heurecivique.core.periodic import PeriodicCommand
from workflows.tasks import escalate_overdue_job


class Command(PeriodicCommand):
    help = "Record, once each, the need workflow's tasks that outlived their commune's time limit (run daily)."
    task = escalate_overdue_job
    report_message = ngettext_lazy("%(count)s task escalated.", "%(count)s tasks escalated.", "count")
