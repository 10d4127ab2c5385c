"""Groups and permissions from the idempotent setup command; migrations in step with models."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from wagtail_heurecivique.roles import GROUPS


@pytest.mark.django_db
def test_setup_creates_the_groups_then_changes_nothing():
    out = StringIO()
    call_command("heurecivique_setup", stdout=out)
    assert "créé" in out.getvalue()
    names = {spec["name"] for spec in GROUPS.values()}
    assert set(Group.objects.filter(name__in=names).values_list("name", flat=True)) == names
    before = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}

    out = StringIO()
    call_command("heurecivique_setup", stdout=out)
    assert "est à jour" in out.getvalue()
    after = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    assert after == before


@pytest.mark.django_db
def test_setup_keeps_permissions_granted_by_hand():
    call_command("heurecivique_setup", stdout=StringIO())
    referents = Group.objects.get(name=GROUPS["referents"]["name"])
    extra = referents.permissions.model.objects.get(codename="add_commune")
    referents.permissions.add(extra)
    call_command("heurecivique_setup", stdout=StringIO())
    assert referents.permissions.filter(pk=extra.pk).exists()


@pytest.mark.django_db
def test_group_permissions_match_the_roles():
    call_command("heurecivique_setup", stdout=StringIO())

    def codenames(key):
        return set(Group.objects.get(name=GROUPS[key]["name"]).permissions.values_list("codename", flat=True))

    assert {"change_need", "delete_volunteer", "access_admin"} <= codenames("referents")
    assert "view_all_communes" not in codenames("referents")
    assert "view_sensitive_notes" not in codenames("referents")
    assert {"view_all_communes", "add_commune", "view_need"} <= codenames("coordinators")
    assert "change_need" not in codenames("coordinators")
    assert codenames("sensitive_notes") == {"access_admin", "view_sensitive_notes"}


@pytest.mark.django_db
def test_migrations_are_in_step_with_the_models():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())
