"""Validation with French messages, availability queries, the personal-data registry."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from tests import factories
from wagtail_heurecivique.core.enums import ActionKind, DayPeriod, NeedStatus, Weekday
from wagtail_heurecivique.core.fields import action_kind_bit, bits_from_mask, mask_from_bits, slot_bit
from wagtail_heurecivique.core.personal_data import registry
from wagtail_heurecivique.core.validators import (
    normalise_phone,
    validate_insee_code,
    validate_phone,
    validate_postcode,
)
from wagtail_heurecivique.models import Beneficiary, Consent, HoursRecord, Need, Proposal, Volunteer


@pytest.mark.parametrize("value", ["75011", "01000", "97411", "20000"])
def test_valid_postcodes(value):
    validate_postcode(value)


@pytest.mark.parametrize("value", ["7501", "750111", "00100", "99000", "ABCDE", ""])
def test_invalid_postcodes_get_a_french_message(value):
    with pytest.raises(ValidationError) as error:
        validate_postcode(value)
    assert error.value.messages == ["Saisissez un code postal français à cinq chiffres, par exemple 75011."]


@pytest.mark.parametrize("value", ["69123", "2A004", "2B033", "97411", "01001"])
def test_valid_insee_codes(value):
    validate_insee_code(value)


@pytest.mark.parametrize("value", ["2C004", "6912", "00123", "99123"])
def test_invalid_insee_codes(value):
    with pytest.raises(ValidationError):
        validate_insee_code(value)


@pytest.mark.parametrize(
    "raw,normalised",
    [("0612345678", "06 12 34 56 78"), ("+33 6 12 34 56 78", "06 12 34 56 78"), ("01.23.45.67.89", "01 23 45 67 89")],
)
def test_phone_numbers_are_normalised(raw, normalised):
    validate_phone(raw)
    assert normalise_phone(raw) == normalised


@pytest.mark.parametrize("value", ["061234567", "00 12 34 56 78", "+44 20 7946 0958", "téléphone"])
def test_invalid_phone_numbers(value):
    with pytest.raises(ValidationError) as error:
        validate_phone(value)
    assert "numéro de téléphone" in error.value.messages[0]


def test_availability_masks_round_trip():
    bits = [slot_bit(Weekday.MONDAY, DayPeriod.MORNING), slot_bit(Weekday.SUNDAY, DayPeriod.EVENING)]
    assert bits == [0, 20]
    assert bits_from_mask(mask_from_bits(bits)) == bits


@pytest.mark.django_db
def test_volunteers_are_filtered_on_availability_and_kinds_in_sql(commune_a, django_assert_num_queries):
    monday_morning = mask_from_bits([slot_bit(Weekday.MONDAY, DayPeriod.MORNING)])
    saturday = mask_from_bits([slot_bit(Weekday.SATURDAY, p) for p in DayPeriod])
    early = factories.volunteer(
        commune_a, availability=monday_morning, action_kinds=mask_from_bits([action_kind_bit(ActionKind.COLLECTIVE)])
    )
    weekend = factories.volunteer(
        commune_a, availability=saturday, action_kinds=mask_from_bits([action_kind_bit(ActionKind.INTERPERSONAL)])
    )
    unrecorded = factories.volunteer(commune_a, availability=0)
    with django_assert_num_queries(1):
        assert list(Volunteer.objects.available_during(monday_morning | saturday).order_by("pk")) == [early, weekend]
    assert list(Volunteer.objects.available_during(saturday)) == [weekend]
    # The matching engine's form: who recorded no availability is kept, to be ranked lower.
    assert list(Volunteer.objects.available_during(saturday, or_unrecorded=True).order_by("pk")) == [weekend, unrecorded]
    interpersonal = mask_from_bits([action_kind_bit(ActionKind.INTERPERSONAL)])
    assert list(Volunteer.objects.available_during(saturday).preferring(interpersonal)) == [weekend]


@pytest.mark.django_db
def test_volunteer_email_is_unique_per_commune_whatever_the_case(commune_a, commune_b):
    factories.volunteer(commune_a, email="camille@example.org")
    twin = Volunteer(commune=commune_a, first_name="C", last_name="D", email="Camille@Example.org", postcode="92270")
    with pytest.raises(ValidationError) as error:
        twin.full_clean()
    assert "Un volontaire de cette commune utilise déjà cette adresse e-mail." in error.value.messages
    other_commune = Volunteer(commune=commune_b, first_name="C", last_name="D", email="camille@example.org", postcode="95260")
    other_commune.full_clean()


@pytest.mark.django_db
def test_need_dates(commune_a):
    today = timezone.localdate()
    need = Need(
        commune=commune_a, title="Courses", kind=ActionKind.INTERPERSONAL, category=factories.category(),
        description="…", wished_start=today - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as error:
        need.full_clean()
    assert error.value.message_dict["wished_start"] == ["Un nouveau besoin ne peut pas commencer dans le passé."]
    need.wished_start = today + datetime.timedelta(days=5)
    need.wished_end = today + datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as error:
        need.full_clean()
    assert error.value.message_dict["wished_end"] == ["La date de fin ne peut pas être antérieure à la date de début."]
    # A need recorded after the fact (already done) may lie in the past.
    need.status = NeedStatus.DONE
    need.wished_start = today - datetime.timedelta(days=10)
    need.wished_end = None
    need.full_clean()


@pytest.mark.django_db
def test_records_of_another_commune_cannot_be_linked(commune_a, commune_b):
    need = factories.need(commune_a)
    need.beneficiary = factories.beneficiary(commune_b)
    with pytest.raises(ValidationError) as error:
        need.full_clean()
    assert error.value.message_dict["beneficiary"] == ["Cette fiche appartient à une autre commune."]
    with pytest.raises(ValidationError) as error:
        Proposal(need=factories.need(commune_a), volunteer=factories.volunteer(commune_b)).full_clean()
    assert error.value.message_dict["volunteer"] == ["Le volontaire et le besoin appartiennent à des communes différentes."]


@pytest.mark.django_db
def test_hours_cannot_be_given_in_the_future(commune_a):
    record = HoursRecord(volunteer=factories.volunteer(commune_a), date=timezone.localdate() + datetime.timedelta(days=1), minutes=60)
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    assert error.value.message_dict["date"] == ["Cette date ne peut pas être dans le futur."]


@pytest.mark.django_db
def test_consent_takes_its_commune_from_its_subject_and_needs_exactly_one(commune_a):
    volunteer = factories.volunteer(commune_a)
    consent = factories.consent(volunteer)
    assert consent.commune == commune_a
    both = Consent(volunteer=volunteer, beneficiary=factories.beneficiary(commune_a), purpose="charter", text_version="1")
    with pytest.raises(ValidationError) as error:
        both.full_clean()
    # In French once the catalogue translates it (a volunteer, a beneficiary or a registrant: test_story_people).
    assert gettext("A consent concerns one person: a volunteer, a beneficiary or a registrant.") in error.value.messages


def test_personal_data_registry_names_real_fields_also_kept_in_history():
    assert {model.__name__ for model in registry.models()} >= {"Volunteer", "Beneficiary", "Partner", "Need", "Consent"}
    for personal_field in registry:
        model = personal_field.model
        assert personal_field.field is not None
        history_model = model.history.model
        assert personal_field.name in {f.name for f in history_model._meta.get_fields()}, (
            f"{model.__name__}.{personal_field.name} is personal data: its history copy must be erasable too"
        )
    assert [f.name for f in registry.fields(Beneficiary) if f.sensitive] == ["sensitive_notes"]


def test_every_model_with_personal_data_keeps_history():
    for model in registry.models():
        assert hasattr(model, "history"), model
