from django.utils.translation import ngettext_lazy

from wagtail_heurecivique.core.periodic import PeriodicCommand
from workflows.tasks import expire_proposals_job


class Command(PeriodicCommand):
    help = "Expire the proposals volunteers left unanswered past their commune's limit (run hourly from cron)."
    task = expire_proposals_job
    report_message = ngettext_lazy("%(count)s proposal expired.", "%(count)s proposals expired.", "count")
