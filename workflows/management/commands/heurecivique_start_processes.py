from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext, ngettext

from wagtail_heurecivique.core.enums import NeedStatus
from wagtail_heurecivique.core.models.needs import OPEN_NEED_STATUSES, Need
from workflows import flows, steps


class Command(BaseCommand):
    help = (
        "Start the handling of the open needs recorded before the need workflow was installed "
        "(they start again at qualification; proposals already made are kept). Idempotent."
    )

    def handle(self, *args, **options):
        waiting = Need.objects.filter(status__in=OPEN_NEED_STATUSES, process__isnull=True).order_by("pk")
        count = 0
        for need in waiting.iterator():
            with transaction.atomic():
                if need.status != NeedStatus.NEW:
                    steps.record(
                        need, gettext("Handling started after the workflow was installed: to qualify again"),
                        status=NeedStatus.NEW,
                    )
                flows.start(need)
            count += 1
        self.stdout.write(ngettext("%(count)s need started.", "%(count)s needs started.", count) % {"count": count})
