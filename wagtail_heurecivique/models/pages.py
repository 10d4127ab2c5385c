"""The page types an editor builds a commune's Heure Civique site with."""

from urllib.parse import urlencode

from django.db import models
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from ..blocks import BodyBlock
from ..enums import VolunteerStatus
from .communes import Commune


class CommuneHomePage(Page):
    """The programme's home in a commune's site: the mayor's call and the two doors in."""

    commune = models.OneToOneField(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="home_page"
    )
    mayor_call = RichTextField(_("the mayor's call"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(BodyBlock(), verbose_name=_("content"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("commune"), FieldPanel("mayor_call"), FieldPanel("body")]
    subpage_types = [
        "wagtail_heurecivique.VolunteerSignupPage",
        "wagtail_heurecivique.NeedReportPage",
        "wagtail_heurecivique.SuccessStoryIndexPage",
        "wagtail_heurecivique.ActionIndexPage",
    ]
    template = "wagtail_heurecivique/pages/commune_home_page.html"

    class Meta:
        verbose_name = _("Heure Civique home of a commune")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        children = self.get_children().live().specific()
        context["signup_page"] = next((p for p in children if isinstance(p, VolunteerSignupPage)), None)
        context["report_page"] = next((p for p in children if isinstance(p, NeedReportPage)), None)
        from django.utils import timezone

        from .actions import ActionPage
        from .stories import SuccessStoryPage

        context["upcoming_actions"] = (
            ActionPage.objects.descendant_of(self).live().filter(start__gte=timezone.now()).order_by("start")[:3]
        )
        context["latest_stories"] = SuccessStoryPage.objects.descendant_of(self).live().order_by("-date", "-pk")[:3]
        return context


class PublicFormPage(RoutablePageMixin, Page):
    """A page holding one of the public forms, placed under a commune's home."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ul"])
    thank_you_text = RichTextField(_("text after sending"), blank=True, features=["bold", "italic", "link"])

    parent_page_types = ["wagtail_heurecivique.CommuneHomePage"]
    subpage_types = []
    max_count_per_parent = 1
    form_class = None
    rate_group = None

    class Meta:
        abstract = True

    @property
    def commune(self):
        return self.get_parent().specific.commune

    def render_form(self, request, form, status=200, **extra):
        context = self.get_context(request)
        context.update(form=form, **extra)
        return TemplateResponse(request, self.get_template(request), context, status=status)

    def handle(self, request, form):
        raise NotImplementedError

    @path("")
    def form_view(self, request):
        if request.method != "POST":
            return self.render_form(request, self.form_class())
        form = self.form_class(request.POST)
        if form.is_robot():  # the same answer as a real success, and nothing recorded
            return self.render_form(request, None, done=True)
        if not form.is_valid():
            return self.render_form(request, form, status=400)
        email = form.cleaned_data.get("email") or form.cleaned_data.get("reporter_email", "")
        from ..protection import over_limit

        if over_limit(request, self.rate_group, email):
            form.add_error(None, gettext("Too many submissions in a short time. Please try again in an hour."))
            return self.render_form(request, form, status=429)
        return self.handle(request, form)


class VolunteerSignupPage(PublicFormPage):
    """"Je deviens volontaire": the signup form, the charter to accept, the e-mail confirmation."""

    charter = RichTextField(
        _("volunteer charter"), features=["bold", "italic", "link", "ol", "ul", "h3"],
        help_text=_("Each published change is kept in the page's history; the version accepted is recorded."),
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("charter"), FieldPanel("thank_you_text")]
    template = "wagtail_heurecivique/pages/volunteer_signup_page.html"
    rate_group = "signup"

    class Meta:
        verbose_name = _("volunteer signup page")

    @property
    def form_class(self):
        from ..public_forms import VolunteerSignupForm

        return VolunteerSignupForm

    @property
    def charter_version(self):
        """The commune's charter version and the page revision that holds its text."""
        return f"{self.commune.charter_version}/r{self.live_revision_id or 0}"[:20]

    def handle(self, request, form):
        from ..notifications.links import absolute
        from ..public_intake import confirm_token, sign_up

        def confirm_url_for(volunteer):
            # The token in the query string: Wagtail's page URLs take only letters, digits, - and _.
            return absolute(self.url + self.reverse_subpage("confirm") + "?" + urlencode({"jeton": confirm_token(volunteer)}))

        sign_up(form, self.commune, self.charter_version, confirm_url_for)
        return self.render_form(request, None, done=True)

    @path("confirmer/", name="confirm")
    def confirm_view(self, request):
        from ..public_intake import confirm, volunteer_for_token

        volunteer = volunteer_for_token(request.GET.get("jeton", ""))
        if volunteer is None or volunteer.commune_id != self.commune.pk:
            return TemplateResponse(
                request, "wagtail_heurecivique/pages/signup_link_invalid.html", self.get_context(request), status=400
            )
        context = self.get_context(request)
        context["volunteer"] = volunteer
        if request.method == "POST" and confirm(volunteer):
            context["confirmed"] = True
        else:
            volunteer.refresh_from_db(fields=["status"])
            context["already"] = volunteer.status != VolunteerStatus.PENDING
        return TemplateResponse(request, "wagtail_heurecivique/pages/signup_confirm.html", context)


class NeedReportPage(PublicFormPage):
    """"Je signale un besoin": for oneself, a neighbour, or as a referrer."""

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("thank_you_text")]
    template = "wagtail_heurecivique/pages/need_report_page.html"
    rate_group = "need"

    class Meta:
        verbose_name = _("need report page")

    @property
    def form_class(self):
        from ..public_forms import NeedReportForm

        return NeedReportForm

    def handle(self, request, form):
        from ..public_intake import report_need

        need = report_need(form, self.commune)
        return self.render_form(request, None, done=True, reference=need.reference)
