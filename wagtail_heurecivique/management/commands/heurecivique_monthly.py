import datetime

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext, ngettext_lazy

from wagtail_heurecivique.core.periodic import PeriodicCommand
from wagtail_heurecivique.notifications.tasks import send_monthly_messages_job


class Command(PeriodicCommand):
    help = (
        "E-mail active volunteers “Votre Heure Civique de <mois>”: the actions planned this month and "
        "their hours; those who chose the quarterly message receive it in January, April, July and "
        "October, covering the quarter. Paused volunteers are left out (run on the 1st; idempotent)."
    )
    task = send_monthly_messages_job
    report_message = ngettext_lazy("%(count)s message queued.", "%(count)s messages queued.", "count")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--month", help="YYYY-MM (default: the current month)")

    def task_arguments(self, *, month=None, **options):
        # Decided here, not by the worker: a job run late still sends the month cron meant.
        if not month:
            return {"month": f"{timezone.localdate():%Y-%m}"}
        try:
            first = datetime.date.fromisoformat(f"{month}-01")
        except ValueError:
            raise CommandError(gettext("--month takes YYYY-MM, for example 2026-12.")) from None
        return {"month": f"{first:%Y-%m}"}
