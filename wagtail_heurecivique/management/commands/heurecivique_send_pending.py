from django.core.management.base import BaseCommand

from wagtail_heurecivique.notifications import resend_pending


class Command(BaseCommand):
    help = "Enqueue again the e-mails that failed or were never sent (run every few minutes; idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--max-attempts", type=int, default=5)

    def handle(self, *args, max_attempts, **options):
        count = resend_pending(max_attempts=max_attempts)
        self.stdout.write(f"{count} e-mail(s) enqueued again.")
