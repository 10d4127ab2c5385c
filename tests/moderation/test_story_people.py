"""A success story's people, images and links: the commune's own, through the admin's doors.

Two communes, A (Bois-Colombes) and B (Beaumont-sur-Oise), provisioned as in production
(``heurecivique_setup``): each has its home and five pages, its editors' group and its
collection. Every name, title and file of B carries the canary ``Canari-B``: no answer to
A's editor may hold it. The people are chosen in Wagtail choosers (``people_choosers``),
and the page form checks every choice again on save (``page_forms``).
"""

import datetime
import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, TaskState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield
from wagtail.users.models import UserProfile
from wagtail_modeladmin.helpers import AdminURLHelper

from tests import builders, factories
from wagtail_heurecivique.core.enums import ConsentPurpose, RegistrationStatus
from wagtail_heurecivique.core.models.consents import REGISTRANT_IS_A_VOLUNTEER_CONSENT
from wagtail_heurecivique.models import (
    ActionIndexPage,
    ActionPage,
    Consent,
    Registration,
    StoryPerson,
    SuccessStoryIndexPage,
    SuccessStoryPage,
)
from wagtail_heurecivique.site.page_forms import NOT_OF_THIS_COMMUNE, NOT_YOURS_TO_USE
from wagtail_heurecivique.site.page_references import IMAGE, PAGE, Reference, refused
from wagtail_heurecivique.site.stories import ONE_PERSON_PER_ROW, REGISTRANT_IS_A_VOLUNTEER

pytestmark = pytest.mark.django_db

CANARY = "Canari-B"


def french(message):
    with translation.override("fr"):
        return str(message)


def logged_in(user):
    """A client of ``user``, whose admin speaks French (as the communes' staff do)."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "fr"
    profile.save()
    client = Client()
    client.force_login(user)
    return client


def build(commune, mark, first_name):
    """A commune's pages, people (a volunteer, a beneficiary, a registrant) and image."""
    home = builders.commune_home(commune)
    stories = SuccessStoryIndexPage.objects.child_of(home).get()
    action = ActionIndexPage.objects.child_of(home).get().add_child(instance=ActionPage(
        title=f"Nettoyage des berges {mark}", slug="berges", kind="collective", place="Parc",
        start=timezone.now() + datetime.timedelta(days=10),
    ))
    volunteer = factories.volunteer(commune, first_name=first_name, last_name=mark)
    return {
        "home": home, "stories": stories, "action": action, "volunteer": volunteer,
        "beneficiary": factories.beneficiary(commune, first_name="Bérénice", last_name=mark),
        "registrant": Registration.objects.create(
            action=action, commune=commune, first_name=f"Camille-{mark}", email=f"camille.{mark.lower()}@example.org",
            status=RegistrationStatus.REGISTERED,
        ),
        # A volunteer registered through their space: they are named as the volunteer.
        "registered_volunteer": Registration.objects.create(
            action=action, commune=commune, volunteer=volunteer, first_name=first_name,
            email=volunteer.email, status=RegistrationStatus.REGISTERED,
        ),
        "draft": stories.add_child(instance=SuccessStoryPage(
            title=f"Récit brouillon {mark}", slug="brouillon", summary="Des voisins aidés.", live=False,
        )),
        "image": get_image_model().objects.create(
            title=f"Photo {mark}", collection=commune.collection,
            file=get_test_image_file(f"photo-{mark.lower()}.png"),
        ),
    }


@pytest.fixture
def world(commune_a, commune_b):
    call_command("heurecivique_setup", "--no-catalogue", stdout=StringIO())
    return {"a": build(commune_a, "Roux", "Inès"), "b": build(commune_b, CANARY, "Zoé")}


@pytest.fixture
def editor_a(world, commune_a):
    return factories.editor(commune_a, "editrice_a")


def story_add_url(index):
    return reverse("wagtailadmin_pages:add", args=["wagtail_heurecivique", "successstorypage", index.pk])


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def person(volunteer="", beneficiary="", registration=""):
    return {"volunteer": getattr(volunteer, "pk", volunteer), "beneficiary": getattr(beneficiary, "pk", beneficiary),
            "registration": getattr(registration, "pk", registration)}


def row_errors(response):
    return [message for form in response.context["form"].formsets["people"].forms
            for messages in form.errors.values() for message in messages]


def stream_errors(response, name="body"):
    """``{block position: [messages]}`` of the StreamField's refusal."""
    error = response.context["form"].errors.as_data()[name][0]
    return {position: list(e.messages) for position, e in error.block_errors.items()}


# --- 1. Registrants among the people named ------------------------------------------------------


def test_an_editor_names_a_registrant_of_their_commune(world, editor_a):
    a = world["a"]
    response = logged_in(editor_a).post(story_add_url(a["stories"]), builders.story_form([person(registration=a["registrant"])]))
    assert response.status_code == 302, row_errors(response)
    story = SuccessStoryPage.objects.get(slug="courses-sourire")
    assert [p.registration for p in story.get_latest_revision_as_object().people.all()] == [a["registrant"]]
    assert a["registrant"].public_name == "Camille-Roux"  # a first name only, on the public site too


def test_a_registrant_of_another_commune_is_refused_even_forged(world, editor_a):
    a, b = world["a"], world["b"]
    client = logged_in(editor_a)
    response = client.post(story_add_url(a["stories"]), builders.story_form([person(registration=b["registrant"])]))
    assert response.status_code == 200
    assert french(NOT_OF_THIS_COMMUNE) in row_errors(response)
    assert CANARY not in response.content.decode()
    assert not SuccessStoryPage.objects.filter(slug="courses-sourire").exists()

    # Editing a story to name B's registrant instead of A's: refused, the saved row unchanged.
    story = a["draft"]
    row = StoryPerson.objects.create(page=story, registration=a["registrant"])
    story.save_revision()
    data = builders.story_form([{"id": row.pk, **person(registration=b["registrant"])}], initial=1,
                               title=story.title, slug=story.slug)
    response = client.post(edit_url(story), data)
    assert response.status_code == 200
    assert french(NOT_OF_THIS_COMMUNE) in row_errors(response)
    assert CANARY not in response.content.decode()
    assert story.get_latest_revision_as_object().people.get().registration == a["registrant"]


def test_one_person_per_row_and_a_registered_volunteer_is_named_as_the_volunteer(world, editor_a):
    a = world["a"]
    client = logged_in(editor_a)
    url = story_add_url(a["stories"])
    response = client.post(url, builders.story_form([person(volunteer=a["volunteer"], beneficiary=a["beneficiary"])]))
    assert response.status_code == 200 and french(ONE_PERSON_PER_ROW) in row_errors(response)
    response = client.post(url, builders.story_form([person(registration=a["registered_volunteer"])]))
    assert response.status_code == 200 and french(REGISTRANT_IS_A_VOLUNTEER) in row_errors(response)
    assert not SuccessStoryPage.objects.filter(slug="courses-sourire").exists()
    assert client.post(url, builders.story_form([person(volunteer=a["volunteer"])])).status_code == 302


# --- 2. The choosers ----------------------------------------------------------------------------

CHOOSERS = {
    "volunteer": "heurecivique_volunteer_chooser",
    "beneficiary": "heurecivique_beneficiary_chooser",
    "registrant": "heurecivique_registration_chooser",
}


def chooser(client, who, view="choose", *args, **params):
    response = client.get(reverse(f"{CHOOSERS[who]}:{view}", args=args), params)
    body = response.content.decode()
    if response.status_code == 200 and view == "choose":
        body = response.json()["html"]
    return response, body


def test_the_story_editor_opens_choosers_of_the_pages_commune_not_lists_of_everyone(world, editor_a, commune_a):
    a = world["a"]
    content = logged_in(editor_a).get(story_add_url(a["stories"])).content.decode()
    for name in CHOOSERS.values():
        assert f"{reverse(name + ':choose')}?commune={commune_a.pk}" in content
    assert '<select name="people-__prefix__-volunteer"' not in content
    assert str(a["volunteer"]) not in content  # nobody listed in the page itself
    assert CANARY not in content


def test_the_choosers_list_the_editors_commune_only(world, editor_a, commune_a, commune_b):
    a, b = world["a"], world["b"]
    client = logged_in(editor_a)
    for who, shown in (("volunteer", "Inès Roux"), ("beneficiary", "Bérénice Roux"), ("registrant", "Camille-Roux")):
        for params in ({}, {"commune": commune_a.pk}):
            response, body = chooser(client, who, **params)
            assert response.status_code == 200
            assert shown in body and CANARY not in body, (who, params)
        # Asking for B's commune narrows the list to nothing: the parameter never widens it.
        response, body = chooser(client, who, commune=commune_b.pk)
        assert response.status_code == 200 and shown not in body and CANARY not in body
        for forged in ("abc", "9" * 30, "²"):
            response, body = chooser(client, who, commune=forged)
            assert response.status_code == 200 and shown not in body, forged
    # What tells homonyms apart, not what only référents read.
    _response, body = chooser(client, "volunteer")
    assert "Inès R." in body and a["volunteer"].postcode in body and a["volunteer"].email not in body
    # A registrant who is a volunteer is chosen as the volunteer; the registrant's action tells who.
    _response, body = chooser(client, "registrant")
    assert "Camille-Roux" in body and "Nettoyage des berges Roux" in body and "camille.roux@" not in body
    assert a["registered_volunteer"].first_name not in body

    # The chosen view names one of those the list offers, or answers 404.
    response, body = chooser(client, "volunteer", "chosen", a["volunteer"].pk)
    assert response.status_code == 200 and response.json()["result"]["title"] == f"Inès Roux — {a['volunteer'].postcode}"
    for who, obj in (("volunteer", b["volunteer"]), ("beneficiary", b["beneficiary"]), ("registrant", b["registrant"])):
        response, body = chooser(client, who, "chosen", obj.pk)
        assert response.status_code == 404 and CANARY not in body, who
    assert chooser(client, "registrant", "chosen", a["registered_volunteer"].pk)[0].status_code == 404
    assert chooser(client, "volunteer", "chosen", "9" * 30)[0].status_code == 404  # no lookup a column cannot hold
    response, body = chooser(client, "volunteer", "chosen_multiple", id=[a["volunteer"].pk, b["volunteer"].pk, "x", "9" * 30])
    assert response.status_code == 200 and CANARY not in body
    assert [chosen["id"] for chosen in response.json()["result"]] == [str(a["volunteer"].pk)]
    # Nobody is created from a page's chooser, not even by a référent who may add volunteers.
    referent = logged_in(factories.referent(a["home"].commune, "referente_a"))
    for who in CHOOSERS:
        assert chooser(referent, who, "create")[0].status_code in (302, 403), who


def test_a_coordinator_chooses_in_every_commune_and_a_stranger_in_none(world, coordinator, commune_a):
    _response, body = chooser(logged_in(coordinator), "volunteer")
    assert "Inès Roux" in body and f"Zoé {CANARY}" in body
    _response, body = chooser(logged_in(coordinator), "volunteer", commune=commune_a.pk)
    assert "Inès Roux" in body and CANARY not in body
    stranger = factories.user("webmestre", groups=("editors",), is_staff=True)  # admin access, no commune
    response, body = chooser(logged_in(stranger), "volunteer")
    assert response.status_code == 200 and "Inès Roux" not in body and CANARY not in body


def test_the_choosers_search_by_name(world, editor_a):
    a = world["a"]
    factories.volunteer(a["home"].commune, first_name="Paul", last_name="Martin")
    client = logged_in(editor_a)
    response, body = chooser(client, "volunteer", "choose_results", q="roux")
    assert response.status_code == 200
    assert "Inès Roux" in body and "Paul Martin" not in body
    _response, body = chooser(client, "volunteer", "choose_results", q="paul mar")
    assert "Paul Martin" in body and "Inès Roux" not in body
    _response, body = chooser(client, "volunteer", "choose_results", q="Zoé")
    assert CANARY not in body and "Inès Roux" not in body
    _response, body = chooser(client, "registrant", "choose_results", q="berges")  # by the action's title
    assert "Camille-Roux" in body and CANARY not in body
    _response, body = chooser(client, "beneficiary", "choose", q="bérénice")
    assert "Bérénice Roux" in body


def test_the_chosen_person_shows_again_without_another_communes_name(world, editor_a):
    """A forged row shown again with its error: the chooser shows nobody, not B's volunteer."""
    a, b = world["a"], world["b"]
    response = logged_in(editor_a).post(
        story_add_url(a["stories"]), builders.story_form([person(volunteer=b["volunteer"])]),
    )
    assert response.status_code == 200 and CANARY not in response.content.decode()


def test_the_back_office_keeps_its_own_fields(world, editor_a):
    """The choosers are the story panel's: the consent form still offers the commune's volunteers."""
    content = logged_in(editor_a).get(AdminURLHelper(Consent).create_url).content.decode()
    assert f'<option value="{world["a"]["volunteer"].pk}">' in content and CANARY not in content


def test_the_story_editor_makes_the_same_queries_for_5_or_50_volunteers(world, editor_a, commune_a):
    a = world["a"]
    story = a["draft"]
    StoryPerson.objects.create(page=story, volunteer=a["volunteer"])
    StoryPerson.objects.create(page=story, registration=a["registrant"])
    story.save_revision()
    client = logged_in(editor_a)

    def edit_view():
        client.get(edit_url(story))  # caches filled by a first request
        with CaptureQueriesContext(connection) as queries:
            response = client.get(edit_url(story))
        assert response.status_code == 200
        content = response.content.decode()
        assert "Inès Roux" in content and "Camille-Roux" in content  # the people named, in their choosers
        assert "Lou " not in content  # and nobody else
        return len(queries)

    for number in range(4):
        factories.volunteer(commune_a, first_name="Lou", last_name=f"Petit{number}")
    five = edit_view()
    for number in range(45):
        factories.volunteer(commune_a, first_name="Lou", last_name=f"Grand{number}")
    assert edit_view() == five


# --- 3. Images and pages of another commune in the content ---------------------------------------


def image_block(image, alt="Les berges"):
    return ("image", {"image": image.pk, "alternative_text": alt, "caption": ""})


def call_to_action(page):
    return ("call_to_action", {"text": "En savoir plus", "page": page.pk})


def test_an_image_of_another_communes_collection_is_refused(world, editor_a):
    a, b = world["a"], world["b"]
    client = logged_in(editor_a)
    body = [("paragraph", rich_text("<p>Chaque mardi.</p>")), image_block(b["image"])]
    response = client.post(story_add_url(a["stories"]), builders.story_form(body=body))
    assert response.status_code == 200
    assert stream_errors(response) == {1: [french(NOT_YOURS_TO_USE["image"])]}
    assert CANARY not in response.content.decode()  # B's image is not shown again
    assert not SuccessStoryPage.objects.filter(slug="courses-sourire").exists()

    body[1] = image_block(a["image"])
    assert client.post(story_add_url(a["stories"]), builders.story_form(body=body)).status_code == 302


def test_a_page_of_another_commune_in_a_call_to_action_or_a_link_is_refused(world, editor_a):
    a, b = world["a"], world["b"]
    client = logged_in(editor_a)
    url = story_add_url(a["stories"])
    body = [call_to_action(a["action"]), call_to_action(b["draft"])]
    response = client.post(url, builders.story_form(body=body))
    assert response.status_code == 200
    assert stream_errors(response) == {1: [french(NOT_YOURS_TO_USE["page"])]}
    assert CANARY not in response.content.decode()

    link = rich_text(f'<p>Voir <a linktype="page" id="{b["draft"].pk}">le récit</a>.</p>')
    response = client.post(url, builders.story_form(body=[("paragraph", link)]))
    assert response.status_code == 200
    assert stream_errors(response) == {0: [french(NOT_YOURS_TO_USE["page"])]}
    # Nor its address: the link is taken out of the paragraph shown again.
    assert CANARY not in response.content.decode() and f"/{b['home'].slug}/" not in response.content.decode()
    assert not SuccessStoryPage.objects.filter(slug="courses-sourire").exists()

    # An action's description: the same rule.
    action_url = reverse("wagtailadmin_pages:add", args=["wagtail_heurecivique", "actionpage", a["action"].get_parent().pk])
    data = nested_form_data({
        "title": "Pique-nique", "slug": "pique-nique", "kind": "convivial", "category": "", "start": "2026-12-05 10:00",
        "end": "", "recurrence": "", "place": "Parc", "duration_minutes": 60, "capacity": 10, "partner": "",
        "intro": rich_text(""), "description": streamfield([image_block(b["image"])]), "thank_you_text": rich_text(""),
    })
    response = client.post(action_url, data)
    assert response.status_code == 200
    assert stream_errors(response, "description") == {0: [french(NOT_YOURS_TO_USE["image"])]}
    assert CANARY not in response.content.decode()
    assert not ActionPage.objects.filter(slug="pique-nique").exists()


def test_what_the_page_already_held_stays_accepted(world, editor_a, coordinator):
    """A coordinator's image from a shared collection: A's editor still saves the story."""
    a = world["a"]
    shared = Collection.get_first_root_node().add_child(name="Département")
    image = get_image_model().objects.create(title="Affiche du département", collection=shared,
                                             file=get_test_image_file("affiche.png"))
    story = a["draft"]
    story.body = json.dumps([{"type": "image", "value": {"image": image.pk, "alternative_text": "", "caption": ""}}])
    story.save_revision(user=coordinator)
    data = builders.story_form(body=[image_block(image)], title=story.title, slug=story.slug)
    assert logged_in(editor_a).post(edit_url(story), data).status_code == 302
    # A new one of the same collection is not.
    other = get_image_model().objects.create(title="Autre affiche", collection=shared,
                                             file=get_test_image_file("autre.png"))
    data = builders.story_form(body=[image_block(image), image_block(other)], title=story.title, slug=story.slug)
    response = logged_in(editor_a).post(edit_url(story), data)
    assert response.status_code == 200 and stream_errors(response) == {1: [french(NOT_YOURS_TO_USE["image"])]}


def test_the_content_check_makes_one_query_per_kind_whatever_the_blocks(world, editor_a, django_assert_num_queries):
    a = world["a"]
    images = [a["image"]] + [
        get_image_model().objects.create(title=f"Photo {n}", collection=a["home"].commune.collection,
                                         file=get_test_image_file(f"photo-{n}.png"))
        for n in range(20)
    ]

    def references(count):
        return [Reference("body", IMAGE, str(image.pk), n) for n, image in enumerate(images[:count])] + [
            Reference("body", PAGE, str(a["action"].pk), n) for n in range(count)
        ]

    refused(references(1), editor_a)  # the user's permissions, cached on the user
    with CaptureQueriesContext(connection) as few:
        assert refused(references(2), editor_a) == []
    with django_assert_num_queries(len(few)):
        assert refused(references(21), editor_a) == []
    assert refused([Reference("body", IMAGE, str(world["b"]["image"].pk), 0)], editor_a)


# --- 4. A registrant's consent ---------------------------------------------------------------------


def current_state(page):
    return TaskState.objects.get(workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS)


def act(client, page, action):
    state = current_state(page)
    return client.post(reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, state.pk]), {"comment": ""})


def test_a_registrant_named_without_consent_blocks_publication_until_it_is_recorded(world, editor_a, commune_a):
    a = world["a"]
    moderator = factories.editor(commune_a, "moderateur_a")
    data = builders.story_form([person(registration=a["registrant"])], **{"action-submit": "1"})
    assert logged_in(editor_a).post(story_add_url(a["stories"]), data).status_code == 302
    story = SuccessStoryPage.objects.get(slug="courses-sourire")
    moderation = logged_in(moderator)
    page = moderation.get(edit_url(story)).content.decode()
    with translation.override("fr"):
        expected = gettext("%(name)s, registered to “%(action)s”: no consent to be named") % {
            "name": "Camille-Roux", "action": a["action"].title,
        }
    assert expected in page
    assert act(moderation, story, "approve").status_code in (302, 403)
    assert current_state(story).task.name == "Vérification des consentements"

    consent = Consent.objects.create(registration=a["registrant"], purpose=ConsentPurpose.PUBLISH_NAME, text_version="1")
    assert consent.commune == commune_a and consent.subject == a["registrant"]
    assert story.get_latest_revision_as_object().missing_consents() == []
    assert act(moderation, story, "approve").status_code == 302
    assert current_state(story).task.name == "Validation par les éditeurs / modérateurs"


def test_a_consent_concerns_exactly_one_person(world):
    a = world["a"]
    with pytest.raises(ValidationError):
        Consent(volunteer=a["volunteer"], registration=a["registrant"], purpose="publish_name", text_version="1").full_clean()
    with pytest.raises(ValidationError) as error:
        Consent(registration=a["registered_volunteer"], purpose="publish_name", text_version="1").full_clean()
    assert error.value.message_dict["registration"] == [str(REGISTRANT_IS_A_VOLUNTEER_CONSENT)]
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(volunteer=a["volunteer"], beneficiary=a["beneficiary"], commune=a["home"].commune,
                               purpose="publish_name", text_version="1")
    Consent(registration=a["registrant"], purpose="publish_name", text_version="1").full_clean()


def test_a_referent_records_a_registrants_consent_in_the_back_office(world, commune_a):
    """The consent form offers the registrants of the référent's communes, and refuses another's."""
    a, b = world["a"], world["b"]
    client = logged_in(factories.referent(commune_a, "referente_consent"))
    consents = AdminURLHelper(Consent)
    form = client.get(consents.create_url).content.decode()
    assert reverse(f"{CHOOSERS['registrant']}:choose") in form and CANARY not in form
    data = {"registration": a["registrant"].pk, "purpose": ConsentPurpose.PUBLISH_NAME, "text_version": "1",
            "given_at": "2026-11-20 10:00", "given_by": "", "withdrawn_at": ""}
    response = client.post(consents.create_url, {**data, "registration": b["registrant"].pk})
    assert response.status_code == 200 and not Consent.objects.exists()  # the form again, with its error
    response = client.post(consents.create_url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    consent = Consent.objects.get()
    assert (consent.subject, consent.commune) == (a["registrant"], commune_a)
    assert consent.history.get().history_user.username == "referente_consent"
