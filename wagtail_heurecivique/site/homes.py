"""A commune's Heure Civique home: the mayor's call, the two doors in, what is coming up."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from wagtail_heurecivique.core.language import PublicLanguagePageMixin
from wagtail_heurecivique.core.models.communes import Commune
from wagtail_heurecivique.site.actions import ActionPage
from wagtail_heurecivique.site.blocks import BodyBlock
from wagtail_heurecivique.site.page_forms import CommuneHomePageForm
from wagtail_heurecivique.site.pages import NeedReportPage, VolunteerSignupPage, VolunteerSpacePage
from wagtail_heurecivique.site.public_parts import cached_parts
from wagtail_heurecivique.site.stories import SuccessStoryPage


class CommuneHomePage(PublicLanguagePageMixin, Page):
    """The programme's home in a commune's site: the mayor's call and the two doors in."""

    # A foreign key, not a one-to-one: each translation of the home is a home of the same
    # commune (one per locale, checked in ``clean``).
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="home_pages"
    )
    mayor_call = RichTextField(_("the mayor's call"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(BodyBlock(), verbose_name=_("content"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("commune"), FieldPanel("mayor_call"), FieldPanel("body")]
    base_form_class = CommuneHomePageForm

    search_fields = Page.search_fields + [
        index.SearchField("mayor_call"),
        index.SearchField("body"),
        index.FilterField("commune"),
    ]

    # No ``parent_page_types``: a host puts its communes' homes where its own tree wants them,
    # under page models the plugin cannot name (the tree's root for a site of their own, the
    # host's home page, a "Communes" page, each language's home of a multilingual site).
    # ``can_exist_under`` refuses only the plugin's own pages: no home inside another
    # commune's pages, which would make a page of two communes.
    subpage_types = [
        "wagtail_heurecivique.VolunteerSignupPage",
        "wagtail_heurecivique.NeedReportPage",
        "wagtail_heurecivique.VolunteerSpacePage",
        "wagtail_heurecivique.SuccessStoryIndexPage",
        "wagtail_heurecivique.ActionIndexPage",
    ]
    template = "wagtail_heurecivique/pages/commune_home_page.html"

    class Meta:
        verbose_name = _("Heure Civique home of a commune")

    @classmethod
    def can_exist_under(cls, parent):
        """Anywhere in the host's tree but under a page of the plugin (a home included).

        Wagtail asks it before adding (the admin's page types, ``can_create_at``, the
        provisioning) and before moving a page (``can_move_to``).
        """
        parent_class = parent.specific_class
        if parent_class is None or parent_class._meta.app_label == cls._meta.app_label:
            return False
        return super().can_exist_under(parent)

    def clean(self):
        super().clean()
        if self.commune_id is None:
            return
        others = CommuneHomePage.objects.filter(commune_id=self.commune_id, locale_id=self.locale_id).exclude(pk=self.pk)
        if others.exists():
            raise ValidationError(
                {"commune": gettext("This commune already has its Heure Civique home in this language.")}
            )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(self.public_parts(request))
        return context

    def public_parts(self, request):
        """The doors and the lists (the next actions, the latest stories, the counters), rendered:
        once per version of the commune, language, site and day (``site.public_parts``), and again
        once the first of the upcoming actions has started."""
        return cached_parts(self, request, self.commune_id, lambda: self.render_parts(request, timezone.now()))

    def render_parts(self, request, now):
        lists = self.public_lists(now)
        context = {"page": self, "request": request, **lists}
        upcoming = lists["upcoming_actions"]
        return {"html": {name: get_template(template).render(context) for name, template in PARTS.items()},
                "until": upcoming[0].start if upcoming else None}

    def public_lists(self, now):
        """The doors, the three next actions and the three latest stories, and the commune: five queries."""
        # The doors are linked to, not read: their base pages (their URLs), in one query, where
        # ``.specific()`` made one more query per kind of child page.
        doors = {"signup_page": VolunteerSignupPage, "report_page": NeedReportPage, "space_page": VolunteerSpacePage}
        types = ContentType.objects.get_for_models(*doors.values())  # cached after the first view
        children = {}
        for child in self.get_children().live().filter(content_type__in=types.values()):
            children.setdefault(child.content_type_id, child)
        lists = {name: children.get(types[model].pk) for name, model in doors.items()}
        lists["upcoming_actions"] = list(
            ActionPage.objects.descendant_of(self).live().filter(start__gte=now).defer_streamfields().order_by("start")[:3]
        )
        lists["latest_stories"] = list(
            SuccessStoryPage.objects.descendant_of(self).live().defer_streamfields().order_by("-date", "-pk")[:3]
        )
        lists["commune"] = Commune.objects.get(pk=self.commune_id)
        return lists


#: The parts of the home rendered once and cached, by the name the home's template shows them under.
PARTS = {
    "home_doors": "wagtail_heurecivique/pages/includes/home_doors.html",
    "home_lists": "wagtail_heurecivique/pages/includes/home_lists.html",
}
