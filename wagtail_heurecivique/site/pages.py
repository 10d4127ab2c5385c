"""The pages of the public forms under a commune's home: signup, need report, volunteer space."""

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from wagtail_heurecivique.core.enums import ProposalStatus, RegistrationStatus, VolunteerStatus
from wagtail_heurecivique.core.language import PublicLanguagePageMixin
from wagtail_heurecivique.core.models.communes import Commune
from wagtail_heurecivique.services import intake, membership
from wagtail_heurecivique.site.forms import (
    LeaveForm,
    NeedReportForm,
    PauseForm,
    SpaceLinkForm,
    VolunteerProfileForm,
    VolunteerSignupForm,
)
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
    """"Mon espace": a volunteer opens it with a link e-mailed to them and manages their commitment."""

    content_panels = Page.content_panels + [FieldPanel("intro")]
    template = "wagtail_heurecivique/pages/volunteer_space_page.html"
    rate_group = "space"
    #: Messages shown once after an action, by the ``fait`` query parameter.
    DONE = {
        "profil": _("Your changes are saved."),
        "pause": _("Your pause is recorded: no proposal until the date you chose."),
        "reprise": _("Welcome back: you can receive proposals again."),
    }

    class Meta:
        verbose_name = _("volunteer space page")

    def get_form_class(self):
        return SpaceLinkForm

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        add_never_cache_headers(response)  # personal pages: never in a shared cache
        return response

    def _volunteer(self, request):
        return membership.current_volunteer(request, self.commune)

    def _home(self):
        return HttpResponseRedirect(self.url)

    def _render(self, request, template, status=200, **extra):
        context = self.get_context(request)
        context["space_urls"] = {name: self.url + self.reverse_subpage(name) for name in ("profile", "pause", "data", "leave", "close")}
        context.update(extra)
        return TemplateResponse(request, f"wagtail_heurecivique/pages/{template}", context, status=status)

    def process_form_submission(self, form):
        def link_for(volunteer):
            return self.full_subpage_url("enter", jeton=membership.space_token(volunteer))

        # The same answer whether the address is a volunteer's or not.
        return membership.send_link(self.commune, form.cleaned_data["email"], link_for)

    @path("")
    def index_route(self, request, *args, **kwargs):
        """The space when it is open in this browser; otherwise the form that e-mails its link."""
        volunteer = self._volunteer(request)
        if volunteer is None:
            return super().index_route(request, *args, **kwargs)
        return self.dashboard(request, volunteer)

    def dashboard(self, request, volunteer, pause_form=None, status=200):
        now = timezone.now()
        registrations = list(membership.registrations_of(volunteer))
        given = volunteer.hours.filter(date__year=timezone.localdate().year).aggregate(minutes=Sum("minutes"))["minutes"] or 0
        return self._render(
            request, "volunteer_space_dashboard.html", status=status,
            volunteer=volunteer,
            done=self.DONE.get(request.GET.get("fait", "")),
            pause_form=pause_form or PauseForm(initial={"until": volunteer.paused_until}),
            paused=bool(volunteer.paused_until and volunteer.paused_until >= timezone.localdate()),
            coming=[(r, r.action.link("cancel_registration", r)) for r in registrations
                    if r.action.start >= now and r.status != RegistrationStatus.CANCELLED],
            past=[r for r in registrations if r.action.start < now and r.status == RegistrationStatus.REGISTERED],
            proposals=volunteer.proposals.filter(status__in=(ProposalStatus.PROPOSED, ProposalStatus.ACCEPTED))
            .select_related("need__category").order_by("-proposed_at"),
            year_minutes=given,
        )

    @path("entrer/", name="enter")
    def enter_view(self, request):
        token = request.GET.get("jeton", "")
        volunteer = membership.volunteer_for_token(token, self.commune)
        if volunteer is None:
            current = self._volunteer(request)
            if current is not None and membership.opened_by(token, current):
                return self._home()  # the link clicked again, the space already open in this browser
            return self._render(request, "volunteer_space_link_invalid.html", status=400)
        if request.method == "POST":
            if membership.open_space(request, volunteer) or self._volunteer(request) == volunteer:
                return self._home()
            return self._render(request, "volunteer_space_link_invalid.html", status=400)
        # A page with a button: mail scanners that follow links do not use them up.
        return self._render(request, "volunteer_space_enter.html", volunteer=volunteer)

    @path("profil/", name="profile")
    def profile_view(self, request):
        volunteer = self._volunteer(request)
        if volunteer is None:
            return self._home()
        if request.method != "POST":
            return self._render(request, "volunteer_space_profile.html", form=VolunteerProfileForm(instance=volunteer))
        form = VolunteerProfileForm(request.POST, instance=volunteer)
        if not form.is_valid():
            return self._render(request, "volunteer_space_profile.html", form=form, status=400)
        if not membership.save_changes(volunteer, form, gettext("Changed by the volunteer in their space")):
            return self._home()  # they left meanwhile: the space is closed
        return HttpResponseRedirect(self.url + "?fait=profil")

    @path("pause/", name="pause")
    def pause_view(self, request):
        volunteer = self._volunteer(request)
        if volunteer is None or request.method != "POST":
            return self._home()
        if "resume" in request.POST:
            membership.set_pause(volunteer, None)
            return HttpResponseRedirect(self.url + "?fait=reprise")
        form = PauseForm(request.POST)
        if not form.is_valid():
            return self.dashboard(request, volunteer, pause_form=form, status=400)
        membership.set_pause(volunteer, form.cleaned_data["until"])
        return HttpResponseRedirect(self.url + "?fait=pause")

    @path("donnees/", name="data")
    def data_view(self, request):
        volunteer = self._volunteer(request)
        if volunteer is None:
            return self._home()
        response = HttpResponse(membership.export(volunteer), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="heure-civique-mes-donnees.json"'
        return response

    @path("quitter/", name="leave")
    def leave_view(self, request):
        volunteer = self._volunteer(request)
        if volunteer is None:
            return self._home()
        if request.method != "POST":
            return self._render(request, "volunteer_space_leave.html", form=LeaveForm(), volunteer=volunteer)
        form = LeaveForm(request.POST)
        if not form.is_valid():
            return self._render(request, "volunteer_space_leave.html", form=form, volunteer=volunteer, status=400)
        membership.leave(volunteer, reason=form.cleaned_data["reason"])
        membership.close_space(request)
        return self._render(request, "volunteer_space_leave.html", left=True)

    @path("sortir/", name="close")
    def close_view(self, request):
        if request.method == "POST":
            membership.close_space(request)
        return self._home()
