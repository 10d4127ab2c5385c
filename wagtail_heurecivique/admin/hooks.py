"""The one place the plugin is wired into the Wagtail admin."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail_modeladmin.options import modeladmin_register

from wagtail_heurecivique.admin.bulk_actions import scoped_bulk_actions
from wagtail_heurecivique.admin.commune_pages import CreateMissingPagesView, missing_pages_button
from wagtail_heurecivique.admin.evaluation import (
    EVALUATION_PERMISSION,
    EvaluationPanel,
    EvaluationPrintView,
    EvaluationReportView,
)
from wagtail_heurecivique.admin.modeladmin import HeureCiviqueAdminGroup
from wagtail_heurecivique.site.choosers import people_choosers
from wagtail_heurecivique.site.page_scoping import exclude_other_communes, is_hidden_from
from wagtail_heurecivique.site.stories import SuccessStoryIndexPage, SuccessStoryPage

modeladmin_register(HeureCiviqueAdminGroup)


@hooks.register("register_admin_urls")
def register_evaluation_urls():
    return [
        path("heurecivique/evaluation/", EvaluationReportView.as_view(), name="heurecivique_evaluation"),
        path(
            "heurecivique/evaluation/results/",
            EvaluationReportView.as_view(results_only=True),
            name="heurecivique_evaluation_results",
        ),
        path("heurecivique/evaluation/print/", EvaluationPrintView.as_view(), name="heurecivique_evaluation_print"),
    ]


class EvaluationMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(EVALUATION_PERMISSION)


@hooks.register("register_reports_menu_item")
def register_evaluation_menu_item():
    return EvaluationMenuItem(
        _("Heure Civique evaluation"), reverse("heurecivique_evaluation"), name="heurecivique-evaluation", icon_name="doc-full", order=100
    )


@hooks.register("construct_homepage_panels")
def add_evaluation_panel(request, panels):
    if request.user.has_perm(EVALUATION_PERMISSION):
        panels.append(EvaluationPanel(request.user))


# --- A commune's home gets the programme's five pages in one click ----------------------


@hooks.register("register_admin_urls")
def register_commune_pages_urls():
    return [
        path(
            "heurecivique/pages/<int:page_id>/creer-les-pages/",
            CreateMissingPagesView.as_view(),
            name="heurecivique_create_missing_pages",
        ),
    ]


# ``**kwargs``: Wagtail passes ``view_name`` to header buttons in recent releases only.
@hooks.register("register_page_header_buttons")
def create_missing_pages_header_button(page, user, next_url=None, **kwargs):
    button = missing_pages_button(page, user)
    if button is not None:
        yield button


@hooks.register("register_page_listing_more_buttons")
def create_missing_pages_listing_button(page, user, next_url=None, **kwargs):
    button = missing_pages_button(page, user)
    if button is not None:
        yield button


# --- Success stories reach the public site through their moderation workflow only ------


def _is_story(page_or_class):
    # ``specific_class`` comes from the content type, cached: no query per page of a bulk action.
    cls = page_or_class if isinstance(page_or_class, type) else (page_or_class.specific_class or type(page_or_class))
    return issubclass(cls, SuccessStoryPage)


@hooks.register("construct_page_action_menu")
def remove_publish_for_stories(menu_items, request, context):
    page = context.get("page")
    parent = context.get("parent_page")
    creating_story = parent is not None and issubclass(parent.specific_class or type(parent), SuccessStoryIndexPage)
    if (page is not None and _is_story(page)) or creating_story:
        menu_items[:] = [item for item in menu_items if item.name not in ("action-publish", "action-schedule")]


def _refuse_publishing(request, to=None):
    messages.error(request, gettext("A success story is published through its moderation: submit it."))
    return redirect(to or request.path)


@hooks.register("before_edit_page")
def refuse_direct_publish_on_edit(request, page):
    if request.method == "POST" and "action-publish" in request.POST and _is_story(page):
        return _refuse_publishing(request)


@hooks.register("before_create_page")
def refuse_direct_publish_on_create(request, parent_page, page_class):
    if request.method == "POST" and "action-publish" in request.POST and _is_story(page_class):
        return _refuse_publishing(request)


@hooks.register("before_bulk_action")
def refuse_bulk_publish_of_stories(request, action_type, objects, action_class_instance):
    if action_type == "publish" and any(_is_story(obj) for obj in objects):
        return _refuse_publishing(request, request.META.get("HTTP_REFERER") or reverse("wagtailadmin_explore_root"))


# --- Another commune's pages, images and documents stay out of every list --------------
# Wagtail lists the whole page tree, and every collection in its admin API, to anyone with
# admin access. A commune's staff see the host site's pages and their communes' only.


@hooks.register("register_admin_viewset")
def register_people_choosers():
    """The choosers of a story's people, scoped to the editor's communes (``people_choosers``)."""
    return people_choosers


@hooks.register("construct_page_chooser_queryset")
def page_chooser_without_other_communes(pages, request):
    # Browsing into a page of another commune would show its title as the parent of the
    # list; this hook is the one the chooser offers, so it answers 404 for the whole view.
    parent_id = request.resolver_match.kwargs.get("parent_page_id") if request.resolver_match else None
    if parent_id is not None and is_hidden_from(parent_id, request.user):
        raise Http404
    return exclude_other_communes(pages, request.user)


@hooks.register("construct_explorer_page_queryset")
def explorer_without_other_communes(parent_page, pages, request):
    # Wagtail 8.1's explorer endpoint (``/admin/api/explorer/<id>/``) answers with the parent
    # page itself, its title and translations, beside the children this hook filters, and finds
    # that parent among the pages the user may explore only: a page permission on another
    # commune's story index would open it. As in the chooser: 404 for the whole view.
    if is_hidden_from(parent_page.pk, request.user):
        raise Http404
    return exclude_other_communes(pages, request.user)


# After Wagtail's images and documents apps have registered their own endpoints.
@hooks.register("construct_admin_api", order=100)
def scoped_admin_api(router):
    # Imported here: Wagtail 8.1 has no admin API module to build on (nor calls this hook).
    from wagtail_heurecivique.admin.api import register_endpoints

    register_endpoints(router)


# --- Moving and bulk actions name no page of another commune ------------------------------


@hooks.register("before_move_page")
def refuse_moves_across_communes(request, page, destination):
    """The move confirmation (GET too) would show the page's and the destination's titles."""
    if is_hidden_from(page.pk, request.user) or is_hidden_from(destination.pk, request.user):
        raise PermissionDenied


# After Wagtail's own (order 0): the registry keeps the last action of each type.
for _action in scoped_bulk_actions():
    hooks.register("register_bulk_action", _action, order=100)
