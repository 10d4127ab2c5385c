"""A host's URLs that mount Wagtail's API v3 (Wagtail 8.0 and later), beside the plugin's."""

from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.api.v3.urls import api

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("api/v3/", api.urls),
    path("heurecivique/", include("wagtail_heurecivique.urls")),
    path("", include(wagtail_urls)),
]
