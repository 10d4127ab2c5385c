from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wagtail_heurecivique.core.models.catalogue import Category, Skill
from wagtail_heurecivique.core.roles import ensure_groups
from wagtail_heurecivique.moderation.workflow import ensure_moderation_workflow
from wagtail_heurecivique.services.catalogue import load_default_catalogue
from wagtail_heurecivique.tenancy.access import provision_all_communes


class Command(BaseCommand):
    help = (
        "Create or complete the Heure Civique staff groups and their permissions, the moderation "
        "workflow, each commune's editors' group, collection and page permissions, and the default "
        "catalogue of categories and skills (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-catalogue", action="store_true", help="Do not load the default catalogue of categories and skills."
        )

    def handle(self, *args, no_catalogue=False, **options):
        for _key, (group, created, missing) in ensure_groups().items():
            if missing:
                raise CommandError(
                    _("Permissions not found for the group “%(group)s”: %(missing)s. Run “manage.py migrate” first.")
                    % {"group": group.name, "missing": ", ".join(missing)}
                )
            message = _("Group “%(group)s” created.") if created else _("Group “%(group)s” is up to date.")
            self.stdout.write(message % {"group": group.name})
        workflow = ensure_moderation_workflow()
        self.stdout.write(_("Workflow “%(workflow)s” is in place.") % {"workflow": workflow.name})
        self.provision_communes()
        if no_catalogue:
            self.stdout.write(_("Default catalogue not loaded (--no-catalogue)."))
        else:
            self.load_catalogue()

    def provision_communes(self):
        results = provision_all_communes()
        self.stdout.write(
            _(
                "Communes provisioned (editors' group, collection, page permissions): %(count)s — "
                "changed: %(changed)s, already up to date: %(kept)s."
            )
            % {
                "count": len(results),
                "changed": sum(result.changed for result in results),
                "kept": sum(not result.changed for result in results),
            }
        )

    def load_catalogue(self):
        created, kept = load_default_catalogue()
        messages = [
            (Category, _("Categories of the default catalogue — created: %(created)s, already there: %(kept)s.")),
            (Skill, _("Skills of the default catalogue — created: %(created)s, already there: %(kept)s.")),
        ]
        for model, message in messages:
            counts = {
                "created": sum(isinstance(record, model) for record in created),
                "kept": sum(isinstance(record, model) for record in kept),
            }
            self.stdout.write(message % counts)
