"""Public URLs: ``path("heure-civique/", include("wagtail_heurecivique.urls"))``."""

from django.urls import path

from . import views

app_name = "wagtail_heurecivique"

urlpatterns = [
    path("indicateurs/<str:insee_code>.json", views.commune_indicators, name="commune_indicators"),
]
