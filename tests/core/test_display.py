"""``core.display.field_display``: how a field's value reads in the history, the inspect
views and the exports."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from wagtail_modeladmin.helpers import AdminURLHelper

from tests import factories
from wagtail_heurecivique.core.display import EMPTY, field_display
from wagtail_heurecivique.core.enums import VolunteerStatus
from wagtail_heurecivique.core.fields import mask_from_bits, slot_bit
from wagtail_heurecivique.core.models.catalogue import Skill
from wagtail_heurecivique.core.models.communes import Commune
from wagtail_heurecivique.core.models.people import Volunteer


def field(name):
    return Volunteer._meta.get_field(name)


def test_each_kind_of_field_reads_in_french():
    with translation.override("fr"), timezone.override("Europe/Paris"):
        assert field_display(field("status"), VolunteerStatus.ACTIVE) == str(VolunteerStatus.ACTIVE.label)
        assert field_display(field("wants_reminders"), True) == "Oui"
        assert field_display(field("wants_reminders"), False) == "Non"
        assert field_display(field("paused_until"), datetime.date(2026, 3, 12)) == "12 mars 2026"
        moment = datetime.datetime(2026, 3, 12, 8, 30, tzinfo=datetime.UTC)
        assert field_display(field("space_opened_at"), moment) == "12 mars 2026 09:30"  # the reader's time
        assert field_display(field("latitude"), Decimal("48.8566")) == "48,8566"
        assert field_display(field("first_name"), "Ana") == "Ana"
        mask = mask_from_bits([slot_bit(0, 0), slot_bit(1, 0)])
        assert field_display(field("availability"), mask) == ", ".join(str(label) for label in field("availability").labels(mask))
        assert "," in field_display(field("availability"), mask)


def test_nothing_reads_as_a_dash():
    for name, value in (("first_name", ""), ("paused_until", None), ("availability", 0), ("skills", [])):
        assert field_display(field(name), value) == EMPTY == "—"
    assert field_display(field("availability"), 0, empty="") == ""


def test_a_related_record_reads_by_its_name_or_as_deleted():
    commune = Commune(name="Vernon", insee_code="27681")
    assert field_display(field("commune"), commune) == "Vernon (27681)"
    with translation.override("en"):
        assert field_display(field("commune"), 7, names={7: "Vernon"}) == "Vernon"
        assert field_display(field("commune"), 8, names={7: "Vernon"}) == "deleted record #8"
        assert field_display(field("skills"), [Skill(name="Jardin"), Skill(name="Courses")]) == "Courses, Jardin"
        assert field_display(field("skills"), [2, 1], names={1: "Jardin"}) == "Jardin, deleted record #2"


@pytest.mark.django_db
def test_the_inspect_view_reads_values_as_the_history_does(client, commune_a, referent_a):
    mask = mask_from_bits([slot_bit(0, 0)])
    volunteer = factories.volunteer(commune_a, wants_reminders=True, wants_monthly_message=False, availability=mask)
    client.force_login(referent_a)
    content = client.get(AdminURLHelper(Volunteer).get_action_url("inspect", volunteer.pk)).content.decode()
    assert "<dd>Oui</dd>" in content and "<dd>Non</dd>" in content  # not True / False
    assert f"<dd>{field('availability').labels(mask)[0]}</dd>" in content
    assert "<dd>—</dd>" in content  # the neighbourhood left empty
