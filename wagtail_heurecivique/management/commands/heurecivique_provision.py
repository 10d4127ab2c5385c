from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Page

from wagtail_heurecivique.tenancy.provisioning import ProvisioningError, provision


class Command(BaseCommand):
    help = (
        "Create or update a département's communes from a CSV file (insee_code, name, postcodes, "
        "departement, and optionally hostname, referents, editors): their records, home pages with "
        "their pages, sites, groups, collections and memberships. Idempotent; all or nothing per commune."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_file", help="Path of the CSV file (UTF-8, comma or semicolon separated).")
        parser.add_argument("--dry-run", action="store_true", help="Say what would change, change nothing.")
        parser.add_argument(
            "--parent-page", type=int, default=None,
            help="Id of the page under which communes without a host name get their home "
            "(default: the root page of the default site).",
        )

    def handle(self, *args, csv_file, dry_run=False, parent_page=None, **options):
        try:
            text = Path(csv_file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": csv_file, "error": error}) from error
        parent = None
        if parent_page is not None:
            parent = Page.objects.filter(pk=parent_page).first()
            if parent is None:
                raise CommandError(_("No page has the id %(id)s.") % {"id": parent_page})
        try:
            results = provision(text, parent=parent, dry_run=dry_run)
        except ProvisioningError as error:
            raise CommandError(str(error)) from error
        changed = failed = 0
        for result in results:
            if result.errors:
                failed += 1
                self.stderr.write(
                    _("Line %(line)d (%(insee)s): not applied — %(errors)s")
                    % {"line": result.line, "insee": result.insee_code or "?", "errors": "; ".join(result.errors)}
                )
            elif result.changes:
                changed += 1
                self.stdout.write(
                    _("%(insee)s: %(changes)s") % {"insee": result.insee_code, "changes": ", ".join(result.changes)}
                )
        summary = ngettext(
            "%(total)d commune read — changed: %(changed)d, unchanged: %(unchanged)d, not applied: %(failed)d.",
            "%(total)d communes read — changed: %(changed)d, unchanged: %(unchanged)d, not applied: %(failed)d.",
            len(results),
        ) % {"total": len(results), "changed": changed, "unchanged": len(results) - changed - failed, "failed": failed}
        if dry_run:
            summary += " " + _("Dry run: nothing was changed.")
        self.stdout.write(summary)
        if failed:
            raise CommandError(
                ngettext("%(count)d commune was not applied.", "%(count)d communes were not applied.", failed)
                % {"count": failed}
            )
