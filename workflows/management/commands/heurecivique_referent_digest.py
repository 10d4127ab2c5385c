from django.utils.translation import ngettext_lazy

from wagtail_heurecivique.core.periodic import PeriodicCommand
from workflows.tasks import send_referent_digests_job


class Command(PeriodicCommand):
    help = "E-mail each référent their daily digest, when there is something to say (run daily; idempotent)."
    task = send_referent_digests_job
    report_message = ngettext_lazy("%(count)s digest queued.", "%(count)s digests queued.", "count")
