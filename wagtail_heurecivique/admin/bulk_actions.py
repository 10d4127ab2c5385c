"""Wagtail's bulk actions on pages, images and documents, without another commune's titles.

Their confirmation page lists the chosen objects the user may not act on ("you don't have
permission to…"), titles included, for any id in the URL or for ``id=all&childOf=…``.
The same actions, registered after Wagtail's, leave out of that list the pages below
another commune's home and the images and documents the user may not use.
"""

from django.apps import apps

from wagtail_heurecivique.site.media_scoping import usable
from wagtail_heurecivique.site.page_scoping import exclude_other_communes


class CommuneScopedBulkActionMixin:
    """Names in the "no permission" list only what the user may see at all."""

    def get_actionable_objects(self):
        objects, extra = super().get_actionable_objects()
        refused = extra.get("items_with_no_access", [])
        if refused:
            ids = [item.pk for item in refused]
            if self.model._meta.app_label == "wagtailcore":
                visible = exclude_other_communes(self.model.objects.filter(pk__in=ids), self.request.user)
            else:
                visible = usable(self.model, self.request.user).filter(pk__in=ids)
            shown = set(visible.values_list("pk", flat=True))
            extra["items_with_no_access"] = [item for item in refused if item.pk in shown]
        return objects, extra


def _scoped(base):
    return type(f"CommuneScoped{base.__name__}", (CommuneScopedBulkActionMixin, base), {"__module__": __name__})


def scoped_bulk_actions():
    """Subclasses of Wagtail's page, image and document bulk actions, for ``register_bulk_action``."""
    from wagtail.admin.views.pages import bulk_actions as pages

    bases = [pages.DeleteBulkAction, pages.MoveBulkAction, pages.PublishBulkAction, pages.UnpublishBulkAction]
    for app, module in (("wagtail.images", "wagtail.images.views.bulk_actions"),
                        ("wagtail.documents", "wagtail.documents.views.bulk_actions")):
        if apps.is_installed(app):
            media = __import__(module, fromlist=["DeleteBulkAction"])
            bases += [media.AddTagsBulkAction, media.AddToCollectionBulkAction, media.DeleteBulkAction]
    return [_scoped(base) for base in bases]
