"""Wagtail's admin API (``/admin/api/main/…``), scoped like the rest of the admin.

Wagtail answers these endpoints to anyone with admin access: the images and documents
of every collection, with their download URLs, and the pages of every commune. The
endpoints registered here in their place give the images and documents the user may
use (Wagtail's own permission policy, by collection), and the pages outside the other
communes' homes.
"""

from django.apps import apps
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet

from .media_scoping import usable
from .page_scoping import exclude_other_communes


class UsableOnlyMixin:
    """Only the items the user may choose, change or delete."""

    def get_queryset(self):
        return super().get_queryset().filter(pk__in=usable(self.model, self.request.user).values("pk"))


class ScopedImagesAdminAPIViewSet(UsableOnlyMixin, ImagesAdminAPIViewSet):
    pass


class ScopedPagesAdminAPIViewSet(PagesAdminAPIViewSet):
    def get_base_queryset(self):
        # The base of every listing, detail and ``child_of`` / ``descendant_of`` lookup.
        return exclude_other_communes(super().get_base_queryset(), self.request.user)


def register_endpoints(router):
    """Put the scoped endpoints in the place of Wagtail's (documents: if the site has them)."""
    router.register_endpoint("pages", ScopedPagesAdminAPIViewSet)
    router.register_endpoint("images", ScopedImagesAdminAPIViewSet)
    if apps.is_installed("wagtail.documents"):
        from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet

        class ScopedDocumentsAdminAPIViewSet(UsableOnlyMixin, DocumentsAdminAPIViewSet):
            pass

        router.register_endpoint("documents", ScopedDocumentsAdminAPIViewSet)
