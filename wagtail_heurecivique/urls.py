"""Public URLs: ``path("heurecivique/", include("wagtail_heurecivique.urls"))``."""

from django.apps import apps
from django.urls import path

from wagtail_heurecivique.core.language import in_public_language
from wagtail_heurecivique.notifications import views as notification_views
from wagtail_heurecivique.reporting import open_data
from wagtail_heurecivique.site import feeds

app_name = "wagtail_heurecivique"

urlpatterns = [
    path("indicateurs/<str:insee_code>.json", open_data.commune_indicators, name="commune_indicators"),
    path("desabonnement/<str:token>/", notification_views.UnsubscribeView.as_view(), name="unsubscribe"),
    path("<str:insee_code>/reussites.rss", feeds.StoriesFeed(), name="stories_rss"),
    path("<str:insee_code>/reussites.atom", feeds.StoriesAtomFeed(), name="stories_atom"),
    path("<str:insee_code>/actions.rss", feeds.ActionsFeed(), name="actions_rss"),
    path("<str:insee_code>/actions.ics", feeds.commune_calendar, name="actions_ics"),
]

# The volunteer's answer links belong to the workflows app, installed beside the plugin.
if apps.is_installed("workflows"):
    from workflows.urls import public_urlpatterns

    urlpatterns += public_urlpatterns

# Whatever the site's language, the programme speaks to the public in its own.
for pattern in urlpatterns:
    pattern.callback = in_public_language(pattern.callback)
