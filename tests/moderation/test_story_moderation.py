"""Success stories reach the public site only through "Modération des réussites"."""

from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Site, TaskState, WorkflowPage
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from tests import factories
from wagtail_heurecivique.core import public_cache
from wagtail_heurecivique.core.enums import ConsentPurpose
from wagtail_heurecivique.models import (
    CommuneHomePage,
    Consent,
    ImageConsent,
    SuccessStoryIndexPage,
    SuccessStoryPage,
)
from wagtail_heurecivique.moderation.workflow import WORKFLOW_NAME

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories(commune_a):
    call_command("heurecivique_setup", stdout=mock.Mock())
    root = Site.objects.get(is_default_site=True).root_page
    home = root.add_child(instance=CommuneHomePage(title="Bois-Colombes", slug="bois-colombes", commune=commune_a))
    return home.add_child(instance=SuccessStoryIndexPage(title="Nos réussites", slug="reussites"))


@pytest.fixture
def editor(commune_a):
    return factories.editor(commune_a, "editrice")


@pytest.fixture
def moderator(commune_a):
    return factories.editor(commune_a, "moderateur")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def submit_story(client, index, volunteer, image):
    data = nested_form_data({
        "title": "Des courses et un sourire", "slug": "courses-sourire", "date": "2026-11-20",
        "summary": "Inès aide Jeanne chaque semaine.",
        "body": streamfield([
            ("paragraph", rich_text("<p>Chaque mardi, Inès fait les courses.</p>")),
            ("image", {"image": image.pk, "alternative_text": "Inès et Jeanne", "caption": ""}),
            ("testimony", {"quote": "Un vrai plaisir.", "author": "Inès R."}),
        ]),
        "tags": "[\"courses\", \"solidarité\"]",
        "people": inline_formset([{"volunteer": volunteer.pk, "beneficiary": ""}]),
        "action-submit": "Soumettre",
    })
    return client.post(reverse("wagtailadmin_pages:add", args=["wagtail_heurecivique", "successstorypage", index.pk]), data)


def current_state(page):
    return TaskState.objects.get(workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS)


def act(client, page, action):
    state = current_state(page)
    return client.post(reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, state.pk]), {"comment": ""})


def test_setup_installs_the_workflow_on_story_indexes(stories):
    assert WorkflowPage.objects.get(page=stories).workflow.name == WORKFLOW_NAME
    later = stories.get_parent().add_child(instance=SuccessStoryIndexPage(title="Autres", slug="autres"))
    assert WorkflowPage.objects.get(page=later).workflow.name == WORKFLOW_NAME  # new indexes too
    call_command("heurecivique_setup", stdout=mock.Mock())
    assert [t.specific.name for t in WorkflowPage.objects.get(page=stories).workflow.tasks] == [
        "Vérification des consentements", "Validation par les éditeurs / modérateurs",
    ]


def test_a_story_lacking_consents_cannot_be_approved_and_says_why(stories, commune_a, editor, moderator, referent_a):
    volunteer = factories.volunteer(commune_a, first_name="Inès", last_name="Roux")
    commune_a.refresh_from_db()  # its collection, made by the setup
    image = get_image_model().objects.create(title="Atelier courses", file=get_test_image_file(),
                                             collection=commune_a.collection)
    response = submit_story(logged_in(editor), stories, volunteer, image)
    assert response.status_code == 302
    story = SuccessStoryPage.objects.get()
    assert not story.live and current_state(story).task.name == "Vérification des consentements"

    moderation = logged_in(moderator)
    editor_page = moderation.get(reverse("wagtailadmin_pages:edit", args=[story.pk])).content.decode()
    assert "Inès R. : pas de consentement pour être nommé" in editor_page
    assert "Image « Atelier courses » : pas de consentement des personnes représentées" in editor_page

    assert act(moderation, story, "approve").status_code in (302, 403)
    assert current_state(story).task.name == "Vérification des consentements"  # not approved

    Consent.objects.create(volunteer=volunteer, purpose=ConsentPurpose.PUBLISH_NAME, text_version="1")
    ImageConsent.objects.create(commune=commune_a, image=image, given_by="Inès Roux et Jeanne Lambert")
    assert "Toutes les personnes nommées" in moderation.get(reverse("wagtailadmin_pages:edit", args=[story.pk])).content.decode()

    # Someone who is not a moderator cannot approve.
    assert act(logged_in(referent_a), story, "approve").status_code in (302, 403)
    assert current_state(story).task.name == "Vérification des consentements"

    assert act(moderation, story, "approve").status_code == 302
    assert current_state(story).task.name == "Validation par les éditeurs / modérateurs"
    assert act(moderation, story, "approve").status_code == 302
    story.refresh_from_db()
    assert story.live
    content = Client().get(story.url).content.decode()
    assert "Un vrai plaisir." in content and "Inès R." in content and "Roux" not in content


def test_a_story_cannot_be_published_directly(stories, commune_a, superuser):
    client = logged_in(superuser)
    volunteer = factories.volunteer(commune_a)
    image = get_image_model().objects.create(title="Photo", file=get_test_image_file())
    data = nested_form_data({
        "title": "Directe", "slug": "directe", "date": "2026-11-20", "summary": "x",
        "body": streamfield([("paragraph", rich_text("<p>x</p>"))]), "tags": "",
        "people": inline_formset([]), "action-publish": "Publier",
    })
    url = reverse("wagtailadmin_pages:add", args=["wagtail_heurecivique", "successstorypage", stories.pk])
    response = client.post(url, data, follow=True)
    assert "Une réussite est publiée par sa modération : soumettez-la." in response.content.decode()
    assert not SuccessStoryPage.objects.exists()
    assert "action-publish" not in client.get(url).content.decode()  # no publish button either
    submitted = {**data, "action-submit": "Soumettre"}
    submitted.pop("action-publish")
    assert client.post(url, submitted).status_code == 302
    assert SuccessStoryPage.objects.get().workflow_in_progress
    assert volunteer and image


@pytest.mark.parametrize("count", [10, 500])
def test_the_list_of_successes_makes_the_same_queries_for_10_or_500(stories, count, django_assert_num_queries):
    import datetime

    first = datetime.date(2026, 1, 1)
    for number in range(count):
        stories.add_child(instance=SuccessStoryPage(
            title=f"Réussite {number:03d}", slug=f"reussite-{number}", summary="Des voisins aidés.",
            date=first + datetime.timedelta(days=number),
        ))
    client = Client()
    client.get(stories.url)  # Wagtail's site root paths, cached after the first request
    with django_assert_num_queries(7):  # the listing's page from the cache
        client.get(stories.url)
    public_cache.bump(stories.get_parent().specific.commune_id)  # the listing rendered again
    with django_assert_num_queries(10):
        content = client.get(stories.url).content.decode()
    assert content.count("<h2><a href=") == min(count, SuccessStoryIndexPage.per_page)
    assert f"Réussite {count - 1:03d}" in content  # the most recent first
    if count > SuccessStoryIndexPage.per_page:
        assert "Page 1 sur 25" in content
        last = client.get(stories.url + "?page=25").content.decode()
        assert "Réussite 000" in last and "Réussite 499" not in last
        assert client.get(stories.url + "?page=abc").status_code == 200
