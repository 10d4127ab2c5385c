"""The pages of the public forms under a commune's home: signup, need report, volunteer space."""

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from wagtail_heurecivique.core.enums import VolunteerStatus
from wagtail_heurecivique.core.language import PublicLanguagePageMixin
from wagtail_heurecivique.core.models.communes import Commune
from wagtail_heurecivique.services import intake, membership
from wagtail_heurecivique.site import space
from wagtail_heurecivique.site.forms import NeedReportForm, SpaceLinkForm, VolunteerSignupForm
from wagtail_heurecivique.site.page_forms import CommunePageForm
from wagtail_heurecivique.site.protection import over_limit


class CommunePageMixin:
    """A page below a commune's home: its ``commune`` is that home's, at whatever depth the
    host placed the home (one indexed query on the ancestors' paths, once per page object)."""

    @cached_property
    def commune(self):
        return Commune.objects.of_page(self)


class PublicFormPage(CommunePageMixin, PublicLanguagePageMixin, RoutablePageMixin, Page):
    """A page holding one of the public forms, placed under a commune's home.

    Its hooks bear the names of Wagtail's ``FormMixin`` (``wagtail.contrib.forms.models``),
    without inheriting it (the mixin builds its form from form-field models; these forms are
    written in ``site/forms.py``). A subclass gives:

    - ``get_form_class()``: the form; ``get_form(*args, **kwargs)`` builds it (no ``page`` or
      ``user`` keyword: these forms take none);
    - ``process_form_submission(form)``: what a valid form from a person, not a robot, records;
      it returns what was recorded (FormMixin's "form submission");
    - ``render_landing_page(request, form_submission=None)``: the answer after sending;
    - ``rate_group``: its rate limits (``protection.over_limit``).

    FormMixin's ``serve`` (the form shown on GET, sent on POST) is ``index_route``, the view of
    the page's own URL: ``serve`` stays the page's entry, where ``PublicLanguagePageMixin``
    sets the language and ``RoutablePageMixin`` dispatches the page's other routes (a
    confirmation link, the volunteer's space).
    """

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ul"])
    thank_you_text = RichTextField(_("text after sending"), blank=True, features=["bold", "italic", "link"])

    # Its texts' links: to pages the editor may link to (``page_forms.ChosenReferencesMixin``).
    base_form_class = CommunePageForm

    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["wagtail_heurecivique.CommuneHomePage"]
    subpage_types = []
    max_count_per_parent = 1

    rate_group = None

    class Meta:
        abstract = True

    def full_subpage_url(self, route, **query):
        """The absolute URL of one of the page's routes, for an e-mail: on the page's own site
        (a commune may have its own host name), never the admin's base URL plus a path."""
        url = self.get_full_url() + self.reverse_subpage(route)
        return f"{url}?{urlencode(query)}" if query else url

    def render_form(self, request, form, status=200, **extra):
        context = self.get_context(request)
        context.update(form=form, **extra)
        return TemplateResponse(request, self.get_template(request), context, status=status)

    def get_form_class(self):
        raise NotImplementedError

    def get_form(self, *args, **kwargs):
        return self.get_form_class()(*args, **kwargs)

    def process_form_submission(self, form):
        raise NotImplementedError

    def render_landing_page(self, request, form_submission=None, *args, **kwargs):
        return self.render_form(request, None, done=True)

    @path("")
    def index_route(self, request, *args, **kwargs):
        """FormMixin's ``serve`` at the page's own URL, with the robots, the rate limits and the
        models' own rules between a valid form and what it records."""
        if request.method != "POST":
            return self.render_form(request, self.get_form())
        form = self.get_form(request.POST)
        if form.is_robot():  # the same answer as a real success, and nothing recorded
            return self.render_form(request, None, done=True)
        if not form.is_valid():
            return self.render_form(request, form, status=400)
        email = form.cleaned_data.get("email") or form.cleaned_data.get("reporter_email", "")
        if over_limit(request, self.rate_group, email):
            form.add_error(None, gettext("Too many submissions in a short time. Please try again in an hour."))
            return self.render_form(request, form, status=429)
        try:
            form_submission = self.process_form_submission(form)
            return self.render_landing_page(request, form_submission)
        except ValidationError as error:
            # A rule of the models that the form could not check (the transaction of
            # ``process_form_submission`` is rolled back): the form again, as typed, with what
            # to correct.
            for message in error.messages:
                form.add_error(None, message)
            return self.render_form(request, form, status=400)


class VolunteerSignupPage(PublicFormPage):
    """"Je deviens volontaire": the signup form, the charter to accept, the e-mail confirmation."""

    charter = RichTextField(
        _("volunteer charter"), features=["bold", "italic", "link", "ol", "ul", "h3"],
        help_text=_("Each published change is kept in the page's history; the version accepted is recorded."),
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("charter"), FieldPanel("thank_you_text")]

    search_fields = PublicFormPage.search_fields + [index.SearchField("charter")]

    template = "wagtail_heurecivique/pages/volunteer_signup_page.html"
    rate_group = "signup"

    class Meta:
        verbose_name = _("volunteer signup page")

    def get_form_class(self):
        return VolunteerSignupForm

    @property
    def charter_version(self):
        """The commune's charter version and the page revision that holds its text."""
        return f"{self.commune.charter_version}/r{self.live_revision_id or 0}"[:20]

    def process_form_submission(self, form):
        def confirm_url_for(volunteer):
            # The token in the query string: Wagtail's page URLs take only letters, digits, - and _.
            return self.full_subpage_url("confirm", jeton=intake.confirm_token(volunteer))

        return intake.sign_up(form, self.commune, self.charter_version, confirm_url_for)

    @path("confirmer/", name="confirm")
    def confirm_view(self, request):
        volunteer = intake.volunteer_for_token(request.GET.get("jeton", ""))
        if volunteer is None or volunteer.commune_id != self.commune.pk:
            return TemplateResponse(
                request, "wagtail_heurecivique/pages/signup_link_invalid.html", self.get_context(request), status=400
            )
        context = self.get_context(request)
        context["volunteer"] = volunteer
        if request.method == "POST" and intake.confirm(volunteer):
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

    def get_form_class(self):
        return NeedReportForm

    def process_form_submission(self, form):
        return intake.report_need(form, self.commune)

    def render_landing_page(self, request, form_submission=None, *args, **kwargs):
        return self.render_form(request, None, done=True, reference=form_submission.reference)


class VolunteerSpacePage(PublicFormPage):
    """"Mon espace": a volunteer opens it with a link e-mailed to them and manages their
    commitment. The routes' bodies are in ``site/space.py``."""

    content_panels = Page.content_panels + [FieldPanel("intro")]
    template = "wagtail_heurecivique/pages/volunteer_space_page.html"
    rate_group = "space"

    class Meta:
        verbose_name = _("volunteer space page")

    def get_form_class(self):
        return SpaceLinkForm

    def process_form_submission(self, form):
        def link_for(volunteer):
            return self.full_subpage_url("enter", jeton=membership.space_token(volunteer))

        # The same answer whether the address is a volunteer's or not.
        return membership.send_link(self.commune, form.cleaned_data["email"], link_for)

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        add_never_cache_headers(response)  # personal pages: never in a shared cache
        return response

    @path("")
    def index_route(self, request, *args, **kwargs):
        return space.index(self, request, super().index_route, *args, **kwargs)

    @path("entrer/", name="enter")
    def enter_view(self, request):
        return space.enter(self, request)

    @path("profil/", name="profile")
    def profile_view(self, request):
        return space.profile(self, request)

    @path("pause/", name="pause")
    def pause_view(self, request):
        return space.pause(self, request)

    @path("donnees/", name="data")
    def data_view(self, request):
        return space.data(self, request)

    @path("quitter/", name="leave")
    def leave_view(self, request):
        return space.leave(self, request)

    @path("sortir/", name="close")
    def close_view(self, request):
        return space.close(self, request)
