from actualites import views as actualites_views
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from search import views as search_views
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", search_views.search, name="search"),
    # The staff's login (registration/login.html) and the intranet the public may not see.
    path("comptes/", include("django.contrib.auth.urls")),
    path("espace-agents/", actualites_views.staff_area, name="staff_area"),
]


if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    # Serve static and media files from development server
    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# The pages, in English at / and in French under /fr/, as Wagtail's i18n documentation
# does it; this stays the last pattern (Wagtail's catch-all).
urlpatterns = urlpatterns + i18n_patterns(
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
