from django.core.management.base import BaseCommand

from workflows.services import expire_proposals


class Command(BaseCommand):
    help = "Expire the proposals volunteers left unanswered past their commune's limit (run hourly from cron)."

    def handle(self, *args, **options):
        count = expire_proposals()
        self.stdout.write(f"{count} proposal(s) expired.")
