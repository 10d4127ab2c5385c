"""A département's worth of data for benchmarks: communes, volunteers, needs, history, pages.

History is off for the generator: rows are written with plain ``bulk_create`` (no
historical rows), because what is measured is reading, and a benchmark's fixtures are
not the programme's data. Distributions: a few large communes and many small ones,
skills drawn from the catalogue, coordinates for four volunteers in five, random weekly
slots, some proposals and hours this month so that fairness has work to do.

The communes are records only until ``provision_pages`` gives them their page layer through the
programme's own provisioning (homes, five pages, groups, collections, editors): that part does
write history, as a département's import would. ``PageLayerWorld`` builds on it the world of
the page layer's admin views (``VIEWS``), which ``tests/tenancy/test_page_layer_queries.py`` and
``test_page_layer_benchmark.py`` ask with ``measure_all``.
"""

import dataclasses
import datetime
import random
import re
import time
from decimal import Decimal
from io import StringIO

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail import VERSION as WAGTAIL_VERSION
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, Site, Workflow

from tests import factories
from wagtail_heurecivique.core.enums import (
    ActionKind,
    DayPeriod,
    Language,
    ProposalStatus,
    VolunteerStatus,
    Weekday,
)
from wagtail_heurecivique.core.fields import language_bit, mask_from_bits, slot_bit
from wagtail_heurecivique.models import (
    ActionIndexPage,
    ActionPage,
    Category,
    Commune,
    CommuneHomePage,
    HoursRecord,
    Need,
    Proposal,
    Skill,
    StoryPerson,
    SuccessStoryIndexPage,
    SuccessStoryPage,
    Volunteer,
)
from wagtail_heurecivique.moderation.workflow import WORKFLOW_NAME
from wagtail_heurecivique.tenancy.provisioning import provision

SLOTS = [slot_bit(d, p) for d in Weekday for p in DayPeriod]
KINDS = list(ActionKind)
BATCH = 5000


class Departement:
    def __init__(self, communes=500, seed=20261129):
        self.rnd = random.Random(seed)
        self.today = timezone.localdate()
        self.categories = [
            Category.objects.create(name=f"Catégorie {n}", slug=f"categorie-{n}", action_kind=KINDS[n % 3])
            for n in range(8)
        ]
        self.skills = Skill.objects.bulk_create(
            Skill(name=f"Compétence {n}", slug=f"competence-{n}", category=self.categories[n % 8]) for n in range(24)
        )
        self.communes, self.weights, self.centres = [], [], {}
        self.add_communes(communes)
        self.volunteer_count = 0

    def add_communes(self, count):
        """``count`` more communes, records only (``bulk_create``: no group, collection or home yet)."""
        start = len(self.communes)
        created = Commune.objects.bulk_create(
            Commune(
                name=f"Commune {n}",
                insee_code=f"{27000 + n:05d}",
                postcodes=f"{27000 + n * 10 % 900:05d}",
                departement="27",
            )
            for n in range(start, start + count)
        )
        # Larger towns weigh more: weight 1/(rank+1), like city sizes.
        self.weights += [1 / (rank + 1) ** 0.7 for rank in range(start, start + count)]
        self.centres.update(
            (c.pk, (49.0 + self.rnd.uniform(-0.5, 0.5), 1.2 + self.rnd.uniform(-0.7, 0.7))) for c in created
        )
        self.communes += created
        return created

    def provision_pages(self, communes=None, *, editors=True):
        """The communes' page layer, through the programme's own provisioning from a CSV file.

        Each commune gets its home with its five pages, its editors' group, collection and page
        permissions, and (``editors``) an editor account; one in ten (the second, the twelfth…)
        its own Wagtail Site, as in a département where the larger towns have their own address.
        Communes already provisioned are left as they are. About 0.2 s a commune on SQLite.
        """
        communes = self.communes if communes is None else communes
        lines = ["insee_code;name;postcodes;departement;hostname;editors"]
        for commune in communes:
            number = int(commune.insee_code) - 27000
            hostname = f"heurecivique.commune{number}.test" if number % 10 == 1 else ""
            editor = f"editeur{number}@communes.test" if editors else ""
            lines.append(f"{commune.insee_code};{commune.name};{commune.postcodes};{commune.departement};{hostname};{editor}")
        results = provision("\n".join(lines) + "\n")
        errors = [f"{row.insee_code}: {row.errors}" for row in results if row.errors]
        assert not errors, errors
        for commune in communes:
            commune.refresh_from_db()
        return results

    def add_volunteers(self, count, commune=None):
        """``count`` volunteers, in the communes by their weights, or all in ``commune``."""
        if count <= 0:
            return []
        rnd = self.rnd
        volunteers = []
        for n in range(self.volunteer_count, self.volunteer_count + count):
            commune_ = commune or rnd.choices(self.communes, self.weights)[0]
            lat, lon = self.centres[commune_.pk]
            located = rnd.random() < 0.8
            volunteers.append(
                Volunteer(
                    commune=commune_,
                    first_name="Volontaire",
                    last_name=str(n),
                    email=f"v{n}@example.org",
                    postcode=commune_.postcodes,
                    neighbourhood=f"Quartier {rnd.randint(1, 4)}",
                    latitude=Decimal(f"{lat + rnd.uniform(-0.03, 0.03):.5f}") if located else None,
                    longitude=Decimal(f"{lon + rnd.uniform(-0.04, 0.04):.5f}") if located else None,
                    availability=mask_from_bits(rnd.sample(SLOTS, rnd.randint(0, 8))),
                    action_kinds=mask_from_bits(rnd.sample(range(3), rnd.randint(1, 3))),
                    languages=mask_from_bits([language_bit(Language.FRENCH)] + ([language_bit(Language.ENGLISH)] if rnd.random() < 0.3 else [])),
                    radius_km=rnd.choice([2, 3, 5, 10]),
                    status=rnd.choices(list(VolunteerStatus), [2, 1, 12, 1, 1])[0],
                    paused_until=self.today + datetime.timedelta(days=3) if rnd.random() < 0.03 else None,
                )
            )
        created = Volunteer.objects.bulk_create(volunteers, batch_size=BATCH)
        if not created[0].pk:  # backends that do not return ids
            created = list(Volunteer.objects.order_by("-pk")[:count])
        through = Volunteer.skills.through
        through.objects.bulk_create(
            (
                through(volunteer_id=v.pk, skill_id=skill.pk)
                for v in created
                for skill in rnd.sample(self.skills, rnd.randint(1, 4))
            ),
            batch_size=BATCH,
        )
        self.volunteer_count += count
        return created

    def add_needs(self, count):
        rnd = self.rnd
        needs = []
        for n in range(count):
            commune = rnd.choices(self.communes, self.weights)[0]
            lat, lon = self.centres[commune.pk]
            category = rnd.choice(self.categories)
            located = rnd.random() < 0.7
            needs.append(
                Need(
                    commune=commune,
                    title=f"Besoin {n}",
                    kind=category.action_kind,
                    category=category,
                    description="…",
                    postcode=commune.postcodes,
                    latitude=Decimal(f"{lat + rnd.uniform(-0.02, 0.02):.5f}") if located else None,
                    longitude=Decimal(f"{lon + rnd.uniform(-0.02, 0.02):.5f}") if located else None,
                    wished_slots=mask_from_bits(rnd.sample(SLOTS, rnd.randint(2, 6))) if rnd.random() < 0.6 else 0,
                )
            )
        return Need.objects.bulk_create(needs, batch_size=BATCH)

    def add_activity(self, volunteers, needs, proposals):
        """Proposals (some this month, some rated) and hours given this month."""
        rnd = self.rnd
        now = timezone.now()
        pairs = set()
        rows = []
        while len(rows) < proposals:
            need, volunteer = rnd.choice(needs), rnd.choice(volunteers)
            if (need.pk, volunteer.pk) in pairs:
                continue
            pairs.add((need.pk, volunteer.pk))
            rows.append(
                Proposal(
                    need=need,
                    volunteer=volunteer,
                    status=rnd.choice(list(ProposalStatus)),
                    proposed_at=now - datetime.timedelta(days=rnd.randint(0, 90)),
                    rating=rnd.randint(1, 5) if rnd.random() < 0.4 else None,
                )
            )
        Proposal.objects.bulk_create(rows, batch_size=BATCH)
        HoursRecord.objects.bulk_create(
            (
                HoursRecord(volunteer=rnd.choice(volunteers), date=self.today.replace(day=1), minutes=rnd.choice([30, 60, 90]))
                for _ in range(proposals // 2)
            ),
            batch_size=BATCH,
        )

    def sample_needs(self, count):
        """Needs of the larger communes, where ranking has the most candidates."""
        large = [c.pk for c in self.communes[:20]]
        needs = list(Need.objects.filter(commune_id__in=large).select_related("commune").order_by("pk")[:count])
        return needs


# --- The page layer: communes with their pages, and its admin views asked by each role ----------

#: Who asks the page layer's views: an editor of commune A, a département coordinator, and the
#: host site's administrator (a superuser: the one person who lists every commune's pages).
ROLES = ("éditeur A", "coordinateur", "administrateur")
#: A word of the titles of every commune's home, story and action (« … Commune 7 »).
QUERY = "Commune"


def _page(view, *args):
    return reverse(f"wagtailadmin_pages:{view}", args=args)


#: ``label → url(world)``: the admin views of the page layer, in the order of the table.
VIEWS = {
    "dashboard": lambda w: reverse("wagtailadmin_home"),
    "explorer (root)": lambda w: reverse("wagtailadmin_explore_root"),
    "explorer (site root)": lambda w: reverse("wagtailadmin_explore", args=[w.site_root.pk]),
    "explorer (home A)": lambda w: reverse("wagtailadmin_explore", args=[w.a.home.pk]),
    "explorer (stories A)": lambda w: reverse("wagtailadmin_explore", args=[w.a.stories.pk]),
    "page chooser": lambda w: reverse("wagtailadmin_choose_page"),
    "page chooser search": lambda w: reverse("wagtailadmin_choose_page_search") + f"?q={QUERY}",
    "image chooser": lambda w: reverse("wagtailimages_chooser:choose"),
    "images": lambda w: reverse("wagtailimages:index"),
    "documents": lambda w: reverse("wagtaildocs:index"),
    "story add": lambda w: _page("add", "wagtail_heurecivique", "successstorypage", w.a.stories.pk),
    "story edit": lambda w: _page("edit", w.a.story.pk),
    "action edit": lambda w: _page("edit", w.a.action.pk),
    "admin search": lambda w: _page("search") + f"?q={QUERY}",
}
#: Wagtail 8.1 replaces the admin API (``/admin/api/main/``: pages, images, documents) with the
#: explorer's own endpoint: the sidebar's page explorer asks it for a page and its children.
ADMIN_API_V2 = WAGTAIL_VERSION < (8, 1)
if ADMIN_API_V2:
    VIEWS |= {
        "api pages": lambda w: "/admin/api/main/pages/?limit=20",
        "api pages search": lambda w: f"/admin/api/main/pages/?search={QUERY}",
        "api pages (explorer menu, stories A)":
            lambda w: f"/admin/api/main/pages/?child_of={w.a.stories.pk}&for_explorer=1",
        "api images": lambda w: "/admin/api/main/images/?limit=20",
    }
else:
    VIEWS |= {
        "api explorer (root)": lambda w: reverse("wagtailadmin_api:explorer", args=[Page.get_first_root_node().pk]),
        "api explorer (site root)": lambda w: reverse("wagtailadmin_api:explorer", args=[w.site_root.pk]),
        "api explorer (home A)": lambda w: reverse("wagtailadmin_api:explorer", args=[w.a.home.pk]),
        "api explorer (stories A)": lambda w: reverse("wagtailadmin_api:explorer", args=[w.a.stories.pk]),
    }

#: ``(view, role)``: each view asked by each role — but the page editor (add, edit) is the same form
#: for the administrator as for A's editor, with every permission: what the administrator is
#: shown differs in the lists (explorer, searches, choosers, API), not in the editor.
CELLS = [
    (view, role) for view in VIEWS for role in ROLES
    if not (role == "administrateur" and view in ("story add", "story edit", "action edit"))
]

#: ``(view, role)`` → why its count grows today, for the cells that do: strict ``xfail`` in
#: ``tests/tenancy/test_page_layer_queries.py``, reported by the benchmark.
KNOWN_GROWTH = {
    # Wagtail's "Awaiting your review" panel lists every task state the user may review, with no
    # limit, and asks per state its workflow state and task (the ``can_edit`` of its template: 3
    # queries); ``ConsentCheckTask.get_actions`` adds ``missing_consents()`` per story (its people,
    # each one's record and consent, its images: 8 queries here).
    **{("dashboard", role): "~11 queries a story awaiting review, every one of them (no limit)"
       for role in ("coordinateur", "administrateur")},
    # Wagtail's page chooser renders each row's status (``approved_schedule``: a revision query;
    # ``workflow_in_progress``: one more), its search each row's parent too: 2–3 queries a row,
    # up to its 25 rows a page. Browsing starts at the tree root, where each commune with its own
    # Site has its home.
    **{("page chooser", role): "2 queries a row (its status), up to 25 rows"
       for role in ("coordinateur", "administrateur")},
    **{("page chooser search", role): "3 queries a row (its parent and status), up to 25 rows"
       for role in ("coordinateur", "administrateur")},
    # Each home listed shows Wagtail's "add child page" button when ``can_add_subpage()``: Wagtail's
    # ``can_create_at`` counts, for each of the five page types with ``max_count_per_parent``, the
    # home's children of that type — 10 queries a home, up to the explorer's 50 rows (20 in search).
    ("explorer (root)", "administrateur"): "10 queries a home with its own Site (can_create_at)",
    ("explorer (site root)", "administrateur"): "10 queries a home, up to 50 rows (can_create_at)",
    ("admin search", "administrateur"): "10 queries a home among the results (can_create_at)",
}
if ADMIN_API_V2:
    KNOWN_GROWTH |= {
        # Wagtail's admin API serialises each page with its parent and its children's and descendants'
        # counts under the user's permissions: ~3 queries a page, up to ``limit``.
        ("api pages", "administrateur"): "~3 queries a page (parent, children, descendants), up to limit=20",
        ("api pages search", "administrateur"): "~3 queries a page (parent, children, descendants), up to limit=20",
    }


@dataclasses.dataclass
class CommunePages:
    """A commune of the world and its pages (no story nor action for most communes of the benchmark)."""

    commune: object
    home: Page
    stories: Page
    story: Page | None
    action: Page | None


class PageLayerWorld:
    """A département's communes with their page layer, staff and volunteers, grown in steps."""

    def __init__(self, communes=2, volunteers_in_a=5):
        call_command("heurecivique_setup", "--no-catalogue", stdout=StringIO())
        self.departement = Departement(communes=0)
        self.communes = []
        self.site_root = Site.objects.get(is_default_site=True).root_page
        self.add_communes(communes)
        self.a = self.communes[0]
        self.users = {
            "éditeur A": factories.editor(self.a.commune, "editrice_couche_pages"),
            "coordinateur": factories.coordinator("coordination_couche_pages"),
            "administrateur": factories.user("admin_couche_pages", superuser=True, is_staff=True),
        }
        # Commune A's story already names one of its volunteers.
        self.add_volunteers(volunteers_in_a - Volunteer.objects.filter(commune=self.a.commune).count(), in_a=True)

    def add_communes(self, count, *, stories_every=1):
        """``count`` more communes, provisioned, each with an image and a document.

        One in ``stories_every`` of them (and commune A) also gets a story awaiting moderation and
        an action.
        """
        created = self.departement.add_communes(count)
        self.departement.provision_pages(created)
        start = len(self.communes)
        self.communes += [
            self._fill(commune, with_pages=(start + number) % stories_every == 0)
            for number, commune in enumerate(created)
        ]

    def add_volunteers(self, count, *, in_a):
        """``count`` more volunteers, in commune A or spread over the communes by their size."""
        self.departement.add_volunteers(count, commune=self.a.commune if in_a else None)

    def _fill(self, commune, with_pages=True):
        home = CommuneHomePage.objects.get(commune=commune)
        stories = SuccessStoryIndexPage.objects.child_of(home).get()
        actions = ActionIndexPage.objects.child_of(home).get()
        number = commune.insee_code
        image = get_image_model().objects.create(
            title=f"Photo de {commune.name}", collection=commune.collection,
            file=get_test_image_file(f"photo-{number}.png", size=(24, 24)),
        )
        get_document_model().objects.create(
            title=f"Compte rendu de {commune.name}", collection=commune.collection,
            file=ContentFile(b"Compte rendu", name=f"compte-rendu-{number}.txt"),
        )
        if not with_pages:
            return CommunePages(commune, home, stories, None, None)
        story = stories.add_child(instance=SuccessStoryPage(
            title=f"Réussite de {commune.name}", slug="reussite", summary="Des voisins aidés.", live=False,
            body=[("paragraph", "<p>Des courses chaque semaine.</p>"),
                  ("image", {"image": image, "alternative_text": "Deux voisines", "caption": ""})],
        ))
        StoryPerson.objects.create(page=story, volunteer=factories.volunteer(commune))
        StoryPerson.objects.create(page=story, beneficiary=factories.beneficiary(commune))
        editor = commune.editors_group.user_set.first()
        story.save_revision(user=editor)
        Workflow.objects.get(name=WORKFLOW_NAME).start(story, editor)
        action = actions.add_child(instance=ActionPage(
            title=f"Action à {commune.name}", slug="action", kind="collective", place="Parc municipal",
            partner=factories.partner(commune), start=timezone.now() + datetime.timedelta(days=10),
        ))
        action.save_revision().publish()
        return CommunePages(commune, home, stories, story, action)


@dataclasses.dataclass
class Measure:
    status: int
    queries: int
    size: int
    seconds: float

    def __str__(self):
        return f"{self.status} {self.queries:4d} q {self.size / 1000:6.0f} kB {self.seconds * 1000:5.0f} ms"


def ask(client, url, runs=1):
    """The view at ``url`` once to warm Wagtail's caches (renditions, site roots), then ``runs`` times.

    Returns the last run's status, queries and size, and the median time of the runs.
    """
    client.get(url)
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
    timings.sort()
    return Measure(response.status_code, len(captured), len(response.content), timings[len(timings) // 2])


def clients_of(users):
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    return clients


def measure_all(world, clients, runs=1):
    return {(view, role): ask(clients[role], VIEWS[view](world), runs) for view, role in CELLS}


def lists_every_volunteer(html):
    """Whether the page holds a ``<select>`` of commune A's volunteers (an ``<option>`` each)."""
    return len(re.findall(r"<option value=\"\d+\"[^>]*>Volontaire \d+", html)) >= 100
