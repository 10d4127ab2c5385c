import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext

from wagtail_heurecivique.enums import VolunteerStatus
from wagtail_heurecivique.models import Volunteer
from wagtail_heurecivique.notifications import events


class Command(BaseCommand):
    help = (
        "E-mail active volunteers “Votre Heure Civique de <mois>”: the actions planned this month and "
        "their hours (run on the 1st; idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: the current month)")

    def handle(self, *args, month=None, **options):
        try:
            first = datetime.date.fromisoformat(f"{month}-01") if month else timezone.localdate().replace(day=1)
        except ValueError:
            raise CommandError(gettext("--month takes YYYY-MM, for example 2026-12.")) from None
        volunteers = Volunteer.objects.filter(
            status=VolunteerStatus.ACTIVE, wants_monthly_message=True, email_bounced_at__isnull=True,
            commune__is_active=True,
        ).select_related("commune")
        count = sum(bool(events.monthly_message(volunteer, first)) for volunteer in volunteers.iterator())
        self.stdout.write(f"{count} message(s) queued.")
