from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HeureCiviqueWorkflowsAppConfig(AppConfig):
    """The viewflow processes of L'Heure Civique (need handling, volunteer onboarding).

    Labelled explicitly: viewflow's own apps already use the labels ``viewflow`` and
    ``viewflow_base``, and ``workflows`` is too generic to be safe in a host project.
    """

    name = "workflows"
    label = "heurecivique_workflows"
    verbose_name = _("Heure Civique workflows")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the domain's signals)
