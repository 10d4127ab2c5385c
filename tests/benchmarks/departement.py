"""A département's worth of data for benchmarks: communes, volunteers, needs, history.

History is off for the generator: rows are written with plain ``bulk_create`` (no
historical rows), because what is measured is reading, and a benchmark's fixtures are
not the programme's data. Distributions: a few large communes and many small ones,
skills drawn from the catalogue, coordinates for four volunteers in five, random weekly
slots, some proposals and hours this month so that fairness has work to do.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from wagtail_heurecivique.enums import ActionKind, DayPeriod, Language, ProposalStatus, VolunteerStatus, Weekday
from wagtail_heurecivique.fields import action_kind_bit, language_bit, mask_from_bits, slot_bit
from wagtail_heurecivique.models import Category, Commune, HoursRecord, Need, Proposal, Skill, Volunteer

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
        self.communes = Commune.objects.bulk_create(
            Commune(
                name=f"Commune {n}",
                insee_code=f"{27000 + n:05d}",
                postcodes=f"{27000 + n * 10 % 900:05d}",
                departement="27",
            )
            for n in range(communes)
        )
        # Larger towns weigh more: weight 1/(rank+1), like city sizes.
        self.weights = [1 / (rank + 1) ** 0.7 for rank in range(communes)]
        self.centres = {c.pk: (49.0 + self.rnd.uniform(-0.5, 0.5), 1.2 + self.rnd.uniform(-0.7, 0.7)) for c in self.communes}
        self.volunteer_count = 0

    def add_volunteers(self, count):
        rnd = self.rnd
        volunteers = []
        for n in range(self.volunteer_count, self.volunteer_count + count):
            commune = rnd.choices(self.communes, self.weights)[0]
            lat, lon = self.centres[commune.pk]
            located = rnd.random() < 0.8
            volunteers.append(
                Volunteer(
                    commune=commune,
                    first_name="Volontaire",
                    last_name=str(n),
                    email=f"v{n}@example.org",
                    postcode=commune.postcodes,
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
