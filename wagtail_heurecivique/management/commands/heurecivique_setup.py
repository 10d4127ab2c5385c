from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...roles import ensure_groups


class Command(BaseCommand):
    help = "Create or complete the Heure Civique staff groups and their permissions (idempotent)."

    def handle(self, *args, **options):
        for _key, (group, created, missing) in ensure_groups().items():
            if missing:
                raise CommandError(
                    _("Permissions not found for the group “%(group)s”: %(missing)s. Run “manage.py migrate” first.")
                    % {"group": group.name, "missing": ", ".join(missing)}
                )
            message = _("Group “%(group)s” created.") if created else _("Group “%(group)s” is up to date.")
            self.stdout.write(message % {"group": group.name})
        from wagtail_heurecivique.moderation import ensure_moderation_workflow

        workflow = ensure_moderation_workflow()
        self.stdout.write(_("Workflow “%(workflow)s” is in place.") % {"workflow": workflow.name})
