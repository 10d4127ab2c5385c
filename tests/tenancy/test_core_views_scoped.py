"""Wagtail's admin views with no hook, scoped by ``CommuneScopingMiddleware``.

Each view still shows the editor what is theirs (their commune's pages, tags, images and
group, and the host's own), and nothing of another commune's. Through the admin's URLs.
"""

import json
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from wagtail import VERSION as WAGTAIL_VERSION
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, Site

from tests import builders, factories
from wagtail_heurecivique.models import SuccessStoryIndexPage, SuccessStoryPage

pytestmark = pytest.mark.django_db

MIDDLEWARE = "wagtail_heurecivique.middleware.CommuneScopingMiddleware"


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def text(response):
    """What the view shows: a modal answers JSON holding its HTML."""
    if response["Content-Type"].startswith("application/json"):
        return response.json()["html"]
    return response.content.decode()


@pytest.fixture
def homes(commune_a, commune_b):
    call_command("heurecivique_setup", "--no-catalogue", stdout=StringIO())
    return {"a": builders.commune_home(commune_a), "b": builders.commune_home(commune_b)}


@pytest.fixture
def editor_a(commune_a, homes):
    return factories.editor(commune_a, "editrice_a")


def story_in(home, title):
    index = SuccessStoryIndexPage.objects.child_of(home).get()
    story = index.add_child(instance=SuccessStoryPage(title=title, slug=slugify(title), summary="Des voisins aidés.", live=False))
    story.save_revision()
    return story


@pytest.fixture
def stories(homes):
    return {"a": story_in(homes["a"], "Jardin partagé de A"), "b": story_in(homes["b"], "Brouillon secret de B")}


def without_the_middleware():
    """Wagtail's own views, for the controls (a client made inside loads the middleware list)."""
    from django.conf import settings

    return override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if m != MIDDLEWARE])


def test_pages_chosen_by_id_are_only_the_users_communes_and_the_hosts(editor_a, stories):
    host_page = Site.objects.get(is_default_site=True).root_page
    url = reverse("wagtailadmin_choose_page_chosen_multiple")
    query = f"?id={stories['a'].pk}&id={stories['b'].pk}&id={host_page.pk}&id=abc"
    response = logged_in(editor_a).get(url + query)
    assert response.status_code == 200
    chosen = {result["id"] for result in response.json()["result"]}
    assert chosen == {stories["a"].pk, host_page.pk}
    # The control: without the middleware, Wagtail answers B's title.
    with without_the_middleware():
        assert "Brouillon secret de B" in logged_in(editor_a).get(url + f"?id={stories['b'].pk}").content.decode()


def test_the_page_types_usage_report_shows_the_users_own_last_edited_story(editor_a, stories):
    later = timezone.now()
    SuccessStoryPage.objects.filter(pk=stories["a"].pk).update(latest_revision_created_at=later - timezone.timedelta(days=1))
    SuccessStoryPage.objects.filter(pk=stories["b"].pk).update(latest_revision_created_at=later)
    client = logged_in(editor_a)
    for name in ("page_types_usage", "page_types_usage_results"):
        response = client.get(reverse(f"wagtailadmin_reports:{name}"))
        assert response.status_code == 200, name
        content = response.content.decode()
        assert "Brouillon secret de B" not in content and "Jardin partagé de A" in content, name
    with without_the_middleware():
        control = logged_in(editor_a).get(reverse("wagtailadmin_reports:page_types_usage"))
        assert "Brouillon secret de B" in control.content.decode()


def test_the_page_types_usage_report_is_still_refused_without_admin_access_or_page_rights(stories):
    from django.contrib.auth.models import Permission

    url = reverse("wagtailadmin_reports:page_types_usage")
    no_admin = factories.user("sans_admin")
    assert logged_in(no_admin).get(url).status_code == 302  # Wagtail's admin login
    admin_only = factories.user("sans_droits")
    admin_only.user_permissions.add(Permission.objects.get(codename="access_admin"))
    response = logged_in(admin_only).get(url)
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def test_the_tag_autocomplete_offers_tags_of_the_users_commune_and_the_hosts_not_anothers(
    editor_a, stories, commune_a, commune_b
):
    stories["a"].tags.add("atelier-jardin")
    stories["a"].save()
    stories["b"].tags.add("atelier-dupont", "atelier-jardin")
    stories["b"].save()
    Image = get_image_model()
    image_b = Image.objects.create(title="Photo B", file=get_test_image_file(), collection=commune_b.collection)
    image_b.tags.add("atelier-famille-martin")
    image_a = Image.objects.create(title="Photo A", file=get_test_image_file(), collection=commune_a.collection)
    image_a.tags.add("atelier-photo")
    Tag.objects.create(name="atelier-libre", slug="atelier-libre")  # carried by nothing
    client = logged_in(editor_a)
    for url in (reverse("wagtailadmin_tag_autocomplete"),
                reverse("wagtailadmin_tag_model_autocomplete", args=["taggit", "tag"])):
        response = client.get(url + "?term=ateli")
        assert response.status_code == 200
        assert response.json() == ["atelier-jardin", "atelier-libre", "atelier-photo"], url
        assert client.get(url).json() == []
    with without_the_middleware():
        control = logged_in(editor_a).get(reverse("wagtailadmin_tag_autocomplete") + "?term=ateli")
        assert "atelier-dupont" in json.loads(control.content)


def test_a_coordinator_is_offered_every_tag(coordinator, stories):
    stories["b"].tags.add("atelier-dupont")
    stories["b"].save()
    response = logged_in(coordinator).get(reverse("wagtailadmin_tag_autocomplete") + "?term=atelier")
    assert response.json() == ["atelier-dupont"]


def test_the_image_format_chooser_gives_the_users_images_only(editor_a, commune_a, commune_b):
    Image = get_image_model()
    image_a = Image.objects.create(title="Photo A", file=get_test_image_file(), collection=commune_a.collection)
    image_b = Image.objects.create(title="Photo secrète B", file=get_test_image_file(), collection=commune_b.collection)
    client = logged_in(editor_a)
    assert client.get(reverse("wagtailimages_chooser:select_format", args=[image_a.pk])).status_code == 200
    refused = client.get(reverse("wagtailimages_chooser:select_format", args=[image_b.pk]))
    assert refused.status_code == 403 and "Photo secrète B" not in refused.content.decode()
    assert client.get(reverse("wagtailimages_chooser:select_format", args=[999999])).status_code == 404


@pytest.mark.skipif(WAGTAIL_VERSION < (8, 0), reason="Wagtail 7.4's privacy view is a function: not scoped")
def test_the_privacy_form_offers_the_users_communes_group_and_the_hosts_not_anothers(
    editor_a, homes, commune_a, commune_b
):
    Group.objects.get_or_create(name="Bibliothécaires")
    home_a = homes["a"]
    client = logged_in(editor_a)
    url = reverse("wagtailadmin_pages:set_privacy", args=[home_a.pk])
    content = text(client.get(url))
    assert commune_a.editors_group.name in content and "Bibliothécaires" in content
    assert commune_b.editors_group.name not in content
    # A forged group of B is refused; the user's own is accepted.
    forged = client.post(url, {"restriction_type": "groups", "groups": [commune_b.editors_group.pk]})
    assert not Page.objects.get(pk=home_a.pk).get_view_restrictions().exists()
    assert "groups" in text(forged)
    client.post(url, {"restriction_type": "groups", "groups": [commune_a.editors_group.pk]})
    restriction = Page.objects.get(pk=home_a.pk).get_view_restrictions().get()
    assert list(restriction.groups.all()) == [commune_a.editors_group]
