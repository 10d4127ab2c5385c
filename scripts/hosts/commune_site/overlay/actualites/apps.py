from django.apps import AppConfig


class ActualitesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "actualites"
    verbose_name = "Actualités de la commune"
