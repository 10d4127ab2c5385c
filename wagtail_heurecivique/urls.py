"""Public URLs: ``path("heure-civique/", include("wagtail_heurecivique.urls"))``."""

from django.apps import apps
from django.urls import path

from . import views

app_name = "wagtail_heurecivique"

urlpatterns = [
    path("indicateurs/<str:insee_code>.json", views.commune_indicators, name="commune_indicators"),
    path("desabonnement/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
]

# The volunteer's answer links belong to the workflows app, installed beside the plugin.
if apps.is_installed("workflows"):
    from workflows.urls import public_urlpatterns

    urlpatterns += public_urlpatterns
