"""Migrations apply forward on a database that already holds data."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

APP = "wagtail_heurecivique"


def migrate_to(name):
    """The database migrated to the app's migration ``name``; the models as they were then."""
    executor = MigrationExecutor(connection)
    executor.migrate([(APP, name)])
    return executor.loader.project_state([(APP, name)]).apps


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_matching_migration_keeps_existing_rows_and_gives_defaults():
    old = migrate_to("0001_initial")
    commune = old.get_model(APP, "Commune").objects.create(
        name="Vernon", insee_code="27681", postcodes="27200", departement="27"
    )
    old.get_model(APP, "Volunteer").objects.create(
        commune=commune, first_name="Inès", last_name="Roux", email="ines@example.org", postcode="27200"
    )

    migrate_to_latest()

    from wagtail_heurecivique.models import Volunteer

    volunteer = Volunteer.objects.get()
    assert (volunteer.first_name, volunteer.languages, volunteer.paused_until) == ("Inès", 0, None)
    assert volunteer.commune.matching_weights == {}


@pytest.mark.django_db(transaction=True)
def test_needs_recorded_before_per_commune_numbers_keep_the_reference_they_were_sent():
    old = migrate_to("0016_proposal_volunteer_reported_for")
    commune = old.get_model(APP, "Commune").objects.create(
        name="Vernon", insee_code="27681", postcodes="27200", departement="27"
    )
    category = old.get_model(APP, "Category").objects.create(name="Courses", slug="courses", action_kind="interpersonal")
    need = old.get_model(APP, "Need").objects.create(
        commune=commune, title="Courses", kind="interpersonal", category=category, description="Courses."
    )
    sent = f"HC-{need.created_at:%Y}-{need.pk:05d}"  # what the acknowledgement e-mail said

    migrate_to_latest()

    from wagtail_heurecivique.models import Need

    assert Need.objects.get(pk=need.pk).reference == sent
    new = Need.objects.create(
        commune_id=commune.pk, title="Jardin", kind="interpersonal", category_id=category.pk, description="Jardin."
    )
    assert new.reference.startswith("HC-27681-")


@pytest.mark.django_db(transaction=True)
def test_status_names_are_rewritten_on_needs_and_their_history_and_back():
    before = "0017_need_reference"
    old = migrate_to(before)
    commune = old.get_model(APP, "Commune").objects.create(
        name="Vernon", insee_code="27681", postcodes="27200", departement="27"
    )
    category = old.get_model(APP, "Category").objects.create(name="Courses", slug="courses", action_kind="interpersonal")
    Need, HistoricalNeed = old.get_model(APP, "Need"), old.get_model(APP, "HistoricalNeed")
    ids = {}
    for status in ("new", "qualified", "matching", "closed", "refused"):
        need = Need.objects.create(commune=commune, title=status, kind="interpersonal", category=category,
                                   description=".", status=status, reference=f"HC-{status}")
        HistoricalNeed.objects.create(id=need.pk, commune=commune, title=status, kind="interpersonal",
                                      category=category, description=".", status=status, reference=f"HC-{status}",
                                      created_at=need.created_at,
                                      history_date=need.created_at, history_type="+")
        ids[status] = need.pk
    user = get_user_model().objects.create(username="lea")
    Membership = old.get_model(APP, "CommuneMembership")
    Membership.objects.create(commune=commune, user_id=user.pk, role="referent")
    Membership.objects.create(commune=commune, user_id=user.pk, role="referrer")

    migrate_to_latest()

    from wagtail_heurecivique.models import CommuneMembership
    from wagtail_heurecivique.models import Need as CurrentNeed

    expected = {"new": "new", "qualified": "to_match", "matching": "awaiting_answers", "closed": "done",
                "refused": "refused"}
    for model in (CurrentNeed, CurrentNeed.history.model):
        assert dict(model.objects.values_list("title", "status")) == expected
    assert list(CommuneMembership.objects.values_list("role", flat=True)) == ["referent"]

    old = migrate_to(before)
    assert dict(old.get_model(APP, "Need").objects.values_list("title", "status")) == {
        **expected, "qualified": "qualified", "matching": "matching"
    }
    migrate_to_latest()
