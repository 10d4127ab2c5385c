"""Wagtail's admin API (``/admin/api/main/…``), scoped like the rest of the admin.

Wagtail answers these endpoints to anyone with admin access: the images and documents
of every collection, with their download URLs, and the pages of every commune. The
endpoints registered here in their place give the images and documents the user may
use (Wagtail's own permission policy, by collection), and the pages outside the other
communes' homes.

They also read in the listing's queries what Wagtail's serialisers ask one query an item
for — the tags of an image or a document, the status of a page — so that a listing costs
the same whatever the number of items on it (``tests/tenancy/test_page_layer_queries.py``).
"""

from django.apps import apps
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.api.v2.serializers import TagsField
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet

from wagtail_heurecivique.site.media_scoping import usable
from wagtail_heurecivique.site.page_scoping import exclude_other_communes


class PrefetchedTagsField(TagsField):
    """An item's tag names, sorted, from the tags prefetched with the listing.

    Wagtail's field orders the item's tags in the database: one query an item, prefetch or not.
    """

    def to_representation(self, value):
        return sorted(tag.name for tag in value.all())


class PrefetchedTagsSerializerMixin:
    def build_property_field(self, field_name, model_class):
        field_class, kwargs = super().build_property_field(field_name, model_class)
        return (PrefetchedTagsField if field_class is TagsField else field_class), kwargs


def with_prefetched_tags(serializer_class):
    """``serializer_class`` whose tags field reads the listing's prefetch."""
    return type(serializer_class.__name__, (PrefetchedTagsSerializerMixin, serializer_class), {"__module__": __name__})


class UsableOnlyMixin:
    """Only the items the user may choose, change or delete, with their tags."""

    def get_queryset(self):
        usable_ids = usable(self.model, self.request.user).values("pk")
        return super().get_queryset().filter(pk__in=usable_ids).prefetch_related("tags")


class ScopedImagesAdminAPIViewSet(UsableOnlyMixin, ImagesAdminAPIViewSet):
    base_serializer_class = with_prefetched_tags(ImagesAdminAPIViewSet.base_serializer_class)


class ScopedPagesAdminAPIViewSet(PagesAdminAPIViewSet):
    def get_base_queryset(self):
        # The base of every listing, detail and ``child_of`` / ``descendant_of`` lookup.
        return exclude_other_communes(super().get_base_queryset(), self.request.user)

    def get_queryset(self):
        # A page's status ("scheduled", "in moderation") with the listing, as the explorer reads it.
        return super().get_queryset().annotate_approved_schedule().prefetch_workflow_states()


def register_endpoints(router):
    """Put the scoped endpoints in the place of Wagtail's (documents: if the site has them)."""
    router.register_endpoint("pages", ScopedPagesAdminAPIViewSet)
    router.register_endpoint("images", ScopedImagesAdminAPIViewSet)
    if apps.is_installed("wagtail.documents"):
        from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet

        class ScopedDocumentsAdminAPIViewSet(UsableOnlyMixin, DocumentsAdminAPIViewSet):
            base_serializer_class = with_prefetched_tags(DocumentsAdminAPIViewSet.base_serializer_class)

        router.register_endpoint("documents", ScopedDocumentsAdminAPIViewSet)
