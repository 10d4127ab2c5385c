from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailHeureCiviqueAppConfig(AppConfig):
    name = "wagtail_heurecivique"
    label = "wagtail_heurecivique"
    verbose_name = _("Heure Civique")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers the installation checks (INSTALLED_APPS order, middleware, settings).
        from . import checks  # noqa: F401
        from . import receivers  # noqa: F401  (story moderation, a home's pages, communes' page layer)
