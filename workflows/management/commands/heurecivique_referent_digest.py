from django.core.management.base import BaseCommand

from workflows.services import send_referent_digests


class Command(BaseCommand):
    help = "E-mail each référent their daily digest, when there is something to say (run daily; idempotent)."

    def handle(self, *args, **options):
        count = send_referent_digests()
        self.stdout.write(f"{count} digest(s) queued.")
