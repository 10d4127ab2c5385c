"""A commune is a tenant of the page layer: its editors, its pages, its media, its moderation.

Two communes, A and B, each with a home and its success stories. Everything goes through
the admin's doors as a person would: page views, image listings and choosers, the
dashboard, the workflow action URLs, the back office's memberships.
"""

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    TaskState,
    Workflow,
)
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield
from wagtail_modeladmin.helpers import AdminURLHelper

from tests import factories
from wagtail_heurecivique.core.enums import MembershipRole
from wagtail_heurecivique.core.roles import group
from wagtail_heurecivique.models import (
    CommuneApprovalTask,
    CommuneHomePage,
    CommuneMembership,
    ConsentCheckTask,
    SuccessStoryIndexPage,
    SuccessStoryPage,
)
from wagtail_heurecivique.moderation.workflow import APPROVAL_TASK_NAME, CONSENT_TASK_NAME, WORKFLOW_NAME
from wagtail_heurecivique.tenancy.access import PAGE_ACTIONS, group_name, provision_all_communes

pytestmark = pytest.mark.django_db


def french(message):
    """``message`` as the French reader sees it, whether the catalogue translates it yet or not."""
    with translation.override("fr"):
        return gettext(message)


def setup():
    out = StringIO()
    call_command("heurecivique_setup", "--no-catalogue", stdout=out)
    return out.getvalue()


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def home_of(commune):
    root = Site.objects.get(is_default_site=True).root_page
    home = CommuneHomePage(title=commune.name, slug=slugify(commune.name), commune=commune)
    root.add_child(instance=home)
    home.save_revision().publish()
    return home


def stories_of(home):
    """The home's success stories: created with its other pages at its first publication."""
    return SuccessStoryIndexPage.objects.child_of(home).get()


def story_in(index, title, *, live=False, submitted_by=None):
    story = index.add_child(
        instance=SuccessStoryPage(title=title, slug=slugify(title), summary="Des voisins aidés.", live=live)
    )
    revision = story.save_revision(user=submitted_by)
    if live:
        revision.publish()
    if submitted_by is not None:
        Workflow.objects.get(name=WORKFLOW_NAME).start(story, submitted_by)
    return story


@pytest.fixture
def site(commune_a, commune_b):
    setup()
    homes = {"a": home_of(commune_a), "b": home_of(commune_b)}
    indexes = {key: stories_of(home) for key, home in homes.items()}
    for commune in (commune_a, commune_b):
        commune.refresh_from_db()
    return {"homes": homes, "indexes": indexes}


@pytest.fixture
def editor_a(commune_a):
    return factories.editor(commune_a, "editrice_a")


@pytest.fixture
def editor_b(commune_b):
    return factories.editor(commune_b, "editeur_b")


def counts():
    return {
        "groups": Group.objects.count(),
        "page permissions": GroupPagePermission.objects.count(),
        "collection permissions": GroupCollectionPermission.objects.count(),
        "collections": Collection.objects.count(),
        "members": Group.user_set.through.objects.count(),
        "commune history": sum(c.history.count() for c in factories.Commune.objects.all()),
    }


def text(response):
    """What the page shows: a chooser answers JSON holding its HTML (non-ASCII escaped)."""
    if response["Content-Type"].startswith("application/json"):
        return response.json()["html"]
    return response.content.decode()


def refused(response):
    """Wagtail's refusal: a 403, or its ``permission_denied`` redirect to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    )


# --- Provisioning ----------------------------------------------------------------------------


def test_each_commune_gets_its_group_collection_and_rights_and_a_second_run_changes_nothing(
    site, commune_a, commune_b, editor_a
):
    group_a = commune_a.editors_group
    assert group_a.name == "Heure Civique — Éditeurs — Bois-Colombes (92009)"
    assert commune_b.editors_group.name == "Heure Civique — Éditeurs — Beaumont-sur-Oise (95052)"
    assert commune_a.collection.name == "Bois-Colombes (92009)"
    parent = commune_a.collection.get_parent()
    assert parent.name == "Heure Civique" and parent.get_parent().is_root()
    assert commune_b.collection.get_parent() == parent

    page_codenames = {f"{action}_page" for action in PAGE_ACTIONS}
    rights = GroupPagePermission.objects.filter(group=group_a).values_list("page_id", "permission__codename")
    assert set(rights) == {(site["homes"]["a"].pk, codename) for codename in page_codenames}
    coordinators = group("coordinators")
    # Coordinators work on pages through moderation: no row per home (see ``tenancy``).
    assert not GroupPagePermission.objects.filter(group=coordinators).exists()
    media = {"add_image", "change_image", "choose_image", "add_document", "change_document", "choose_document"}
    assert set(
        GroupCollectionPermission.objects.filter(group=group_a).values_list("collection_id", "permission__codename")
    ) == {(commune_a.collection_id, codename) for codename in media}
    # The coordinators' media rights are on the parent, once, whatever the number of communes.
    coordinators_media = GroupCollectionPermission.objects.filter(group=coordinators)
    assert set(coordinators_media.values_list("collection_id", "permission__codename")) == {
        (parent.pk, codename) for codename in media
    }
    assert list(group_a.user_set.all()) == [editor_a]

    row = commune_a.history.first()
    assert row.editors_group_id == group_a.pk
    assert row.history_change_reason == french("Editors' group and collection of images and documents set up")

    before = counts()
    out = setup()
    assert counts() == before
    assert not any(result.changed for result in provision_all_communes())
    assert counts() == before
    message = french(
        "Communes provisioned (editors' group, collection, page permissions): %(count)s — "
        "changed: %(changed)s, already up to date: %(kept)s."
    )
    assert message % {"count": 2, "changed": 0, "kept": 2} in out


def test_a_commune_created_then_renamed_in_the_admin_gets_then_renames_its_group_and_collection(
    site, superuser
):
    client = logged_in(superuser)
    data = {
        "name": "Vernon", "insee_code": "27681", "departement": "27", "postcodes": "27200", "root_page": "",
        "monthly_solicitation_cap": "4", "charter_version": "1", "matching_weights": "{}",
        "sla_days": "7", "qualify_sla_days": "", "match_sla_days": "", "follow_up_sla_days": "",
        "proposal_expiry_hours": "48", "email_sender_name": "", "email_from": "", "email_reply_to": "",
        "is_active": "on",
    }
    helper = AdminURLHelper(factories.Commune)
    response = client.post(helper.create_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    vernon = factories.Commune.objects.get(insee_code="27681")
    assert vernon.editors_group.name == "Heure Civique — Éditeurs — Vernon (27681)"
    assert vernon.collection.name == "Vernon (27681)"

    response = client.post(helper.get_action_url("edit", vernon.pk), {**data, "name": "Vernon-sur-Seine"})
    assert response.status_code == 302
    vernon.refresh_from_db()
    assert vernon.editors_group.name == "Heure Civique — Éditeurs — Vernon-sur-Seine (27681)"
    assert vernon.collection.name == "Vernon-sur-Seine (27681)"
    assert Group.objects.filter(name__startswith="Heure Civique — Éditeurs — Vernon").count() == 1


def test_a_home_and_its_translation_open_to_their_communes_editors(site, commune_a):
    english = Locale.objects.create(language_code="en")
    home = site["homes"]["a"]
    translation_ = home.copy_for_translation(english, copy_parents=True)
    assert set(
        GroupPagePermission.objects.filter(group=commune_a.editors_group).values_list("page_id", "permission__codename")
    ) == {(page.pk, f"{action}_page") for page in (home, translation_) for action in PAGE_ACTIONS}


def test_a_group_name_stays_within_djangos_limit():
    commune = factories.Commune(name="Saint-" + "x" * 143, insee_code="01001")
    name = group_name(commune)
    assert len(name) == 150 and name.endswith(" (01001)")


# --- Memberships decide ------------------------------------------------------------------


def test_memberships_put_people_in_their_communes_groups_and_take_them_out(site, commune_a, commune_b, superuser):
    person = factories.user("camille", groups=("editors",), is_staff=True)
    client = logged_in(superuser)
    helper = AdminURLHelper(CommuneMembership)
    data = {"commune": commune_a.pk, "user": person.pk, "role": MembershipRole.EDITOR}
    response = client.post(helper.create_url, data)
    assert response.status_code == 302
    assert set(person.groups.all()) == {group("editors"), commune_a.editors_group}
    home_a = reverse("wagtailadmin_pages:edit", args=[site["homes"]["a"].pk])
    assert logged_in(person).get(home_a).status_code == 200

    # An editor of two communes is in both groups.
    data = {"commune": commune_b.pk, "user": person.pk, "role": MembershipRole.EDITOR}
    assert client.post(helper.create_url, data).status_code == 302
    assert set(person.groups.all()) == {group("editors"), commune_a.editors_group, commune_b.editors_group}

    # A role changed: out of the group (a référent of B works in the back office, not on its pages).
    in_b = CommuneMembership.objects.get(commune=commune_b, user=person)
    data = {"commune": commune_b.pk, "user": person.pk, "role": MembershipRole.REFERENT, "wants_digest": "on"}
    assert client.post(helper.get_action_url("edit", in_b.pk), data).status_code == 302
    assert commune_b.editors_group not in person.groups.all()

    in_a = CommuneMembership.objects.get(commune=commune_a, user=person)
    response = client.post(helper.get_action_url("delete", in_a.pk), {"reason": "A quitté la mairie."})
    assert response.status_code == 302
    assert set(person.groups.all()) == {group("editors")}
    assert refused(logged_in(person).get(home_a))

    # Only memberships decide: a group row written behind their back is undone by the next
    # provisioning (a tick in Wagtail's user form writes a membership: see the end of this file).
    Group.user_set.through.objects.create(group=commune_a.editors_group, user=person)
    setup()
    assert commune_a.editors_group not in person.groups.all()


# --- Pages of another commune --------------------------------------------------------------


def test_an_editor_works_on_the_pages_of_their_commune_only(site, editor_a, editor_b):
    client = logged_in(editor_a)
    own = story_in(site["indexes"]["a"], "Un jardin partagé", live=True)
    other = story_in(site["indexes"]["b"], "Une sortie au musée", live=True)
    for page in (site["homes"]["a"], site["indexes"]["a"], own):
        assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200
    add_here = client.get(reverse("wagtailadmin_pages:add_subpage", args=[site["indexes"]["a"].pk]))
    assert add_here.status_code in (200, 302) and not refused(add_here)

    revision = other.latest_revision
    add_story_in_b = reverse(
        "wagtailadmin_pages:add", args=["wagtail_heurecivique", "successstorypage", site["indexes"]["b"].pk]
    )
    doors = [
        ("get", reverse("wagtailadmin_pages:edit", args=[other.pk])),
        ("post", reverse("wagtailadmin_pages:edit", args=[other.pk])),
        ("get", reverse("wagtailadmin_pages:delete", args=[other.pk])),
        ("post", reverse("wagtailadmin_pages:delete", args=[other.pk])),
        ("get", reverse("wagtailadmin_pages:unpublish", args=[other.pk])),
        ("post", reverse("wagtailadmin_pages:unpublish", args=[other.pk])),
        ("get", reverse("wagtailadmin_pages:move", args=[other.pk])),
        ("post", reverse("wagtailadmin_pages:move_confirm", args=[other.pk, site["indexes"]["a"].pk])),
        ("get", reverse("wagtailadmin_pages:copy", args=[other.pk])),
        ("post", reverse("wagtailadmin_pages:copy", args=[other.pk])),
        ("get", reverse("wagtailadmin_pages:revisions_view", args=[other.pk, revision.pk])),
        ("post", reverse("wagtailadmin_pages:revisions_revert", args=[other.pk, revision.pk])),
        ("get", reverse("wagtailadmin_pages:history", args=[other.pk])),
        ("get", reverse("wagtailadmin_pages:set_privacy", args=[other.pk])),
        ("post", reverse("wagtailadmin_pages:set_privacy", args=[other.pk])),
        ("post", reverse("wagtailadmin_pages:lock", args=[other.pk])),
        ("get", reverse("wagtailadmin_pages:add_subpage", args=[site["indexes"]["b"].pk])),
        ("get", add_story_in_b),
        ("get", reverse("wagtailadmin_pages:edit", args=[site["homes"]["b"].pk])),
    ]
    for method, url in doors:
        response = getattr(client, method)(url)
        assert refused(response), (method, url, response.status_code)
    # The same doors open to B's editor: they were refused for the commune, not for a wrong URL.
    own_editor = logged_in(editor_b)
    for method, url in doors:
        if method == "get":
            response = own_editor.get(url)
            assert response.status_code in (200, 302) and not refused(response), url

    data = nested_form_data({
        "title": "Chez les voisins", "slug": "chez-les-voisins", "date": "2026-11-20", "summary": "x",
        "body": streamfield([("paragraph", rich_text("<p>x</p>"))]), "tags": "",
        "people": inline_formset([]), "action-submit": "Soumettre",
    })
    assert refused(client.post(add_story_in_b, data))
    other.refresh_from_db()
    assert other.live and other.get_parent().pk == site["indexes"]["b"].pk and not other.locked
    assert not SuccessStoryPage.objects.filter(slug="chez-les-voisins").exists()
    assert list(SuccessStoryPage.objects.child_of(site["indexes"]["b"])) == [other]


def test_the_editors_role_gives_no_page_right_of_its_own(site, commune_a):
    """Earlier releases gave the editors' group add, edit and publish on every story index."""
    assert not GroupPagePermission.objects.filter(group=group("editors")).exists()
    media = ["add_image", "choose_image", "add_document", "choose_document"]
    assert not group("editors").permissions.filter(codename__in=media).exists()


# --- Images and documents ---------------------------------------------------------------------


def test_an_editor_sees_and_picks_the_images_of_their_commune_only(site, commune_a, commune_b, editor_a):
    Image = get_image_model()
    Image.objects.create(title="Atelier du jardin", file=get_test_image_file(), collection=commune_a.collection)
    Image.objects.create(title="Visite au musée", file=get_test_image_file(), collection=commune_b.collection)
    client = logged_in(editor_a)
    for url in (reverse("wagtailimages:index"), reverse("wagtailimages_chooser:choose")):
        content = text(client.get(url))
        assert "Atelier du jardin" in content and "Visite au musée" not in content, url
    # Uploaded by the editor: into their commune's collection.
    upload = SimpleUploadedFile("repas.png", get_test_image_file().file.getvalue(), content_type="image/png")
    response = client.post(reverse("wagtailimages:add"), {"title": "Repas partagé", "file": upload})
    assert response.status_code == 302
    assert Image.objects.get(title="Repas partagé").collection == commune_a.collection


# --- Moderation by the story's commune -------------------------------------------------------


def submit_story(client, index, title):
    data = nested_form_data({
        "title": title, "slug": slugify(title), "date": "2026-11-20", "summary": "Des voisins aidés.",
        "body": streamfield([("paragraph", rich_text("<p>Chaque mardi.</p>"))]), "tags": "",
        "people": inline_formset([]), "action-submit": "Soumettre",
    })
    url = reverse("wagtailadmin_pages:add", args=["wagtail_heurecivique", "successstorypage", index.pk])
    return client.post(url, data)


def current_state(page):
    return TaskState.objects.get(workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS)


def act(client, page, action):
    state = current_state(page)
    return client.post(reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, state.pk]), {"comment": ""})


def awaiting_review(client):
    """The dashboard's "awaiting your review" panel ("" when the dashboard has none)."""
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    start = content.find('id="awaiting-review-content"')
    return "" if start < 0 else content[start:content.index("</section>", start)]


def test_a_story_is_approved_by_its_communes_editors_not_by_another_communes(site, editor_a, editor_b, coordinator):
    assert submit_story(logged_in(editor_b), site["indexes"]["b"], "Une sortie au musée").status_code == 302
    story = SuccessStoryPage.objects.get()
    assert current_state(story).task.name == CONSENT_TASK_NAME

    a, b = logged_in(editor_a), logged_in(editor_b)
    assert "Une sortie au musée" not in awaiting_review(a)
    assert "Une sortie au musée" in awaiting_review(b)
    assert "Une sortie au musée" in awaiting_review(logged_in(coordinator))

    # Editor A: refused at both steps, by the action URL and by the editor's form.
    assert refused(act(a, story, "approve"))
    assert refused(act(a, story, "reject"))
    edit_url = reverse("wagtailadmin_pages:edit", args=[story.pk])
    assert refused(a.get(edit_url))
    assert refused(a.post(edit_url, {"action-workflow-action": "1", "workflow-action-name": "approve"}))
    assert current_state(story).task.name == CONSENT_TASK_NAME

    assert b.get(edit_url).status_code == 200
    assert act(b, story, "approve").status_code == 302
    assert current_state(story).task.name == APPROVAL_TASK_NAME
    assert refused(act(a, story, "approve"))
    assert current_state(story).task.name == APPROVAL_TASK_NAME
    assert "Une sortie au musée" not in awaiting_review(a)

    assert act(b, story, "approve").status_code == 302
    story.refresh_from_db()
    assert story.live


def test_a_coordinator_edits_and_approves_the_stories_of_every_commune(
    site, commune_a, commune_b, editor_a, editor_b, coordinator
):
    submit_story(logged_in(editor_a), site["indexes"]["a"], "Un jardin partagé")
    submit_story(logged_in(editor_b), site["indexes"]["b"], "Une sortie au musée")
    client = logged_in(coordinator)
    panel = awaiting_review(client)
    assert "Un jardin partagé" in panel and "Une sortie au musée" in panel
    for story in SuccessStoryPage.objects.all():
        edit_url = reverse("wagtailadmin_pages:edit", args=[story.pk])
        assert client.get(edit_url).status_code == 200
        data = nested_form_data({
            "title": story.title + " !", "slug": story.slug, "date": "2026-11-20",
            "summary": "Relu par le département.",
            "body": streamfield([("paragraph", rich_text("<p>Chaque mardi.</p>"))]), "tags": "",
            "people": inline_formset([]),
        })
        assert client.post(edit_url, data).status_code == 302  # a draft saved in moderation
        assert act(client, story, "approve").status_code == 302
        assert act(client, story, "approve").status_code == 302
        story.refresh_from_db()
        assert story.live and story.summary == "Relu par le département.", story.title
    # Both communes' images, through the one permission set on their parent collection.
    Image = get_image_model()
    Image.objects.create(title="Atelier du jardin", file=get_test_image_file(), collection=commune_a.collection)
    Image.objects.create(title="Visite au musée", file=get_test_image_file(), collection=commune_b.collection)
    content = text(client.get(reverse("wagtailimages_chooser:choose")))
    assert "Atelier du jardin" in content and "Visite au musée" in content


def test_the_review_panel_makes_the_same_queries_for_2_or_20_communes(site, editor_a, editor_b):
    story_in(site["indexes"]["a"], "Un jardin partagé", submitted_by=editor_a)
    story_in(site["indexes"]["b"], "Une sortie au musée", submitted_by=editor_b)
    client = logged_in(editor_a)
    client.get(reverse("wagtailadmin_home"))  # caches filled by the first request of a session

    def dashboard():
        with CaptureQueriesContext(connection) as queries:
            panel = awaiting_review(client)
        assert "Un jardin partagé" in panel and "Une sortie au musée" not in panel
        return len(queries)

    with_two = dashboard()
    for number in range(18):
        commune = factories.commune(name=f"Commune {number}", insee_code=f"{60001 + number}", postcodes="60000",
                                    departement="60")
        editor = factories.editor(commune, f"editeur_{number}")
        story_in(stories_of(home_of(commune)), f"Réussite numéro {number}", submitted_by=editor)
    assert TaskState.objects.filter(status=TaskState.STATUS_IN_PROGRESS).count() == 20
    assert dashboard() == with_two


# --- An upgraded site ------------------------------------------------------------------------------


def test_an_upgraded_site_loses_the_global_rights_and_keeps_its_stories_in_moderation(site, editor_a, editor_b):
    """What earlier releases installed: one approval task and rights on every index for all editors."""
    editors = group("editors")
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    step = workflow.workflow_tasks.get(task__name=APPROVAL_TASK_NAME)
    approval = step.task
    old = GroupApprovalTask.objects.create(name=APPROVAL_TASK_NAME)
    old.groups.add(editors)
    step.task = old
    step.save()
    approval.delete()
    for index in site["indexes"].values():
        for codename in ("add_page", "change_page", "publish_page"):
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.create(group=editors, page=index, permission=permission)
    editors.permissions.add(*Permission.objects.filter(codename__in=["add_image", "choose_image"]))
    story = story_in(site["indexes"]["b"], "Une sortie au musée", submitted_by=editor_b)
    state = current_state(story)
    state.approve(user=editor_b)  # through the consent check: waiting on the old approval task
    assert current_state(story).task.pk == old.pk
    assert old.get_actions(story, editor_a)  # what was wrong: any editor approved any commune's story

    setup()
    assert [task.specific_class for task in Workflow.objects.get(name=WORKFLOW_NAME).tasks] == [
        ConsentCheckTask, CommuneApprovalTask,
    ]
    old.refresh_from_db()
    assert not old.active
    assert not GroupPagePermission.objects.filter(group=editors).exists()
    assert not editors.permissions.filter(codename__in=["add_image", "choose_image"]).exists()
    assert current_state(story).task.specific_class is CommuneApprovalTask
    assert refused(act(logged_in(editor_a), story, "approve"))
    assert act(logged_in(editor_b), story, "approve").status_code == 302
    story.refresh_from_db()
    assert story.live
    setup()  # and again: nothing more to change
    assert Workflow.objects.get(name=WORKFLOW_NAME).tasks.count() == 2
    assert Page.objects.type(SuccessStoryPage).count() == 1


# --- A commune deleted: its group and its collection go, its media stay -------------------------------


def delete_commune(client, commune, reason="Fusion avec la commune voisine."):
    return client.post(AdminURLHelper(factories.Commune).get_action_url("delete", commune.pk), {"reason": reason})


def test_deleting_a_commune_takes_its_editors_group_and_its_empty_collection(commune_a, superuser):
    editor = factories.editor(commune_a, "editrice")
    commune_a.refresh_from_db()
    group_a, collection_a = commune_a.editors_group, commune_a.collection
    assert editor.groups.filter(pk=group_a.pk).exists()
    assert GroupCollectionPermission.objects.filter(group=group_a).exists()
    client = logged_in(superuser)
    confirmation = text(client.get(AdminURLHelper(factories.Commune).get_action_url("delete", commune_a.pk)))
    assert group_a.name in confirmation and collection_a.name in confirmation
    assert french("Its collection of images and documents “%(collection)s” is empty: it is deleted.") % {
        "collection": collection_a.name
    } in confirmation.replace("&#x27;", "'")

    assert delete_commune(client, commune_a).status_code == 302
    assert not factories.Commune.objects.filter(pk=commune_a.pk).exists()
    assert not Group.objects.filter(pk=group_a.pk).exists()
    assert not GroupCollectionPermission.objects.filter(collection_id=collection_a.pk).exists()
    assert not Collection.objects.filter(pk=collection_a.pk).exists()
    assert list(editor.groups.all()) == [group("editors")]
    assert not CommuneMembership.objects.filter(user=editor).exists()
    deleted = factories.Commune.history.filter(id=commune_a.pk).latest("history_date")
    assert deleted.history_type == "-" and deleted.history_user == superuser
    assert "Fusion avec la commune voisine." in deleted.history_change_reason


def test_a_deleted_communes_collection_holding_images_is_kept_renamed_without_permissions(
    site, commune_a, commune_b, superuser, coordinator
):
    Image = get_image_model()
    image = Image.objects.create(title="Atelier du jardin", file=get_test_image_file(), collection=commune_b.collection)
    collection_b = commune_b.collection
    client = logged_in(superuser)
    # B's home protects B: deleted first, as the confirmation says.
    home_b = site["homes"]["b"]
    confirmation = text(client.get(AdminURLHelper(factories.Commune).get_action_url("delete", commune_b.pk)))
    assert reverse("wagtailadmin_explore", args=[home_b.pk]) in confirmation
    home_b.delete()

    confirmation = text(client.get(AdminURLHelper(factories.Commune).get_action_url("delete", commune_b.pk)))
    kept_as = "Beaumont-sur-Oise (95052) (commune supprimée)"
    assert kept_as in confirmation and french("%(count)s image") % {"count": 1} in confirmation
    response = delete_commune(client, commune_b)
    assert response.status_code == 302
    collection_b.refresh_from_db()
    assert collection_b.name == kept_as
    assert not GroupCollectionPermission.objects.filter(collection=collection_b).exists()
    image.refresh_from_db()
    assert image.collection_id == collection_b.pk
    assert kept_as in text(client.get(response["Location"]))
    # A's group and collection are untouched; the coordinators still reach what B left.
    commune_a.refresh_from_db()
    assert commune_a.editors_group is not None and commune_a.collection is not None
    assert "Atelier du jardin" in text(logged_in(coordinator).get(reverse("wagtailimages:index")))


def test_a_commune_with_its_pages_and_records_is_not_deleted_and_the_page_says_why(site, commune_a, superuser):
    factories.volunteer(commune_a)
    factories.need(commune_a)
    client = logged_in(superuser)
    url = AdminURLHelper(factories.Commune).get_action_url("delete", commune_a.pk)
    before = counts()
    for response in (client.get(url), delete_commune(client, commune_a)):
        assert response.status_code == 200
        content = text(response)
        assert french("Delete them or attach them to another commune first.") in content.replace("&#x27;", "'")
        assert site["homes"]["a"].title in content
        assert reverse("wagtailadmin_explore", args=[site["homes"]["a"].pk]) in content
        with translation.override("fr"):
            assert f"1 {factories.Volunteer._meta.verbose_name}" in content
            assert f"1 {factories.Need._meta.verbose_name}" in content
        assert 'name="reason"' not in content
    assert factories.Commune.objects.filter(pk=commune_a.pk).exists()
    assert counts() == before


# --- A commune's editors' group ticked in Wagtail's user form is an editor membership ------------------


def user_form(person, groups):
    return {
        "username": person.username, "email": person.email, "first_name": "Camille", "last_name": "Martin",
        "password1": "", "password2": "", "is_active": "on", "groups": [g.pk for g in groups],
    }


def test_ticking_a_communes_editors_group_in_wagtails_user_form_makes_or_ends_the_membership(
    site, commune_a, superuser
):
    person = factories.user("camille", groups=("editors",), is_staff=True)
    client = logged_in(superuser)
    edit = reverse("wagtailusers_users:edit", args=[person.pk])
    response = client.post(edit, user_form(person, [group("editors"), commune_a.editors_group]))
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = CommuneMembership.objects.get(user=person, commune=commune_a)
    assert membership.role == MembershipRole.EDITOR
    record = membership.history.get()
    assert record.history_user == superuser
    assert record.history_change_reason == french("Added to the commune's editors' group by hand")
    assert logged_in(person).get(reverse("wagtailadmin_pages:edit", args=[site["homes"]["a"].pk])).status_code == 200
    setup()  # the tick stays: it is a membership now
    assert person.groups.filter(pk=commune_a.editors_group_id).exists()

    response = client.post(edit, user_form(person, [group("editors")]))
    assert response.status_code == 302
    assert not CommuneMembership.objects.filter(user=person).exists()
    removed = CommuneMembership.history.filter(id=membership.pk).latest("history_date")
    assert removed.history_type == "-"
    assert removed.history_change_reason == french("Taken out of the commune's editors' group by hand")
    setup()
    assert not person.groups.filter(pk=commune_a.editors_group_id).exists()
