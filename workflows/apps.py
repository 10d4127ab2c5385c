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

    #: The flows, once the app is ready: what the queries and the admin URLs look tasks up in
    #: (the flows name the views that use those queries, so nothing below them imports them).
    flows = ()

    def ready(self):
        from . import flows, receivers  # noqa: F401  (receivers connect the domain's signals)

        self.flows = (flows.NeedFlow, flows.VolunteerOnboardingFlow)
