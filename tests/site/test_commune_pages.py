"""A commune's home gets its five pages: on its first publication in the admin, or from a button."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission, Page, PageLogEntry, Site
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield
from wagtail.users.models import UserProfile

from tests import builders, factories
from wagtail_heurecivique.core.enums import ActionKind
from wagtail_heurecivique.models import (
    ActionIndexPage,
    ActionPage,
    CommuneHomePage,
    NeedReportPage,
    SuccessStoryIndexPage,
    VolunteerSignupPage,
    VolunteerSpacePage,
)
from wagtail_heurecivique.tenancy.pages import create_missing_pages

pytestmark = pytest.mark.django_db

PAGES = [
    (VolunteerSignupPage, "Je deviens volontaire", "je-deviens-volontaire"),
    (NeedReportPage, "Je signale un besoin", "je-signale-un-besoin"),
    (VolunteerSpacePage, "Mon espace bénévole", "mon-espace"),
    (SuccessStoryIndexPage, "Nos réussites", "reussites"),
    (ActionIndexPage, "Agir ensemble", "actions"),
]
BUTTON = "Créer les pages manquantes de l’Heure Civique"


def site_root():
    return Site.objects.get(is_default_site=True).root_page


def logged_in(user):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "fr"  # a French editor, whatever the host's default language
    profile.save()
    client = Client()
    client.force_login(user)
    return client


def children(home):
    return [(type(page), page.title, page.slug, page.live) for page in Page.objects.child_of(home).specific()]


def publish_home_in_admin(client, commune, parent):
    data = nested_form_data({
        "title": "L'Heure Civique à Bois-Colombes", "slug": "heure-civique-bois-colombes", "commune": commune.pk,
        "mayor_call": rich_text("<p>Rejoignez-nous !</p>"), "body": streamfield([]),
        "action-publish": "Publier",
    })
    return client.post(reverse("wagtailadmin_pages:add", args=["wagtail_heurecivique", "communehomepage", parent.pk]), data)


@pytest.fixture
def home(commune_a):
    """A home created before this release (or by code): no children, no publication signal."""
    return site_root().add_child(instance=CommuneHomePage(title="Bois-Colombes", slug="bois-colombes", commune=commune_a))


def editor_of(page, *permissions):
    """A staff member with the given page permissions on ``page`` and below."""
    account = factories.user(groups=("editors",), is_staff=True)
    group = account.groups.get()
    for codename in permissions:
        GroupPagePermission.objects.create(
            group=group, page=page, permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        )
    return account


def test_publishing_a_new_commune_home_in_the_admin_creates_its_five_pages(commune_a, superuser):
    response = publish_home_in_admin(logged_in(superuser), commune_a, site_root())
    assert response.status_code == 302
    home = CommuneHomePage.objects.get(commune=commune_a)
    assert home.live
    assert children(home) == [(model, title, slug, True) for model, title, slug in PAGES]
    signup = VolunteerSignupPage.objects.child_of(home).get()
    assert "sans engagement ni contrainte" in signup.charter and "confidentialité" in signup.charter
    assert signup.live_revision.user == superuser and signup.owner == superuser
    assert PageLogEntry.objects.filter(page=signup, action="wagtail.publish", user=superuser).exists()
    assert Page.objects.child_of(home).filter(locale=home.locale).count() == 5


def test_a_page_the_editor_deleted_is_not_recreated_when_the_home_is_published_again(commune_a, superuser):
    client = logged_in(superuser)
    publish_home_in_admin(client, commune_a, site_root())
    home = CommuneHomePage.objects.get(commune=commune_a)
    VolunteerSpacePage.objects.child_of(home).get().delete()
    home.title = "L'Heure Civique, à Bois-Colombes"
    home.save_revision(user=superuser).publish(user=superuser)
    assert not VolunteerSpacePage.objects.child_of(home).exists()
    assert len(children(home)) == 4


def test_the_button_appears_only_when_a_page_is_missing_and_creates_it(home, superuser):
    client = logged_in(superuser)
    explorer = reverse("wagtailadmin_explore", args=[home.pk])
    assert BUTTON in client.get(explorer).content.decode()  # in the home's header
    assert BUTTON in client.get(reverse("wagtailadmin_explore", args=[site_root().pk])).content.decode()  # its row
    url = reverse("heurecivique_create_missing_pages", args=[home.pk])
    confirmation = client.get(url)
    assert confirmation.status_code == 200
    assert "<li>Je deviens volontaire</li>" in confirmation.content.decode()
    assert not children(home)  # a GET creates nothing

    response = client.post(url, follow=True)
    assert response.redirect_chain == [(explorer, 302)]
    assert children(home) == [(model, title, slug, True) for model, title, slug in PAGES]
    content = response.content.decode()
    assert "Je deviens volontaire" in content and "Agir ensemble" in content
    assert BUTTON not in content  # nothing is missing any more

    ActionIndexPage.objects.child_of(home).get().delete()
    assert BUTTON in client.get(explorer).content.decode()
    confirmation = client.get(url).content.decode()
    assert "<li>Agir ensemble</li>" in confirmation and "<li>Je deviens volontaire</li>" not in confirmation
    client.post(url)
    assert [title for _model, title, *_rest in children(home)][-1] == "Agir ensemble"
    assert len(children(home)) == 5


def test_a_slug_taken_by_another_page_gets_the_next_free_one(home):
    home.add_child(instance=VolunteerSpacePage(title="Autre chose", slug="je-signale-un-besoin"))
    created = create_missing_pages(home)
    assert [page.slug for page in created] == ["je-deviens-volontaire", "je-signale-un-besoin-2", "reussites", "actions"]
    assert create_missing_pages(home) == []  # a second call creates nothing


def test_a_user_who_may_not_add_pages_there_is_refused_and_sees_no_button(home):
    reader = editor_of(site_root())  # admin access, no page permission
    client = logged_in(reader)
    url = reverse("heurecivique_create_missing_pages", args=[home.pk])
    # Wagtail's refusal for a page it may not touch: back to the dashboard with a message.
    refused = client.post(url, follow=True)
    assert refused.redirect_chain == [(reverse("wagtailadmin_home"), 302)]
    assert "pas les autorisations" in refused.content.decode()
    assert client.get(url).url == reverse("wagtailadmin_home")
    assert client.post(url, headers={"x-requested-with": "XMLHttpRequest"}).status_code == 403
    assert not children(home)
    assert BUTTON not in client.get(reverse("wagtailadmin_explore", args=[site_root().pk])).content.decode()


def test_an_editor_who_may_add_but_not_publish_gets_drafts(home):
    editor = editor_of(home, "add_page", "change_page")
    client = logged_in(editor)
    assert BUTTON in client.get(reverse("wagtailadmin_explore", args=[home.pk])).content.decode()
    response = client.post(reverse("heurecivique_create_missing_pages", args=[home.pk]), follow=True)
    assert "créées en brouillon" in response.content.decode()
    assert [live for *_rest, live in children(home)] == [False] * 5
    assert all(page.latest_revision_id for page in Page.objects.child_of(home))


def test_the_button_view_answers_404_for_a_page_that_is_not_a_commune_home(home, superuser):
    client = logged_in(superuser)
    signup = create_missing_pages(home)[0]
    for page in (site_root(), signup):
        assert client.get(reverse("heurecivique_create_missing_pages", args=[page.pk])).status_code == 404
        assert client.post(reverse("heurecivique_create_missing_pages", args=[page.pk])).status_code == 404
    assert client.post(reverse("heurecivique_create_missing_pages", args=[Page.objects.order_by("-pk")[0].pk + 1])).status_code == 404



def test_a_page_finds_its_commune_from_the_home_above_it_in_one_query(commune_a, commune_b, django_assert_num_queries):
    """Below the commune's home however deep (an action sits two levels down), and with the
    home itself at no fixed depth of the host's tree."""
    start = timezone.now() + datetime.timedelta(days=7)
    near = builders.action(commune_a, "Atelier", start)
    section = Site.objects.get(is_default_site=True).root_page.add_child(instance=Page(title="Mairie", slug="mairie"))
    deeper = builders.action_index(commune_b, root=section).add_child(
        instance=ActionPage(title="Goûter", slug="gouter", kind=ActionKind.CONVIVIAL, start=start, place="Salle")
    )
    for page, commune in ((near, commune_a), (deeper, commune_b)):
        fresh = ActionPage.objects.get(pk=page.pk)
        with django_assert_num_queries(1):
            assert fresh.commune == commune
