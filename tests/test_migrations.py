"""Migrations apply forward on a database that already holds data."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

APP = "wagtail_heurecivique"


@pytest.mark.django_db(transaction=True)
def test_matching_migration_keeps_existing_rows_and_gives_defaults():
    executor = MigrationExecutor(connection)
    executor.migrate([(APP, "0001_initial")])
    old = executor.loader.project_state([(APP, "0001_initial")]).apps
    commune = old.get_model(APP, "Commune").objects.create(
        name="Vernon", insee_code="27681", postcodes="27200", departement="27"
    )
    old.get_model(APP, "Volunteer").objects.create(
        commune=commune, first_name="Inès", last_name="Roux", email="ines@example.org", postcode="27200"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from wagtail_heurecivique.models import Volunteer

    volunteer = Volunteer.objects.get()
    assert (volunteer.first_name, volunteer.languages, volunteer.paused_until) == ("Inès", 0, None)
    assert volunteer.commune.matching_weights == {}


@pytest.mark.django_db(transaction=True)
def test_needs_recorded_before_per_commune_numbers_keep_the_reference_they_were_sent():
    executor = MigrationExecutor(connection)
    executor.migrate([(APP, "0016_proposal_volunteer_reported_for")])
    old = executor.loader.project_state([(APP, "0016_proposal_volunteer_reported_for")]).apps
    commune = old.get_model(APP, "Commune").objects.create(
        name="Vernon", insee_code="27681", postcodes="27200", departement="27"
    )
    category = old.get_model(APP, "Category").objects.create(name="Courses", slug="courses", action_kind="interpersonal")
    need = old.get_model(APP, "Need").objects.create(
        commune=commune, title="Courses", kind="interpersonal", category=category, description="Courses."
    )
    sent = f"HC-{need.created_at:%Y}-{need.pk:05d}"  # what the acknowledgement e-mail said

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from wagtail_heurecivique.models import Need

    assert Need.objects.get(pk=need.pk).reference == sent
    new = Need.objects.create(
        commune_id=commune.pk, title="Jardin", kind="interpersonal", category_id=category.pk, description="Jardin."
    )
    assert new.reference.startswith("HC-27681-")
