from django.core.management.base import BaseCommand

from workflows.services import send_reminders


class Command(BaseCommand):
    help = "E-mail day-before reminders and 'did it happen?' follow-ups to volunteers (run daily; idempotent)."

    def handle(self, *args, **options):
        count = send_reminders()
        self.stdout.write(f"{count} e-mail(s) queued.")
