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
