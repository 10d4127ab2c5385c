from django.core.management.base import BaseCommand

from workflows.services import escalate_overdue


class Command(BaseCommand):
    help = "Record, once each, the need workflow's tasks that outlived their commune's time limit (run daily)."

    def handle(self, *args, **options):
        count = escalate_overdue()
        self.stdout.write(f"{count} task(s) escalated.")
