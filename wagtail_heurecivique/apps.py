from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailHeureCiviqueAppConfig(AppConfig):
    name = "wagtail_heurecivique"
    label = "wagtail_heurecivique"
    verbose_name = _("Heure Civique")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers the installation checks (INSTALLED_APPS order, middleware, settings).
        from wagtail_heurecivique import (
            checks,  # noqa: F401
            receivers,  # noqa: F401  (story moderation, a home's pages, communes' page layer)
        )
        from wagtail_heurecivique.notifications import receivers as mail  # noqa: F401  (the e-mails of the services)
        from wagtail_heurecivique.reporting import receivers as figures  # noqa: F401  (public figures' cache)
