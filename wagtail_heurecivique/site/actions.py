"""Action pages (interpersonal, collective, associative, get-togethers) and their index."""


from django.core.paginator import InvalidPage, Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404
from django.template.loader import get_template
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from wagtail_heurecivique.core.enums import ActionKind, RegistrationStatus
from wagtail_heurecivique.core.language import PublicLanguagePageMixin
from wagtail_heurecivique.services.registrations import (
    STARTED,
    cancel,
    confirm,
    register,
    registration_for_token,
    registration_token,
)
from wagtail_heurecivique.site.blocks import BodyBlock
from wagtail_heurecivique.site.calendar import calendar_response
from wagtail_heurecivique.site.forms import RegistrationForm
from wagtail_heurecivique.site.page_forms import CommunePageForm
from wagtail_heurecivique.site.pages import CommunePageMixin, PublicFormPage
from wagtail_heurecivique.site.public_parts import cached_parts, routed_commune_id


class ActionIndexPage(CommunePageMixin, PublicLanguagePageMixin, Page):
    """The commune's actions: the upcoming ones, the plan by month, and the archive."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["wagtail_heurecivique.CommuneHomePage"]
    subpage_types = ["wagtail_heurecivique.ActionPage"]
    max_count_per_parent = 1

    template = "wagtail_heurecivique/pages/action_index_page.html"

    class Meta:
        verbose_name = _("actions")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        archives = request.GET.get("archives") == "1"
        number = request.GET.get("page")
        # A page number that is not one of the list's is a 404 before anything is cached.
        context.update(cached_parts(
            self, request, routed_commune_id(self) or getattr(self.commune, "pk", None),
            lambda: self.render_parts(request, archives, number), vary=f"{int(archives)}:{number or 1}",
        ))
        return context

    def render_parts(self, request, archives, number):
        """The list (one page of it) and the feeds' links; valid until the next action starts."""
        now = timezone.now()
        children = ActionPage.objects.child_of(self).live()
        actions = children.select_related("category")
        if archives:
            actions = actions.filter(start__lt=now).order_by("-start")
        else:
            actions = actions.filter(start__gte=now).order_by("start")
        actions = actions.annotate(
            registered_count=models.Count("registrations", filter=models.Q(registrations__status=RegistrationStatus.REGISTERED))
        )
        page = paginated(actions, number)
        actions = list(page.object_list)
        months = {}
        for action in actions:
            months.setdefault(action.start.astimezone(timezone.get_current_timezone()).date().replace(day=1), []).append(action)
        context = {"page": self, "request": request, "actions": actions, "archives": archives,
                   "months": sorted(months.items()), "page_obj": page}
        if actions and not archives and page.number == 1:
            upcoming = actions[0].start
        else:
            upcoming = children.filter(start__gte=now).order_by("start").values_list("start", flat=True).first()
        return {"html": {name: get_template(template).render(context) for name, template in INDEX_PARTS.items()},
                "until": upcoming}


#: An action's parts rendered once and cached (``site.public_parts``), by their name in its template.
ACTION_PARTS = {
    "event_data": "wagtail_heurecivique/pages/includes/action_event_data.html",
    "details": "wagtail_heurecivique/pages/includes/action_details.html",
    "blank_form": "wagtail_heurecivique/pages/includes/action_blank_form.html",
}
#: The action index's parts rendered once and cached (``site.public_parts``), by their name in its template.
INDEX_PARTS = {
    "feed_links": "wagtail_heurecivique/pages/includes/action_index_feeds.html",
    "listing": "wagtail_heurecivique/pages/includes/action_index_list.html",
}


ACTIONS_PER_PAGE = 20


def paginated(queryset, number):
    """Page ``number`` of ``queryset``, as Django's ``ListView`` reads it: "last" is the last page,
    any other page that is not one of the list's is a 404."""
    paginator = Paginator(queryset, ACTIONS_PER_PAGE)
    if number == "last":
        number = paginator.num_pages
    try:
        return paginator.page(number or 1)
    except InvalidPage as invalid:
        raise Http404(str(invalid)) from invalid


class ActionPage(PublicFormPage):
    """One action: when, where, how many; volunteers register from the page by e-mail."""

    kind = models.CharField(_("kind of action"), max_length=20, choices=ActionKind.choices)
    category = models.ForeignKey(
        "wagtail_heurecivique.Category", verbose_name=_("category"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="actions",
    )
    start = models.DateTimeField(_("starts at"))
    end = models.DateTimeField(_("ends at"), null=True, blank=True)
    recurrence = models.CharField(_("recurrence"), max_length=150, blank=True,
                                  help_text=_("For example: every first Saturday of the month."))
    place = models.CharField(_("place"), max_length=255)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=60, validators=[MinValueValidator(15), MaxValueValidator(24 * 60)]
    )
    capacity = models.PositiveSmallIntegerField(
        _("places"), default=10, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    partner = models.ForeignKey(
        "wagtail_heurecivique.Partner", verbose_name=_("partner"), null=True, blank=True,
        # A named reverse relation: the back office lists it when a partner cannot be deleted.
        on_delete=models.PROTECT, related_name="actions",
    )
    description = StreamField(BodyBlock(), verbose_name=_("description"), blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("kind"), FieldPanel("category")]),
            FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
            FieldPanel("recurrence"),
            FieldRowPanel([FieldPanel("place"), FieldPanel("duration_minutes"), FieldPanel("capacity")]),
            FieldPanel("partner"),
        ], heading=_("The action")),
        FieldPanel("intro"),
        FieldPanel("description"),
        FieldPanel("thank_you_text"),
    ]
    base_form_class = CommunePageForm

    search_fields = PublicFormPage.search_fields + [
        index.SearchField("place"),
        index.AutocompleteField("place"),  # the admin's page search autocompletes
        index.SearchField("recurrence"),
        index.SearchField("description"),
        index.FilterField("kind"),
        index.FilterField("category"),
        index.FilterField("start"),
    ]

    parent_page_types = ["wagtail_heurecivique.ActionIndexPage"]
    max_count_per_parent = None

    template = "wagtail_heurecivique/pages/action_page.html"
    rate_group = "registration"

    class Meta:
        verbose_name = _("action")

    def get_form_class(self):
        return RegistrationForm

    @property
    def is_past(self):
        return self.start < timezone.now()

    def places_left(self):
        taken = self.registrations.filter(status=RegistrationStatus.REGISTERED).count()
        return max(self.capacity - taken, 0)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # What the action is, its places left (registrations bump the commune's version) and its
        # form's blank fields; the CSRF token and a form sent back with errors are rendered on
        # every view.
        context.update(cached_parts(self, request, routed_commune_id(self) or getattr(self.commune, "pk", None),
                                    lambda: self.render_parts(request)))
        return context

    def render_parts(self, request):
        context = {"page": self, "request": request, "places_left": self.places_left(), "form": self.get_form()}
        return {"html": {name: get_template(template).render(context) for name, template in ACTION_PARTS.items()},
                "until": None}

    def link(self, route, registration):
        """The e-mailed link of ``route`` (confirm or cancel) for ``registration``: each route's own."""
        return self.full_subpage_url(route, jeton=registration_token(registration, route))

    def render_form(self, request, form, status=200, **extra):
        if self.is_past and form is not None:
            form = None
            extra.setdefault("closed", True)
        return super().render_form(request, form, status=status, **extra)

    def process_form_submission(self, form):
        if self.is_past:
            return None  # the action has begun: nothing recorded
        return register(self, form.cleaned_data)

    def render_landing_page(self, request, form_submission=None, *args, **kwargs):
        if form_submission is None:  # refused: the action had begun
            return self.render_form(request, None, status=400, closed=True)
        return super().render_landing_page(request, form_submission, *args, **kwargs)

    def _registration_view(self, request, route, template, action):
        registration = registration_for_token(request.GET.get("jeton", ""), self, route)
        if registration is None:
            return TemplateResponse(request, "wagtail_heurecivique/pages/registration_link_invalid.html",
                                    self.get_context(request), status=400)
        context = self.get_context(request)
        context["registration"] = registration
        if not self.is_past and request.method == "POST":
            context["result"] = action(registration)
            registration.refresh_from_db()
        if self.is_past or context.get("result") == STARTED:  # Gone: the action has begun, nothing changes
            context["started"] = True
            return TemplateResponse(request, template, context, status=410)
        return TemplateResponse(request, template, context)

    @path("agenda/", name="calendar")
    def calendar_view(self, request):
        return calendar_response([self], self.title, request)

    @path("inscription/confirmer/", name="confirm_registration")
    def confirm_view(self, request):
        return self._registration_view(request, "confirm_registration",
                                       "wagtail_heurecivique/pages/registration_confirm.html", confirm)

    @path("inscription/annuler/", name="cancel_registration")
    def cancel_view(self, request):
        return self._registration_view(request, "cancel_registration",
                                       "wagtail_heurecivique/pages/registration_cancel.html", cancel)
