"""Builders of what many tests need: page trees, datasets and the data of forms.

Plain functions (the fixtures that wrap them live in ``conftest.py``), so that a test
module never imports another one.
"""

import datetime
import io
import signal

from django.core.management import call_command
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Site

from tests import factories
from wagtail_heurecivique.core.enums import (
    ActionKind,
    DayPeriod,
    NeedStatus,
    ProposalStatus,
    RegistrationStatus,
    VolunteerStatus,
    Weekday,
)
from wagtail_heurecivique.core.fields import slot_bit
from wagtail_heurecivique.models import (
    ActionIndexPage,
    ActionPage,
    CommuneHomePage,
    Need,
    NeedReportPage,
    Registration,
    Skill,
    Volunteer,
    VolunteerSignupPage,
)

# Page trees ---------------------------------------------------------------------------------

def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def action_index(commune, root=None):
    """The commune's home and its actions index below ``root`` (the default site's root), created on first use."""
    root = root or Site.objects.get(is_default_site=True).root_page
    home = CommuneHomePage.objects.filter(commune=commune).first() or root.add_child(
        instance=CommuneHomePage(title=commune.name, slug=f"heure-civique-{commune.pk}", commune=commune)
    )
    return ActionIndexPage.objects.child_of(home).first() or home.add_child(
        instance=ActionIndexPage(title="Agir ensemble", slug="actions")
    )


def action(commune, title, start, kind=ActionKind.COLLECTIVE, live=True):
    """An action page in the commune's actions index."""
    return action_index(commune).add_child(instance=ActionPage(
        title=title, slug=slugify(title), kind=kind, start=start, place="Parc Lagravère", live=live,
    ))


def registrations(action_page, *people, status=RegistrationStatus.REGISTERED, commune=True):
    """``commune=False``: a registration made before registrations carried their commune."""
    for first_name in people:
        Registration.objects.create(
            action=action_page, commune=action_page.commune if commune else None, first_name=first_name,
            email=f"{slugify(first_name)}@example.org", status=status,
        )


def make_actions(commune, count=1, capacity=2, start=None, root=None):
    """The commune's actions index and ``count`` collective actions in it, a day apart from ``start``."""
    index = action_index(commune, root)
    start = start or timezone.now() + datetime.timedelta(days=10)
    return index, [
        index.add_child(instance=ActionPage(
            title=f"Nettoyage des berges {i}", slug=f"berges-{i}", kind="collective", start=start + datetime.timedelta(days=i),
            place="Parc Lagravère", capacity=capacity,
        ))
        for i in range(count)
    ]


def commune_home(commune, root=None):
    """The commune's home below ``root`` (the default site's root), published: that creates its five pages."""
    root = root or Site.objects.get(is_default_site=True).root_page
    home = root.add_child(instance=CommuneHomePage(title=commune.name, slug=slugify(commune.name), commune=commune))
    home.save_revision().publish()
    commune.refresh_from_db()  # its collection and editors' group, from the provisioning
    return home


def site_pages(commune_a):
    """A commune's home with its two doors: signup (published) and need report."""
    root = Site.objects.get(is_default_site=True).root_page
    home = root.add_child(instance=CommuneHomePage(title="Heure Civique à Bois-Colombes", slug="bois-colombes",
                                                   commune=commune_a, mayor_call="<p>Rejoignez-nous !</p>"))
    signup = home.add_child(instance=VolunteerSignupPage(title="Je deviens volontaire", slug="volontaire",
                                                         charter="<p>Je respecte les personnes aidées.</p>"))
    signup.save_revision().publish()
    report = home.add_child(instance=NeedReportPage(title="Je signale un besoin", slug="besoin"))
    factories.category("Courses")
    Skill.objects.create(name="Bricolage", slug="bricolage")
    return {"home": home, "signup": signup, "report": report}


# The indicators' dataset -------------------------------------------------------------------

#: The period the dataset's figures are computed over.
START, END = datetime.date(2026, 9, 1), datetime.date(2026, 10, 31)


def build_dataset(commune_a, commune_b):
    """The indicators' dataset. Commune A: 3 volunteers (2 active), 3 needs and 2 actions held in the period; commune B: noise."""
    partner = factories.partner(commune_a, kind="health")
    ana = factories.volunteer(commune_a, first_name="Ana")
    ben = factories.volunteer(commune_a, first_name="Ben")
    factories.volunteer(commune_a, first_name="Cleo", status=VolunteerStatus.PENDING)
    beneficiary = factories.beneficiary(commune_a)
    Volunteer.objects.update(created_at=at(datetime.date(2026, 8, 15)))  # signed up before the period

    shopping = factories.need(commune_a, title="Courses", beneficiary=beneficiary, referrer=partner, status=NeedStatus.DONE)
    cleanup = factories.need(commune_a, title="Nettoyage", kind=ActionKind.COLLECTIVE)
    refused = factories.need(commune_a, title="Hors champ", status=NeedStatus.REFUSED)
    Need.objects.filter(pk__in=[shopping.pk, cleanup.pk, refused.pk]).update(created_at=at(datetime.date(2026, 9, 2)))
    Need.history.filter(id=shopping.pk).update(history_date=at(datetime.date(2026, 9, 12)))  # done ten days later
    factories.need(commune_a, title="Avant la période")  # created now: outside the period

    p1 = factories.proposal(
        shopping, ana, status=ProposalStatus.DONE, rating=5, volunteer_rating=4, volunteer_feedback="Très bien"
    )
    p2 = factories.proposal(cleanup, ben, status=ProposalStatus.DECLINED)
    p3 = factories.proposal(cleanup, ana, status=ProposalStatus.ACCEPTED, rating=3, volunteer_rating=2)
    for proposal, day in ((p1, 6), (p2, 4), (p3, 5)):
        proposal.proposed_at = at(datetime.date(2026, 9, day))
        proposal.save()

    factories.hours(ana, proposal=p1, date=datetime.date(2026, 9, 10), minutes=90)
    factories.hours(ana, date=datetime.date(2026, 10, 3), minutes=60)
    factories.hours(ben, date=datetime.date(2026, 9, 20), minutes=30)

    # Held in the period: a collective action (2 places taken) and a get-together (3 places,
    # Ana and Zoé again, and Noé registered before registrations carried their commune).
    berges = action(commune_a, "Nettoyage des berges", at(datetime.date(2026, 9, 15)))
    registrations(berges, "Ana", "Zoé")
    registrations(berges, "Paul", status=RegistrationStatus.WAITING)
    registrations(berges, "Lou", status=RegistrationStatus.CANCELLED)
    registrations(berges, "Max", status=RegistrationStatus.PENDING)
    gouter = action(commune_a, "Goûter partagé", at(datetime.date(2026, 10, 10)), kind=ActionKind.CONVIVIAL)
    registrations(gouter, "Ana", "Zoé")
    registrations(gouter, "Noé", commune=False)
    # Not held in the period: a draft, an action before the period, and commune B's.
    registrations(action(commune_a, "Brouillon", at(datetime.date(2026, 9, 20)), live=False), "Ana")
    registrations(action(commune_a, "Repair café", at(datetime.date(2026, 8, 20))), "Ana")

    other = factories.volunteer(commune_b)
    factories.hours(other, date=datetime.date(2026, 9, 10), minutes=600)
    registrations(action(commune_b, "Plantations", at(datetime.date(2026, 9, 15))), "Yann", "Ugo", "Eve", "Lia")
    return commune_a


# The data of forms ------------------------------------------------------------------------------

def volunteer_form(commune, **overrides):
    data = {
        "commune": commune.pk,
        "first_name": "Paul",
        "last_name": "Roux",
        "email": "paul.roux@example.org",
        "phone": "06 12 34 56 78",
        "postcode": "92270",
        "neighbourhood": "Centre",
        "frequency": "monthly",
        "message_frequency": "monthly",
        "radius_km": 5,
        "status": "pending",
        "availability": [str(slot_bit(Weekday.MONDAY, DayPeriod.MORNING)), str(slot_bit(Weekday.SATURDAY, DayPeriod.EVENING))],
        "action_kinds": ["0"],
        "charter_version_accepted": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def story_form(people=(), body=None, initial=0, **overrides):
    """The page editor's form of a success story, as posted (``people``: the rows of its people panel)."""
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

    data = {
        "title": "Des courses et un sourire", "slug": "courses-sourire", "date": "2026-11-20",
        "summary": "Des voisins aidés.", "tags": "",
        "body": streamfield(body or [("paragraph", rich_text("<p>Chaque mardi, les courses.</p>"))]),
        "people": inline_formset(list(people), initial=initial),
    }
    data.update(overrides)
    return nested_form_data(data)


#: The public signup form, filled in as a resident would.
SIGNUP = {
    "first_name": "Inès", "last_name": "Roux", "email": "Ines.Roux@Example.org", "phone": "0612345678",
    "postcode": "92270", "neighbourhood": "Centre", "frequency": "monthly", "radius_km": "3",
    "availability": ["0", "4"], "action_kinds": ["0"], "accept_charter": "on", "accept_data_processing": "on",
}


def run_db_worker():
    """One batch of django-tasks-db's worker, in this process.

    The worker installs its own SIGINT and SIGTERM handlers (and puts SIGINT back to the
    default, not to pytest's): they are restored after it, so that an interrupt or a
    timeout still stops the test run.
    """
    signals = [signal.SIGINT, signal.SIGTERM] + ([signal.SIGQUIT] if hasattr(signal, "SIGQUIT") else [])
    saved = {number: signal.getsignal(number) for number in signals}
    try:
        call_command("db_worker", batch=True, stdout=io.StringIO(), stderr=io.StringIO())
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
