"""The admin button and view that create a commune home's missing programme pages."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import Button
from wagtail.models import Page

from wagtail_heurecivique.site.homes import CommuneHomePage
from wagtail_heurecivique.tenancy.pages import create_missing_pages, missing_page_types, pages_to_create

LABEL = _("Create the missing Heure Civique pages")


def _is_commune_home(page):
    cls = page.specific_class  # from the cached content type: no query for other pages
    return cls is not None and issubclass(cls, CommuneHomePage)


def missing_pages_button(page, user, priority=75):
    """The button to the view, for a commune home that lacks pages and a user who may add them."""
    if not _is_commune_home(page) or not page.permissions_for_user(user).can_add_subpage():
        return None
    if not missing_page_types(page):
        return None
    return Button(
        LABEL, reverse("heurecivique_create_missing_pages", args=[page.pk]), icon_name="circle-plus", priority=priority
    )


class CreateMissingPagesView(WagtailAdminTemplateMixin, TemplateView):
    """Confirm (GET), then create (POST) the missing pages under a commune's home."""

    template_name = "wagtail_heurecivique/admin/create_missing_pages.html"
    http_method_names = ("get", "post")
    page_title = LABEL
    header_icon = "circle-plus"

    def dispatch(self, request, page_id):
        page = get_object_or_404(Page, pk=page_id)
        if not _is_commune_home(page):
            raise Http404
        self.home = page.specific
        if not self.home.permissions_for_user(request.user).can_add_subpage():
            raise PermissionDenied
        return super().dispatch(request, page_id)

    def get_explore_url(self):
        return reverse("wagtailadmin_explore", args=[self.home.pk])

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": self.get_explore_url(), "label": self.home.get_admin_display_title()},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            home=self.home,
            titles=[page.title for page in pages_to_create(self.home)],
            can_publish=self.home.permissions_for_user(self.request.user).can_publish_subpage(),
            explore_url=self.get_explore_url(),
        )
        return context

    def post(self, request, page_id):
        pages = create_missing_pages(self.home, user=request.user)
        titles = ", ".join(page.title for page in pages)
        if not pages:
            messages.info(request, gettext("No page was missing: nothing was created."))
        elif pages[0].live:
            messages.success(request, gettext("Pages created and published: %(pages)s.") % {"pages": titles})
        else:
            messages.success(
                request, gettext("Pages created as drafts, for a moderator to publish: %(pages)s.") % {"pages": titles}
            )
        return redirect(self.get_explore_url())
