"""The routes of a volunteer's space ("Mon espace", ``pages.VolunteerSpacePage``): one view
function a route, each taking the page and the request.

The page's ``@path`` methods only delegate here, so that the page model reads as a
declaration. A volunteer reaches the space with a link e-mailed to them (``enter``); the
space is then open in that browser (``membership.current_volunteer``) until they close it or
leave.
"""

from django.db.models import Sum
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail_heurecivique.core.enums import ProposalStatus, RegistrationStatus
from wagtail_heurecivique.services import membership
from wagtail_heurecivique.site.forms import LeaveForm, PauseForm, VolunteerProfileForm

#: Messages shown once after an action, by the ``fait`` query parameter.
DONE = {
    "profil": _("Your changes are saved."),
    "pause": _("Your pause is recorded: no proposal until the date you chose."),
    "reprise": _("Welcome back: you can receive proposals again."),
}

#: The routes that the space's templates link to.
LINKED_ROUTES = ("profile", "pause", "data", "leave", "close")


def _volunteer(page, request):
    """The volunteer whose space is open in this browser, or None."""
    return membership.current_volunteer(request, page.commune)


def _home(page):
    return HttpResponseRedirect(page.url)


def _done(page, what):
    return HttpResponseRedirect(page.url + f"?fait={what}")


def _render(page, request, template, status=200, **extra):
    context = page.get_context(request)
    context["space_urls"] = {name: page.url + page.reverse_subpage(name) for name in LINKED_ROUTES}
    context.update(extra)
    return TemplateResponse(request, f"wagtail_heurecivique/pages/{template}", context, status=status)


def index(page, request, link_form_view, *args, **kwargs):
    """The space when it is open in this browser; otherwise ``link_form_view``, the page's
    form that e-mails its link."""
    volunteer = _volunteer(page, request)
    if volunteer is None:
        return link_form_view(request, *args, **kwargs)
    return dashboard(page, request, volunteer)


def dashboard(page, request, volunteer, pause_form=None, status=200):
    """The space itself: what is coming, what was done, the proposals, the pause."""
    now = timezone.now()
    registrations = list(membership.registrations_of(volunteer))
    given = volunteer.hours.filter(date__year=timezone.localdate().year).aggregate(minutes=Sum("minutes"))["minutes"] or 0
    return _render(
        page, request, "volunteer_space_dashboard.html", status=status,
        volunteer=volunteer,
        done=DONE.get(request.GET.get("fait", "")),
        pause_form=pause_form or PauseForm(initial={"until": volunteer.paused_until}),
        paused=bool(volunteer.paused_until and volunteer.paused_until >= timezone.localdate()),
        coming=[(r, r.action.link("cancel_registration", r)) for r in registrations
                if r.action.start >= now and r.status != RegistrationStatus.CANCELLED],
        past=[r for r in registrations if r.action.start < now and r.status == RegistrationStatus.REGISTERED],
        proposals=volunteer.proposals.filter(status__in=(ProposalStatus.PROPOSED, ProposalStatus.ACCEPTED))
        .select_related("need__category").order_by("-proposed_at"),
        year_minutes=given,
    )


def enter(page, request):
    """The e-mailed link: a page with a button (mail scanners that follow links do not use it
    up); the button opens the space in this browser."""
    token = request.GET.get("jeton", "")
    volunteer = membership.volunteer_for_token(token, page.commune)
    if volunteer is None:
        current = _volunteer(page, request)
        if current is not None and membership.opened_by(token, current):
            return _home(page)  # the link clicked again, the space already open in this browser
        return _render(page, request, "volunteer_space_link_invalid.html", status=400)
    if request.method == "POST":
        if membership.open_space(request, volunteer) or _volunteer(page, request) == volunteer:
            return _home(page)
        return _render(page, request, "volunteer_space_link_invalid.html", status=400)
    return _render(page, request, "volunteer_space_enter.html", volunteer=volunteer)


def profile(page, request):
    """The volunteer's own details, which they may change."""
    volunteer = _volunteer(page, request)
    if volunteer is None:
        return _home(page)
    if request.method != "POST":
        return _render(page, request, "volunteer_space_profile.html", form=VolunteerProfileForm(instance=volunteer))
    form = VolunteerProfileForm(request.POST, instance=volunteer)
    if not form.is_valid():
        return _render(page, request, "volunteer_space_profile.html", form=form, status=400)
    if not membership.save_changes(volunteer, form, gettext("Changed by the volunteer in their space")):
        return _home(page)  # they left meanwhile: the space is closed
    return _done(page, "profil")


def pause(page, request):
    """A pause until a date (no proposal meanwhile), or its end (``resume``): POST only."""
    volunteer = _volunteer(page, request)
    if volunteer is None or request.method != "POST":
        return _home(page)
    if "resume" in request.POST:
        membership.set_pause(volunteer, None)
        return _done(page, "reprise")
    form = PauseForm(request.POST)
    if not form.is_valid():
        return dashboard(page, request, volunteer, pause_form=form, status=400)
    membership.set_pause(volunteer, form.cleaned_data["until"])
    return _done(page, "pause")


def data(page, request):
    """The volunteer's data, as a JSON file to download."""
    volunteer = _volunteer(page, request)
    if volunteer is None:
        return _home(page)
    response = HttpResponse(membership.export(volunteer), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="heure-civique-mes-donnees.json"'
    return response


def leave(page, request):
    """Leaving the programme, with an optional reason; the space is closed after."""
    volunteer = _volunteer(page, request)
    if volunteer is None:
        return _home(page)
    if request.method != "POST":
        return _render(page, request, "volunteer_space_leave.html", form=LeaveForm(), volunteer=volunteer)
    form = LeaveForm(request.POST)
    if not form.is_valid():
        return _render(page, request, "volunteer_space_leave.html", form=form, volunteer=volunteer, status=400)
    membership.leave(volunteer, reason=form.cleaned_data["reason"])
    membership.close_space(request)
    return _render(page, request, "volunteer_space_leave.html", left=True)


def close(page, request):
    """Closing the space in this browser (POST), back to the link form."""
    if request.method == "POST":
        membership.close_space(request)
    return _home(page)
