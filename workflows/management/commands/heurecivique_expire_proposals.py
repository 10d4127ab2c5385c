from django.utils.translation import ngettext

from wagtail_heurecivique.management.periodic import PeriodicCommand
from workflows.tasks import expire_proposals_job


class Command(PeriodicCommand):
    help = "Expire the proposals volunteers left unanswered past their commune's limit (run hourly from cron)."
    task = expire_proposals_job

    def report(self, count):
        return ngettext("%(count)s proposal expired.", "%(count)s proposals expired.", count) % {"count": count}
