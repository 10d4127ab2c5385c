"""The idempotent setup command: groups and permissions, the default catalogue; migrations in step."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import Site

from wagtail_heurecivique.core.enums import ActionKind
from wagtail_heurecivique.core.roles import GROUPS
from wagtail_heurecivique.models import (
    Category,
    CommuneHomePage,
    Need,
    NeedReportPage,
    Skill,
    VolunteerSignupPage,
)
from wagtail_heurecivique.services.catalogue import CATALOGUE
from wagtail_heurecivique.tenancy.pages import create_missing_pages

SKILL_COUNT = sum(len(entry["skills"]) for entry in CATALOGUE)


def setup(*args):
    out = StringIO()
    call_command("heurecivique_setup", *args, stdout=out)
    return out.getvalue()


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


@pytest.mark.django_db
def test_setup_loads_the_default_catalogue_once_and_keeps_what_editors_changed():
    out = setup()
    assert f"Catégories du catalogue par défaut — créées : {len(CATALOGUE)}, déjà présentes : 0." in out
    assert f"Compétences du catalogue par défaut — créées : {SKILL_COUNT}, déjà présentes : 0." in out
    assert Category.objects.count() == len(CATALOGUE) >= 8 and Skill.objects.count() == SKILL_COUNT
    shopping = Category.objects.get(slug="courses-et-livraisons")
    assert shopping.name == "Courses et livraisons" and shopping.skills.filter(name="Portage de repas").exists()
    row = shopping.history.get()
    assert row.history_type == "+" and row.history_change_reason == "Catalogue par défaut de l’Heure Civique"

    shopping.name, shopping.description = "Courses", "Nos courses, à notre façon."
    shopping.save()
    Skill.objects.filter(slug="jeux-de-societe").update(name="Jeux")
    Skill.objects.get(slug="smartphone").delete()
    rows = Category.history.count() + Skill.history.count()
    out = setup()
    assert f"Catégories du catalogue par défaut — créées : 0, déjà présentes : {len(CATALOGUE)}." in out
    assert f"Compétences du catalogue par défaut — créées : 1, déjà présentes : {SKILL_COUNT - 1}." in out
    shopping.refresh_from_db()
    assert (shopping.name, shopping.description) == ("Courses", "Nos courses, à notre façon.")
    assert Skill.objects.get(slug="jeux-de-societe").name == "Jeux"
    assert Category.history.count() + Skill.history.count() == rows + 1  # the skill deleted, created again
    setup()
    assert Category.objects.count() == len(CATALOGUE) and Skill.objects.count() == SKILL_COUNT


@pytest.mark.django_db
def test_setup_adopts_a_category_an_editor_created_under_another_slug():
    Category.objects.create(name="Aide numérique", slug="numerique", action_kind=ActionKind.COLLECTIVE)
    setup()
    category = Category.objects.get(name="Aide numérique")
    assert (category.slug, category.action_kind) == ("numerique", ActionKind.COLLECTIVE)
    assert set(category.skills.values_list("slug", flat=True)) == {"informatique", "demarches-en-ligne", "smartphone"}


@pytest.mark.django_db
def test_setup_without_the_catalogue_loads_nothing():
    out = setup("--no-catalogue")
    assert "Catalogue par défaut non chargé (--no-catalogue)." in out
    assert not Category.objects.exists() and not Skill.objects.exists()


@pytest.mark.django_db
def test_every_category_of_the_default_catalogue_has_a_kind_of_action_and_a_description():
    setup()
    for category in Category.objects.all():
        assert category.action_kind in ActionKind.values, category
        assert len(category.description) > 40, category
    assert set(Category.objects.values_list("action_kind", flat=True)) == set(ActionKind.values)
    assert not Skill.objects.filter(category__isnull=True).exists()


@pytest.mark.django_db
def test_after_setup_the_public_forms_offer_the_catalogue_and_a_need_can_be_reported(client, commune_a, commit):
    setup()
    root = Site.objects.get(is_default_site=True).root_page
    home = root.add_child(instance=CommuneHomePage(title="Bois-Colombes", slug="bois-colombes", commune=commune_a))
    create_missing_pages(home)
    signup = VolunteerSignupPage.objects.child_of(home).get()
    assert "Portage de repas" in client.get(signup.url).content.decode()
    report = NeedReportPage.objects.child_of(home).get()
    form = client.get(report.url).content.decode()
    assert "Visites de convivialité" in form and "Rencontres conviviales" in form
    data = {
        "reporter_kind": "resident", "reporter_name": "Paul Martin", "reporter_email": "paul@example.org",
        "for_self": "0", "beneficiary_first_name": "Jeanne", "beneficiary_phone": "01 47 00 00 00",
        "postcode": "92270", "category": Category.objects.get(slug="visites-de-convivialite").pk,
        "description": "Une visite le jeudi après-midi.", "agreement": "on",
    }
    response = commit(client.post, report.url, data)
    assert response.status_code == 200
    assert Need.objects.get().category.name == "Visites de convivialité"
