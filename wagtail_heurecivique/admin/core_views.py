"""Wagtail core admin views that name other communes' pages, tags, images or groups, scoped.

A few of Wagtail's own admin views read the whole tree, every tag, any image or every group,
and call no hook the plugin could scope them with (the chooser, explorer and admin API do:
``admin/hooks.py``). ``CommuneScopingMiddleware`` finds them by their URL's name and
narrows what they read to what the user's communes may see, by the rules of
``site.page_scoping`` (pages) and ``site.media_scoping`` (images, documents):

- ``wagtailadmin_choose_page_chosen_multiple`` answers the titles and URLs of the pages
  whose ids it is sent: another commune's ids are dropped from the request;
- the *page types usage* report shows each type's last edited page: one of another
  commune's is replaced by the user's own last edited page of that type;
- the tag autocompletes offer every tag (taggit's tags are one table for all): a tag used
  only on other communes' stories, images or documents is left out;
- Wagtail 7.4's image chooser *select format* view gives any image to any admin user
  (Wagtail 8 checks the permission policy): the same check here;
- the page privacy form (Wagtail 8) lists every group: other communes' editors' groups are
  left out, except those the restriction already holds (a save keeps them).

Wagtail 7.4's privacy view is a function building its form inline: its list of groups still
names every commune's editors' group (names of communes, never of people; README).
"""

from functools import cache

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, Q
from django.http import Http404, JsonResponse
from django.views.decorators.cache import never_cache
from taggit.models import Tag, TaggedItem
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.admin.viewsets.pages import PageViewSet, page_viewset_registry
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from wagtail_heurecivique.core.models.communes import Commune
from wagtail_heurecivique.core.scoping import sees_all_communes
from wagtail_heurecivique.site.media_scoping import usable
from wagtail_heurecivique.site.page_scoping import exclude_other_communes, hidden_commune_homes
from wagtail_heurecivique.site.stories import SuccessStoryPage, SuccessStoryTag

#: Wagtail 8 builds the privacy view from each page type's viewset; Wagtail 7.4's is a
#: function view, not scoped (module docstring).
PRIVACY_BY_VIEWSET = hasattr(PageViewSet, "set_privacy_view_class")

#: As many tags as Wagtail's own autocomplete answers.
TAGS_AUTOCOMPLETE_LIMIT = 10


# --- Pages chosen by id -------------------------------------------------------------------------


def chosen_pages_of_the_users_communes(request, view_func, view_args, view_kwargs):
    ids = [value for value in request.GET.getlist("id") if value.isdigit()]
    kept = set(exclude_other_communes(Page.objects.filter(pk__in=ids), request.user).values_list("pk", flat=True))
    query = request.GET.copy()
    query.setlist("id", [value for value in ids if int(value) in kept])
    request.GET = query
    return None


# --- The page types usage report ---------------------------------------------------------------


class ScopedPageTypesUsageReportView(PageTypesUsageReportView):
    """Each page type's last edited page among the pages the user's communes may see."""

    def decorate_paginated_queryset(self, page_types):
        page_types = super().decorate_paginated_queryset(page_types)
        shown = [item for item in page_types if item.last_edited_page is not None]
        if not shown or sees_all_communes(self.request.user):
            return page_types
        kept = set(
            exclude_other_communes(
                Page.objects.filter(pk__in=[item.last_edited_page.pk for item in shown]), self.request.user
            ).values_list("pk", flat=True)
        )
        cleaned = getattr(self.filters.form, "cleaned_data", {}) if self.filters else {}
        for item in shown:
            if item.last_edited_page.pk not in kept:
                item.last_edited_page = self._last_edited_visible(item, cleaned)
        return page_types

    def _last_edited_visible(self, content_type, cleaned):
        # Wagtail's own order (``_annotate_last_edit_info``), among the visible pages only:
        # one query for each type whose last edit was another commune's.
        pages = Page.objects.filter(content_type=content_type)
        if cleaned.get("page_locale"):
            pages = pages.filter(locale__language_code=cleaned["page_locale"])
        if cleaned.get("site"):
            pages = pages.filter(path__startswith=cleaned["site"])
        pages = exclude_other_communes(pages, self.request.user).order_by(
            F("latest_revision_created_at").desc(nulls_last=True), "title", "-pk"
        )
        page = pages.first()
        return page.specific if page is not None else None


# --- Tags ---------------------------------------------------------------------------------------


def visible_tags(user):
    """taggit's tags without those used only on other communes' stories, images and documents.

    A tag is left out when something the user may not see carries it and nothing they may
    see does: a tag of the host's own content, of the user's communes or of no content stays.
    """
    if sees_all_communes(user):
        return Tag.objects.all()
    hidden_stories = SuccessStoryPage.objects.exclude(
        pk__in=exclude_other_communes(SuccessStoryPage.objects.all(), user).values("pk")
    ).values("pk")
    story_tags = SuccessStoryTag.objects.filter(tag=OuterRef("pk"))
    hidden_media = Q()
    for model in (get_image_model(), get_document_model()):
        hidden_media |= Q(content_type__app_label=model._meta.app_label, content_type__model=model._meta.model_name) & ~Q(
            object_id__in=usable(model, user).values("pk")
        )
    generic_tags = TaggedItem.objects.filter(tag=OuterRef("pk"))
    carried_by_hidden = Exists(story_tags.filter(content_object__in=hidden_stories)) | Exists(
        generic_tags.filter(hidden_media)
    )
    carried_by_visible = Exists(story_tags.exclude(content_object__in=hidden_stories)) | Exists(
        generic_tags.exclude(hidden_media)
    )
    return Tag.objects.exclude(carried_by_hidden & ~carried_by_visible)


def tags_of_the_users_communes(request, view_func, view_args, view_kwargs):
    app_name, model_name = view_kwargs.get("app_name"), view_kwargs.get("model_name")
    if app_name and (app_name, model_name) != (Tag._meta.app_label, Tag._meta.model_name):
        return None  # another tag model: the host's, none of the plugin's content
    term = request.GET.get("term")
    if not term:
        return JsonResponse([], safe=False)
    names = (
        visible_tags(request.user)
        .filter(name__istartswith=term)
        .order_by("name")
        .values_list("name", flat=True)[:TAGS_AUTOCOMPLETE_LIMIT]
    )
    return JsonResponse(list(names), safe=False)


# --- Images -------------------------------------------------------------------------------------


def image_the_user_may_use(request, view_func, view_args, view_kwargs):
    image_id = view_kwargs.get("image_id", view_kwargs.get("pk"))
    image_model = get_image_model()
    if not image_model.objects.filter(pk=image_id).exists():
        raise Http404
    if not usable(image_model, request.user).filter(pk=image_id).exists():
        raise PermissionDenied
    return None


# --- Page privacy -------------------------------------------------------------------------------


def groups_of_the_users_communes(user, restriction=None):
    """Every group but the editors' groups of the communes whose pages ``user`` may not see."""
    groups = Group.objects.all()
    if sees_all_communes(user):
        return groups
    hidden_communes = Commune.objects.filter(pk__in=hidden_commune_homes(user).values("commune_id"))
    hidden = Q(pk__in=hidden_communes.values("editors_group_id"))
    if restriction is not None:
        hidden &= ~Q(pk__in=restriction.groups.values("pk"))
    return groups.exclude(hidden)


class ScopedGroupsMixin:
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["groups"].queryset = groups_of_the_users_communes(self.request.user, self.restriction)
        return form


@cache
def _scoped_privacy_view_class(view_class):
    return type(f"Scoped{view_class.__name__}", (ScopedGroupsMixin, view_class), {})


def privacy_with_the_users_groups(request, view_func, view_args, view_kwargs):
    # Through the page type's own viewset, as Wagtail's dispatcher does, so that a host's
    # custom privacy view keeps working with the groups narrowed.
    try:
        viewset = page_viewset_registry.get_by_page_id(view_kwargs["page_id"])
    except Page.DoesNotExist as error:
        raise Http404 from error
    view_class = _scoped_privacy_view_class(viewset.set_privacy_view_class)
    return _behind_wagtails_doors(viewset.construct_view(view_class))(request, *view_args, **view_kwargs)


def _behind_wagtails_doors(view):
    # What Wagtail's admin URLs wrap every view in (``wagtail.admin.urls``).
    return require_admin_access(never_cache(view))


def _report(**initkwargs):
    def handler(request, view_func, view_args, view_kwargs):
        view = ScopedPageTypesUsageReportView.as_view(**initkwargs)
        return _behind_wagtails_doors(view)(request, *view_args, **view_kwargs)

    return handler


#: Wagtail's URL names → what is done before (or in place of) its view.
HANDLERS = {
    "wagtailadmin_choose_page_chosen_multiple": chosen_pages_of_the_users_communes,
    "wagtailadmin_reports:page_types_usage": _report(),
    "wagtailadmin_reports:page_types_usage_results": _report(results_only=True),
    "wagtailadmin_tag_autocomplete": tags_of_the_users_communes,
    "wagtailadmin_tag_model_autocomplete": tags_of_the_users_communes,
    "wagtailimages_chooser:select_format": image_the_user_may_use,
}
if PRIVACY_BY_VIEWSET:
    HANDLERS["wagtailadmin_pages:set_privacy"] = privacy_with_the_users_groups


class CommuneScopingMiddleware:
    """Scopes the Wagtail admin views that have no hook (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        handler = HANDLERS.get(match.view_name) if match is not None else None
        if handler is None or not getattr(request, "user", None) or not request.user.is_authenticated:
            return None  # anonymous: Wagtail's own view sends them to the login page
        return handler(request, view_func, view_args, view_kwargs)
