"""Demo content for the example site, built in code so that it follows the models.

Idempotent: every record is looked up by a natural key first, so a second run changes
nothing. Everything is validated with ``full_clean`` and written in one transaction:
an invalid record stops the run and leaves the database as it was.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from wagtail_heurecivique.core.enums import (
    ActionKind,
    ConsentPurpose,
    DayPeriod,
    Frequency,
    MembershipRole,
    NeedSource,
    NeedStatus,
    PartnerKind,
    ProposalStatus,
    Urgency,
    VolunteerStatus,
    Weekday,
)
from wagtail_heurecivique.core.fields import action_kind_bit, mask_from_bits, slot_bit
from wagtail_heurecivique.core.models.base import change_reason
from wagtail_heurecivique.core.roles import ensure_groups, group
from wagtail_heurecivique.models import (
    Beneficiary,
    Category,
    Commune,
    CommuneMembership,
    Consent,
    HoursRecord,
    Need,
    Partner,
    Proposal,
    Skill,
    Volunteer,
)
from wagtail_heurecivique.moderation.workflow import ensure_moderation_workflow
from wagtail_heurecivique.notifications import events
from wagtail_heurecivique.services.catalogue import CATALOGUE as DEFAULT_CATALOGUE
from wagtail_heurecivique.services.catalogue import load_default_catalogue
from workflows import flows, links, steps
from workflows.enums import NEED_OUTCOMES
from workflows.flows import NeedFlow
from workflows.models import NeedProcess, OnboardingProcess, TaskDeadline

REASON = "Données de démonstration"
PASSWORD = "changeme"

COMMUNES = [
    {
        "insee_code": "92009",
        "name": "Bois-Colombes",
        "postcodes": "92270",
        "departement": "92",
        "referent": ("referente.bois", "Claire", "Martin"),
        "quartiers": ["Centre", "Les Bruyères", "Le Village"],
        "centre": (48.9178, 2.2683),
    },
    {
        "insee_code": "95052",
        "name": "Beaumont-sur-Oise",
        "postcodes": "95260",
        "departement": "95",
        "referent": ("referent.beaumont", "Karim", "Benali"),
        "quartiers": ["Centre-ville", "Les Coutures", "Le Château"],
        "centre": (49.1431, 2.2867),
    },
]

PARTNERS = [
    ("CCAS de {commune}", PartnerKind.SOCIAL_SERVICE, "Sophie Leroy"),
    ("Cabinet infirmier des Tilleuls", PartnerKind.HEALTH, "Julien Moreau"),
    ("Les Restos du cœur — antenne de {commune}", PartnerKind.ASSOCIATION, "Nadia Haddad"),
]

FIRST_NAMES = [
    "Camille", "Louise", "Hugo", "Jade", "Lucas", "Emma", "Nathan", "Chloé", "Léo", "Inès",
    "Gabriel", "Manon", "Arthur", "Sarah", "Jules", "Lina", "Adam", "Zoé", "Paul", "Alice",
]
LAST_NAMES = [
    "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Lefebvre", "Moreau", "Simon",
    "Laurent", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard",
]

NEEDS = [
    ("Courses hebdomadaires pour Mme {b}", "Courses et livraisons", ActionKind.INTERPERSONAL),
    ("Visite de convivialité à M. {b}", "Visites de convivialité", ActionKind.INTERPERSONAL),
    ("Aide pour la déclaration en ligne de {b}", "Aide numérique", ActionKind.INTERPERSONAL),
    ("Accompagnement de {b} à un rendez-vous médical", "Accompagnement et transport", ActionKind.INTERPERSONAL),
    ("Tonte de la pelouse de {b}", "Jardinage et bricolage", ActionKind.INTERPERSONAL),
    ("Nettoyage des berges", "Environnement et propreté", ActionKind.COLLECTIVE),
    ("Accueil du public à la fête du village", "Événements de la commune", ActionKind.COLLECTIVE),
    ("Tenue de la buvette du club de football", "Soutien aux associations", ActionKind.ASSOCIATIVE),
    ("Plantation d'arbres à l'école", "Environnement et propreté", ActionKind.COLLECTIVE),
    ("Initiation au smartphone à la résidence seniors", "Aide numérique", ActionKind.COLLECTIVE),
    ("Collecte alimentaire de printemps", "Soutien aux associations", ActionKind.ASSOCIATIVE),
    ("Lecture à voix haute pour {b}", "Visites de convivialité", ActionKind.INTERPERSONAL),
    ("Petites réparations chez {b}", "Jardinage et bricolage", ActionKind.INTERPERSONAL),
]

STATUS_CYCLE = [
    NeedStatus.NEW, NeedStatus.TO_MATCH, NeedStatus.AWAITING_ANSWERS, NeedStatus.PLANNED, NeedStatus.DONE,
    NeedStatus.NEW, NeedStatus.AWAITING_ANSWERS, NeedStatus.DONE, NeedStatus.REFUSED, NeedStatus.TO_MATCH,
    NeedStatus.DONE, NeedStatus.CANCELLED, NeedStatus.REDIRECTED,
]


def _save(obj, user, reason=REASON):
    obj.full_clean()
    obj._history_user = user
    obj._change_reason = reason
    obj.save()
    return obj


class DemoBuilder:
    def __init__(self, *, volunteers_per_commune=20, stdout=None):
        self.volunteers_per_commune = volunteers_per_commune
        self.random = random.Random(20261129)  # Same data on every machine.
        self.today = timezone.localdate()
        self.log = stdout.write if stdout else (lambda message: None)

    @transaction.atomic
    def build(self):
        # What the builder saves without naming a reason (a story's consent, what the workflows'
        # steps write) is demo data too, and says so in its history.
        with change_reason(REASON):
            ensure_groups()
            ensure_moderation_workflow()
            self.admin = self._user("admin", "Admin", "Heure Civique", superuser=True)
            coordinator = self._user("coordination", "Élise", "Fontaine")
            coordinator.groups.add(group("coordinators"))
            home = self.build_site()
            self.skills = self._catalogue()
            for spec in COMMUNES:
                self._commune_pages(home, self._commune(spec))
        return {
            "communes": Commune.objects.count(),
            "volunteers": Volunteer.objects.count(),
            "needs": Need.objects.count(),
            "proposals": Proposal.objects.count(),
        }

    def build_site(self):
        """Give the default site a home page of the example site instead of Wagtail's welcome page."""
        from wagtail.models import Page, Site

        from .models import HomePage

        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            home = root.add_child(
                instance=HomePage(
                    title="L'Heure Civique",
                    slug="heure-civique",
                    intro="<p>Donnez une heure par mois pour une action citoyenne ou solidaire près de chez vous.</p>",
                )
            )
            self.log(_("Demo home page created."))
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(hostname="localhost", port=8000, root_page=home, is_default_site=True, site_name="Heure Civique")
        elif site.root_page_id != home.pk:
            welcome = site.root_page
            site.root_page = home
            site.save()
            if type(welcome.specific) is Page and not welcome.get_children().exists():
                welcome.delete()  # Wagtail's "Welcome to your new Wagtail site!" placeholder
        return home

    def _user(self, username, first_name, last_name, superuser=False):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.org",
                "is_staff": True,
                "is_superuser": superuser,
            },
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
            self.log(_("User “%(username)s” created (password: %(password)s).") % {"username": username, "password": PASSWORD})
        return user

    def _catalogue(self):
        """The plugin's default catalogue; its skills in catalogue order, so that draws repeat."""
        load_default_catalogue(user=self.admin)
        slugs = [slug for entry in DEFAULT_CATALOGUE for slug in entry["skills"]]
        skills = {skill.slug: skill for skill in Skill.objects.filter(slug__in=slugs).select_related("category")}
        return [skills[slug] for slug in slugs if slug in skills]

    def _commune(self, spec):
        commune = Commune.objects.filter(insee_code=spec["insee_code"]).first() or _save(
            Commune(
                insee_code=spec["insee_code"],
                name=spec["name"],
                postcodes=spec["postcodes"],
                departement=spec["departement"],
            ),
            self.admin,
        )
        username, first_name, last_name = spec["referent"]
        referent = self._user(username, first_name, last_name)
        referent.groups.add(group("referents"), group("sensitive_notes"))
        if not CommuneMembership.objects.filter(commune=commune, user=referent).exists():
            _save(CommuneMembership(commune=commune, user=referent, role=MembershipRole.REFERENT), self.admin)

        partners = [self._partner(commune, *p) for p in PARTNERS]
        volunteers = [self._volunteer(commune, spec, index) for index in range(self.volunteers_per_commune)]
        for volunteer in volunteers:  # waiting for their interview: in the référent's tasks
            if volunteer.status == VolunteerStatus.TO_INTERVIEW and not OnboardingProcess.objects.filter(volunteer=volunteer).exists():
                flows.start_onboarding(volunteer)
        beneficiaries = [self._beneficiary(commune, spec, index, partners) for index in range(6)]
        needs = [self._need(commune, spec, index, beneficiaries, partners, referent) for index in range(len(NEEDS))]
        self._proposals_and_hours(needs, volunteers, referent)
        for index, need in enumerate(needs):
            if not NeedProcess.objects.filter(need=need).exists():
                self._handling(need, referent, assign=index % 2 == 0, overdue=index in (0, 1))
        self._emails(needs)
        return commune

    def _commune_pages(self, home, commune):
        """The commune's Heure Civique pages: its home, the signup and the need report pages."""
        from wagtail_heurecivique.models import (
            CommuneHomePage,
            NeedReportPage,
            VolunteerSignupPage,
            VolunteerSpacePage,
        )

        page = CommuneHomePage.objects.filter(commune=commune).first()
        if page is None:
            page = home.add_child(instance=CommuneHomePage(
                title=f"L'Heure Civique à {commune.name}", slug=_slug(commune.name), commune=commune,
                mayor_call=(
                    f"<p>Une heure par mois, c'est peu pour chacun et beaucoup pour {commune.name}. "
                    "Je vous invite à rejoindre les volontaires de l'Heure Civique. — Le maire</p>"
                ),
            ))
            signup = page.add_child(instance=VolunteerSignupPage(
                title="Je deviens volontaire", slug="je-deviens-volontaire",
                intro="<p>Dites-nous ce que vous aimez faire et quand vous êtes disponible.</p>",
                charter=(
                    "<ol><li>Je donne de mon temps bénévolement, sans contrepartie.</li>"
                    "<li>Je respecte la vie privée des personnes aidées.</li>"
                    "<li>Je préviens la mairie si je ne peux pas venir.</li></ol>"
                ),
            ))
            signup.save_revision(user=getattr(self, "admin", None)).publish()
            page.add_child(instance=NeedReportPage(
                title="Je signale un besoin", slug="je-signale-un-besoin",
                intro="<p>Pour vous, un voisin, un patient : la mairie étudie chaque demande.</p>",
            ))
            commune.root_page = page
            commune._change_reason = REASON
            commune._history_user = getattr(self, "admin", None)
            commune.save(update_fields=["root_page"])
        if not VolunteerSpacePage.objects.child_of(page).exists():
            page.add_child(instance=VolunteerSpacePage(
                title="Mon espace bénévole", slug="mon-espace",
                intro="<p>Vos coordonnées, vos disponibilités, vos inscriptions, une pause, vos données.</p>",
            ))
        self._stories(page, commune)
        self._actions(page, commune)

    def _actions(self, home, commune):
        """The plan d'actions of the coming weeks, one of them nearly full, and the actions
        held these last months with their participants, for the evaluation."""
        from wagtail_heurecivique.core.enums import RegistrationStatus
        from wagtail_heurecivique.models import ActionIndexPage, ActionPage, Registration

        index = ActionIndexPage.objects.child_of(home).first() or home.add_child(instance=ActionIndexPage(
            title="Agir ensemble", slug="actions", intro="Les actions collectives proposées par la mairie ce trimestre."
        ))
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        # (title, kind, in how many days, place, places, places taken): past actions have a negative delay.
        plan = [
            ("Repair café de l'automne", ActionKind.COLLECTIVE, -150, "Salle des fêtes", 15, 9),
            ("Goûter partagé à la résidence seniors", ActionKind.CONVIVIAL, -110, "Résidence seniors", 20, 14),
            ("Tri des dons à l'épicerie solidaire", ActionKind.ASSOCIATIVE, -80, "Épicerie solidaire", 8, 6),
            ("Ramassage des déchets au parc", ActionKind.COLLECTIVE, -45, "Parc municipal", 25, 12),
            ("Café des voisins de l'hiver", ActionKind.CONVIVIAL, -20, "Salle des fêtes", 20, 8),
            ("Nettoyage des berges", ActionKind.COLLECTIVE, 9, "Parc municipal", 3, 3),
            ("Café des voisins", ActionKind.CONVIVIAL, 16, "Salle des fêtes", 20, 0),
            ("Collecte alimentaire de printemps", ActionKind.ASSOCIATIVE, 30, "Supermarché du centre", 8, 0),
            ("Initiation au smartphone", ActionKind.COLLECTIVE, 45, "Résidence seniors", 6, 0),
        ]
        volunteers = list(Volunteer.objects.filter(commune=commune, status=VolunteerStatus.ACTIVE).order_by("pk"))
        for number, (title, kind, days, place, capacity, taken) in enumerate(plan):
            if ActionPage.objects.child_of(index).filter(slug=_slug(title)).exists():
                continue
            if not volunteers:  # a commune without volunteers yet: no actions behind it, nobody registered
                if days < 0:
                    continue
                taken = 0
            start = now + datetime.timedelta(days=days, hours=10 - now.hour)
            action = index.add_child(instance=ActionPage(
                title=title, slug=_slug(title), kind=kind, start=start,
                place=f"{place}, {commune.name}", capacity=capacity, duration_minutes=120,
            ))
            # Volunteers come, in turns, and so do neighbours who are not volunteers.
            people = [(v.first_name, v.email, v) for v in volunteers[number % 3::2]]
            people += [
                (name, f"{_slug(name)}.voisinage{n}@example.org", None)
                for n, name in enumerate(FIRST_NAMES[number:] + FIRST_NAMES[:number])
            ]
            for first_name, email, volunteer in people[:taken]:
                _save(Registration(
                    action=action, commune=commune, volunteer=volunteer, first_name=first_name, email=email,
                    status=RegistrationStatus.REGISTERED, confirmed_at=min(start, timezone.now()) - datetime.timedelta(days=5),
                ), getattr(self, "admin", None))
                if volunteer is not None and days < 0:
                    # The town hall counts the volunteers' time at its collective actions too.
                    _save(HoursRecord(volunteer=volunteer, date=timezone.localtime(start).date(),
                                      minutes=action.duration_minutes, description=title), getattr(self, "admin", None))

    def _stories(self, home, commune):
        """A story index with one published success and one waiting in moderation."""
        from wagtail_heurecivique.models import StoryPerson, SuccessStoryIndexPage, SuccessStoryPage

        if SuccessStoryIndexPage.objects.child_of(home).exists():
            return
        index = home.add_child(instance=SuccessStoryIndexPage(
            title="Nos réussites", slug="reussites", intro="<p>Ce que l'Heure Civique a permis.</p>"
        ))
        volunteer = Volunteer.objects.filter(commune=commune, status=VolunteerStatus.ACTIVE).order_by("pk").first()
        if volunteer is None:
            return
        author = getattr(self, "admin", None)
        for title, live in (("Un jardin partagé qui refleurit", True), ("Des courses et un sourire", False)):
            story = index.add_child(instance=SuccessStoryPage(
                title=title, slug=_slug(title), summary=f"{title} à {commune.name}, grâce aux volontaires.",
                body=[
                    ("paragraph", f"<p>{title} : une belle histoire de voisinage à {commune.name}.</p>"),
                    ("testimony", {"quote": "Une heure par mois, et tout change.", "author": volunteer.public_name}),
                    ("figures", {"participants": 6, "hours": 12}),
                ],
                live=False,
            ))
            StoryPerson.objects.create(page=story, volunteer=volunteer)
            revision = story.save_revision(user=author)
            if live:
                # Demo data: its consent is recorded below, so the moderation would have let it through.
                revision.publish(user=author)
            else:
                index.get_workflow().start(story, author)
        Consent.objects.get_or_create(
            volunteer=volunteer, purpose=ConsentPurpose.PUBLISH_NAME, defaults={"text_version": "1", "given_at": timezone.now()}
        )

    def _emails(self, needs):
        """The e-mails these proposals would have sent: the ledger in the admin is not empty.

        Keyed like the real ones, so that a second run sends nothing.
        """
        for proposal in Proposal.objects.filter(need__in=needs).select_related("need__commune", "volunteer"):
            if proposal.status == ProposalStatus.PROPOSED:
                events.proposal_made(proposal, links.answer_url(proposal))
            elif proposal.status == ProposalStatus.ACCEPTED:
                events.proposal_accepted(proposal, links.answer_url(proposal))
            elif proposal.status == ProposalStatus.DONE:
                events.help_given(proposal, proposal.need.estimated_minutes)

    def _handling(self, need, referent, *, assign, overdue):
        """Put the need's process at the step its status stands for, so that the inbox is alive.

        The steps are completed as the référent would, but without their forms: the
        demo's needs were written with their final status (and history) first.
        """
        final = need.status
        path = {
            NeedStatus.NEW: [],
            NeedStatus.TO_MATCH: [("qualify", NeedStatus.TO_MATCH)],
            NeedStatus.REFUSED: [("qualify", NeedStatus.REFUSED)],
            NeedStatus.REDIRECTED: [("qualify", NeedStatus.REDIRECTED)],
            NeedStatus.CANCELLED: [("qualify", NeedStatus.TO_MATCH)],
            NeedStatus.AWAITING_ANSWERS: [("qualify", NeedStatus.TO_MATCH), ("match", NeedStatus.AWAITING_ANSWERS)],
            NeedStatus.PLANNED: [("qualify", NeedStatus.TO_MATCH), ("match", NeedStatus.AWAITING_ANSWERS),
                                 ("await_answers", NeedStatus.PLANNED)],
            NeedStatus.DONE: [("qualify", NeedStatus.TO_MATCH), ("match", NeedStatus.AWAITING_ANSWERS),
                              ("await_answers", NeedStatus.PLANNED), ("follow_up", NeedStatus.DONE)],
        }
        Need.objects.filter(pk=need.pk).update(status=NeedStatus.NEW)
        flows.start(need, user=referent)
        for step, status in path[final]:
            Need.objects.filter(pk=need.pk).update(status=status)
            task = steps.open_task(need.process, step)
            if step == "await_answers":
                NeedFlow.await_answers.run(task)
                continue
            activation = task.flow_task.activation_class(task)
            activation.assign(referent)
            activation.start(None)
            activation.execute()
        if final == NeedStatus.CANCELLED:
            steps.cancel(need.process, referent, need.status_reason or "Annulé à la demande de la personne.")
            return
        Need.objects.filter(pk=need.pk).update(status=final)
        if final in NEED_OUTCOMES:
            NeedProcess.objects.filter(need=need).update(outcome=final)
        open_task = Task.objects.filter(process=need.process, flow_task_type="HUMAN", status=STATUS.NEW).first()
        if open_task and assign:
            open_task.flow_task.activation_class(open_task).assign(referent)
        if open_task and overdue:
            TaskDeadline.objects.filter(task=open_task).update(due_at=timezone.now() - datetime.timedelta(days=2))

    def _partner(self, commune, name, kind, contact):
        name = name.format(commune=commune.name)
        return Partner.objects.filter(commune=commune, name=name).first() or _save(
            Partner(
                commune=commune,
                name=name,
                kind=kind,
                contact_name=contact,
                email=f"contact@{_slug(name)[:30].strip('-')}.example.org",
                phone="01 23 45 67 89",
            ),
            self.admin,
        )

    def _volunteer(self, commune, spec, index):
        rnd = self.random
        first_name = FIRST_NAMES[(index * 7 + len(commune.name)) % len(FIRST_NAMES)]
        last_name = LAST_NAMES[(index * 3 + int(spec["departement"])) % len(LAST_NAMES)]
        email = f"{_slug(first_name)}.{_slug(last_name)}.{index}@example.org"
        # Draw even for an existing volunteer, so that a re-run draws the same numbers.
        slots = rnd.sample([slot_bit(d, p) for d in Weekday for p in DayPeriod], rnd.randint(2, 7))
        kinds = rnd.sample(list(ActionKind), rnd.randint(1, 3))
        skills = rnd.sample(self.skills, rnd.randint(1, 4))
        status = rnd.choice(
            [VolunteerStatus.ACTIVE] * 6 + [VolunteerStatus.PENDING, VolunteerStatus.TO_INTERVIEW, VolunteerStatus.PAUSED, VolunteerStatus.LEFT]
        )
        frequency = rnd.choice(list(Frequency))
        offset = (rnd.uniform(-0.015, 0.015), rnd.uniform(-0.02, 0.02))
        located = rnd.random() < 0.8  # some volunteers gave no address: ranked all the same
        existing = Volunteer.objects.filter(commune=commune, email=email).first()
        if existing:
            return existing
        volunteer = _save(
            Volunteer(
                commune=commune,
                first_name=first_name,
                last_name=last_name,
                email=email,
                phone=f"06 {index % 90 + 10:02d} {rnd.randint(10, 99)} {rnd.randint(10, 99)} {rnd.randint(10, 99)}",
                postcode=commune.postcode_list[0],
                neighbourhood=rnd.choice(spec["quartiers"]),
                latitude=_coordinate(spec["centre"][0] + offset[0]) if located else None,
                longitude=_coordinate(spec["centre"][1] + offset[1]) if located else None,
                availability=mask_from_bits(slots),
                action_kinds=mask_from_bits(action_kind_bit(k) for k in kinds),
                frequency=frequency,
                radius_km=rnd.choice([2, 5, 10]),
                status=status,
                charter_version_accepted=commune.charter_version if status == VolunteerStatus.ACTIVE else "",
            ),
            self.admin,
        )
        volunteer.skills.set(skills)  # m2m history row, same user and reason
        if status == VolunteerStatus.ACTIVE:
            _save(
                Consent(volunteer=volunteer, purpose=ConsentPurpose.CHARTER, text_version=commune.charter_version),
                self.admin,
            )
        return volunteer

    def _beneficiary(self, commune, spec, index, partners):
        first_name = ["Jeanne", "Marcel", "Odette", "René", "Yvette", "Lucien"][index]
        last_name = ["Lambert", "Bonnet", "Mercier", "Blanc", "Guérin", "Faure"][(index + len(commune.name)) % 6]
        return Beneficiary.objects.filter(commune=commune, first_name=first_name, last_name=last_name).first() or _save(
            Beneficiary(
                commune=commune,
                first_name=first_name,
                last_name=last_name,
                phone=f"01 {40 + index} 12 34 56",
                postcode=commune.postcode_list[0],
                address=f"{index + 3} rue des Écoles",
                referred_by=partners[index % len(partners)],
                sensitive_notes="Vit seule, sort peu depuis une chute." if index % 2 == 0 else "",
            ),
            self.admin,
        )

    def _need(self, commune, spec, index, beneficiaries, partners, referent):
        template, category_name, kind = NEEDS[index]
        beneficiary = beneficiaries[index % len(beneficiaries)] if "{b}" in template else None
        title = template.format(b=beneficiary.last_name if beneficiary else "")
        existing = Need.objects.filter(commune=commune, title=title).first()
        if existing:
            return existing
        status = STATUS_CYCLE[index % len(STATUS_CYCLE)]
        past = status == NeedStatus.DONE
        start = self.today + datetime.timedelta(days=(-20 if past else 3 + index))
        need = _save(
            Need(
                commune=commune,
                title=title,
                kind=kind,
                category=Category.objects.get(name=category_name),
                description=f"{title}. Demande recueillie par la mairie.",
                beneficiary=beneficiary,
                source=NeedSource.REFERRAL if beneficiary else NeedSource.STAFF,
                referrer=partners[index % len(partners)] if beneficiary else None,
                urgency=list(Urgency)[index % len(Urgency)],
                wished_start=start,
                wished_end=start + datetime.timedelta(days=14),
                estimated_minutes=60 + 30 * (index % 3),
                place=f"{commune.name}",
                postcode=commune.postcode_list[0],
                neighbourhood=spec["quartiers"][index % len(spec["quartiers"])],
                latitude=_coordinate(spec["centre"][0] + ((index % 5) - 2) * 0.003),
                longitude=_coordinate(spec["centre"][1] + ((index % 3) - 1) * 0.004),
                # Interpersonal help is wished on two weekday slots; collective actions any time.
                wished_slots=mask_from_bits(
                    [slot_bit(index % 5, DayPeriod.MORNING), slot_bit((index + 2) % 5, DayPeriod.AFTERNOON)]
                )
                if kind == ActionKind.INTERPERSONAL
                else 0,
                volunteers_wanted=1 if kind == ActionKind.INTERPERSONAL else 4,
                status=status,
                status_reason="Hors du champ de l'Heure Civique : orienté vers le CCAS." if status in (NeedStatus.REFUSED, NeedStatus.REDIRECTED) else "",
                created_by=referent,
            ),
            referent,
        )
        need.skills.set([s for s in self.skills if s.category and s.category.name == category_name][:2])
        return need

    def _proposals_and_hours(self, needs, volunteers, referent):
        active = [v for v in volunteers if v.status == VolunteerStatus.ACTIVE]
        wanted = {
            NeedStatus.AWAITING_ANSWERS: ProposalStatus.PROPOSED,
            NeedStatus.PLANNED: ProposalStatus.ACCEPTED,
            NeedStatus.DONE: ProposalStatus.DONE,
        }
        existing = set(Proposal.objects.filter(need__in=needs).values_list("need_id", "volunteer_id"))
        new_proposals = []
        for offset, need in enumerate(needs):
            if need.status not in wanted or not active:
                continue
            volunteer = active[offset % len(active)]
            if (need.pk, volunteer.pk) in existing:
                continue
            proposal = Proposal(
                need=need,
                volunteer=volunteer,
                status=wanted[need.status],
                score=70 + offset,
                score_explanation=["Compétences correspondantes", "Disponible le matin"],
                proposed_by=referent,
                answered_at=None if wanted[need.status] == ProposalStatus.PROPOSED else timezone.now(),
                rating=(5, 4, 4, 3)[offset % 4] if wanted[need.status] == ProposalStatus.DONE else None,
                # Not every volunteer says how it was for them.
                volunteer_rating=(5, 4, None, 3, 4)[offset % 5] if wanted[need.status] == ProposalStatus.DONE else None,
                volunteer_feedback="Très bon moment, à refaire." if wanted[need.status] == ProposalStatus.DONE else "",
            )
            proposal.full_clean()
            new_proposals.append(proposal)
        created = bulk_create_with_history(
            new_proposals, Proposal, default_user=referent, default_change_reason=REASON
        )
        hours = []
        for proposal in Proposal.objects.filter(pk__in=[p.pk for p in created], status=ProposalStatus.DONE).select_related("need"):
            record = HoursRecord(
                volunteer_id=proposal.volunteer_id,
                proposal=proposal,
                # Spread over the last months, so that the evaluation charts have a history.
                date=self.today - datetime.timedelta(days=10 + 31 * (proposal.pk % 5)),
                minutes=proposal.need.estimated_minutes,
                description=proposal.need.title[:255],
                recorded_by=referent,
            )
            record.full_clean()
            hours.append(record)
        bulk_create_with_history(hours, HoursRecord, default_user=referent, default_change_reason=REASON)


def _coordinate(value):
    from decimal import Decimal

    return Decimal(f"{value:.5f}")


def _slug(text):
    from django.utils.text import slugify

    return slugify(text)
