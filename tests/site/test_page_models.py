"""The page models' declarations (issue 15): what the admin search finds, where a page may go,
and a commune found from its home above, at whatever depth the host placed that home.
"""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from wagtail.models import GroupPagePermission, Site

from tests import builders, factories
from wagtail_heurecivique.core.enums import MembershipRole
from wagtail_heurecivique.models import (
    ActionPage,
    CommuneMembership,
    SuccessStoryIndexPage,
    SuccessStoryPage,
)

pytestmark = pytest.mark.django_db


def site_root():
    return Site.objects.get(is_default_site=True).root_page


def editor_of(commune, home):
    """An editor of ``commune`` with Wagtail's page permissions on its home only."""
    account = factories.user(is_staff=True, groups=("editors",))
    CommuneMembership.objects.create(commune=commune, user=account, role=MembershipRole.EDITOR)
    group = Group.objects.create(name=f"Essai — pages de {commune.name}")
    for codename in ("add_page", "change_page", "publish_page"):
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.create(group=group, page=home, permission=permission)
    account.groups.add(group)
    client = Client()
    client.force_login(account)
    return client


def admin_search(client, query):
    return client.get(reverse("wagtailadmin_pages:search"), {"q": query}).content.decode()


# --- search_fields ---------------------------------------------------------------------------

def test_the_admin_search_finds_an_action_by_its_place_and_a_story_by_its_summary_in_the_own_commune_only(
    commune_a, commune_b
):
    index_a, index_b = builders.action_index(commune_a), builders.action_index(commune_b)
    for index, title in ((index_a, "Nettoyage A"), (index_b, "Nettoyage Canari-B")):
        index.add_child(instance=ActionPage(
            title=title, slug="nettoyage", kind="collective", start=builders.at(builders.START),
            place="Square Quarantaine", recurrence="Chaque premier samedi",
        ))
    stories_a = index_a.get_parent().add_child(instance=SuccessStoryIndexPage(title="Réussites", slug="reussites"))
    story = SuccessStoryPage(title="Un récit", slug="recit", summary="Des voisins jardiniers aidés.", live=False)
    story.tags.add("potager")
    stories_a.add_child(instance=story)
    client = editor_of(commune_a, index_a.get_parent())

    content = admin_search(client, "Quarantaine")  # not in the title: the action's place
    assert "Nettoyage A" in content and "Canari-B" not in content
    assert "Un récit" in admin_search(client, "jardin")  # the story's summary, autocompleted
    # A host's search view (``Page.objects.live().search(...)``) finds the texts too.
    assert [page.title for page in ActionPage.objects.child_of(index_a).search("premier samedi")] == ["Nettoyage A"]
    assert [page.title for page in SuccessStoryPage.objects.search("jardiniers")] == ["Un récit"]
    # Its tags, once published (the first save indexes the page before its tags are stored).
    story.save_revision().publish()
    assert [page.title for page in SuccessStoryPage.objects.live().search("potager")] == ["Un récit"]


# --- tree rules ------------------------------------------------------------------------------

def home_offered_under(client, parent):
    """Whether the admin's "add a child page" door offers a commune's home under ``parent``."""
    response = client.get(reverse("wagtailadmin_pages:add_subpage", args=[parent.pk]))
    create = reverse("wagtailadmin_pages:add", args=("wagtail_heurecivique", "communehomepage", parent.pk))
    if response.status_code == 302:  # one type only: Wagtail goes straight to its form
        return response["Location"] == create
    assert response.status_code == 200
    return create in response.content.decode()


def test_a_commune_home_goes_anywhere_in_the_host_tree_but_under_the_plugins_pages(commune_a, commune_b, superuser):
    from wagtail.models import Page

    from wagtail_heurecivique.models import CommuneHomePage

    communes = site_root().add_child(instance=Page(title="Les communes", slug="communes"))
    home = builders.commune_home(commune_a)
    index = builders.action_index(commune_a)
    action = builders.action(commune_a, "Nettoyage", builders.at(builders.START))
    client = Client()
    client.force_login(superuser)

    assert CommuneHomePage.can_create_at(Page.get_first_root_node())  # a site of its own
    assert CommuneHomePage.can_create_at(site_root())
    assert CommuneHomePage.can_create_at(communes)
    for parent in (home, index, action):
        assert not CommuneHomePage.can_create_at(parent)
        assert not home_offered_under(client, parent)
    assert home_offered_under(client, communes)
    # Moving a home into another commune's pages is refused as well.
    other = builders.commune_home(commune_b)
    assert not other.can_move_to(home) and other.can_move_to(communes)


# --- a commune from its home above, at any depth ---------------------------------------------

def test_a_home_one_level_deeper_still_gives_its_pages_and_its_figures_their_commune(
    commune_a, commune_b, commit, django_assert_max_num_queries
):
    from django.core import mail
    from django.utils.text import slugify
    from wagtail.models import Page

    from wagtail_heurecivique.models import ActionIndexPage, Commune, CommuneHomePage, Registration
    from wagtail_heurecivique.reporting.indicators import compute

    # The host's own "Communes" page, the homes below it: one level deeper than the builders'.
    communes = site_root().add_child(instance=Page(title="Les communes", slug="communes"))
    home = communes.add_child(instance=CommuneHomePage(title="Bois-Colombes", slug="bois-colombes", commune=commune_a))
    index = home.add_child(instance=ActionIndexPage(title="Agir ensemble", slug="actions"))
    builders.action_index(commune_b)  # B's home at the usual depth, its action below
    builders.action(commune_b, "Goûter B", builders.at(builders.START))

    def add_action(title, start):
        return index.add_child(instance=ActionPage(
            title=title, slug=slugify(title), kind="collective", start=start, place="Parc Lagravère",
        ))

    held = add_action("Nettoyage", builders.at(builders.START))
    builders.registrations(held, "Ana", "Ben", commune=False)  # older rows: the tree gives the commune
    coming = add_action("Plantation", builders.at(builders.END) + datetime.timedelta(days=3650))

    # The figures: only A's held action, found through the home above it.
    with django_assert_max_num_queries(16):
        got = {row.key: row.value for row in compute(Commune.objects.filter(pk=commune_a.pk), builders.START, builders.END)}
    assert got["actions_held"] == 1 and got["action_participants"] == 2
    both = {row.key: row.value for row in compute(Commune.objects.all(), builders.START, builders.END)}
    assert both["actions_held"] == 2

    # The public pages: the index links A's feeds, a registration is recorded for A.
    client = Client()
    content = client.get(index.url).content.decode()
    assert reverse("wagtail_heurecivique:actions_rss", args=[commune_a.insee_code]) in content
    response = commit(client.post, coming.url, {"first_name": "Inès", "email": "ines@example.org"})
    assert response.status_code == 200
    assert Registration.objects.get(email="ines@example.org").commune == commune_a
    assert mail.outbox
