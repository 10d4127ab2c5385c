from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...demo import DemoBuilder


class Command(BaseCommand):
    help = "Build the demo content of the example site (idempotent: safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--volunteers-per-commune", type=int, default=20, help="Volunteers to create in each commune."
        )

    def handle(self, *args, volunteers_per_commune, **options):
        if volunteers_per_commune < 1:
            raise CommandError(_("--volunteers-per-commune must be at least 1."))
        try:
            counts = DemoBuilder(volunteers_per_commune=volunteers_per_commune, stdout=self.stdout).build()
        except ValidationError as error:
            raise CommandError(
                _("Invalid demo data, nothing was written: %(errors)s") % {"errors": "; ".join(error.messages)}
            ) from error
        self.stdout.write(
            _("Demo ready: %(communes)s communes, %(volunteers)s volunteers, %(needs)s needs, %(proposals)s proposals.")
            % counts
        )
