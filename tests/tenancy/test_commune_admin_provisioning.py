"""A coordinator provisions one commune from the back office, as a line of the provisioning file would.

Everything goes through the admin's doors: the communes' list and inspect view, the form
with its check-only button, then the command on the same row, which finds nothing to change.
"""

import io
import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site
from wagtail_modeladmin.helpers import AdminURLHelper

from tests import factories
from wagtail_heurecivique.core.enums import MembershipRole
from wagtail_heurecivique.models import Commune, CommuneHomePage, CommuneMembership

pytestmark = pytest.mark.django_db

communes = AdminURLHelper(Commune)
NEW = communes.get_action_url("provision_new")

VERNON = {
    "insee_code": "27681",
    "name": "Vernon",
    "postcodes": "27200",
    "departement": "27",
    "hostname": "heurecivique.vernon.test",
    "referents": "referente@vernon.test",
    "editors": "com@vernon.test; web@vernon.test",
    "parent_page": "",
}


def french(message):
    """``message`` as the French reader sees it, whether the catalogue translates it yet or not."""
    with translation.override("fr"):
        return gettext(message)


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def text(response):
    return unescape(response.content.decode())


def errors_of(response, field):
    """The error messages Wagtail shows under ``field``."""
    content = response.content.decode()
    start = content.index(f'name="{field}"') if f'name="{field}"' in content else -1
    assert start >= 0, field
    block = content[content.rfind('class="w-field__wrapper', 0, start):start + 2000]
    return unescape(" ".join(re.findall(r'class="error-message"[^>]*>\s*(.*?)\s*</', block, re.DOTALL)))


def snapshot():
    return (
        list(Commune.objects.order_by("insee_code").values_list("insee_code", "name", "postcodes", "root_page_id")),
        Page.objects.count(),
        list(Site.objects.order_by("hostname").values_list("hostname", "port", "root_page_id")),
        CommuneMembership.objects.count(),
        get_user_model().objects.count(),
        Commune.history.count(),
        CommuneMembership.history.count(),
        Collection.objects.count(),
        GroupPagePermission.objects.count(),
        GroupCollectionPermission.objects.count(),
    )


@pytest.fixture
def coordinator_client(coordinator):
    return logged_in(coordinator)


# --- Reached from the list and from each commune -----------------------------------------------


def test_the_form_is_reached_from_the_communes_list_and_from_each_commune_prefilled(coordinator_client, commune_a):
    factories.referent(commune_a, "referente")
    factories.editor(commune_a, "communication")
    provision_a = communes.get_action_url("provision", commune_a.pk)
    listing = coordinator_client.get(communes.index_url)
    assert f'href="{NEW}"' in listing.content.decode() and french("Provision a commune") in text(listing)
    assert f'href="{provision_a}"' in listing.content.decode()
    inspect = coordinator_client.get(communes.get_action_url("inspect", commune_a.pk))
    assert f'href="{provision_a}"' in inspect.content.decode()

    response = coordinator_client.get(provision_a)
    assert response.status_code == 200
    form = response.context["form"]
    assert {key: form.initial[key] for key in ("insee_code", "name", "postcodes", "departement")} == {
        "insee_code": "92009", "name": "Bois-Colombes", "postcodes": "92270", "departement": "92",
    }
    assert form.initial["referents"] == "referente@example.org"
    assert form.initial["editors"] == "communication@example.org"
    assert form.initial["parent_page"] == Site.objects.get(is_default_site=True).root_page
    content = text(response)
    # French title and breadcrumbs: the communes, this commune, the form.
    assert "<title>" + french("Provision a commune") in content
    assert str(commune_a) in content and french("Check without saving anything") in content


# --- Check, then provision, then nothing more to change ---------------------------------------------


def test_checking_says_what_would_change_and_changes_nothing(coordinator_client):
    before = snapshot()
    response = coordinator_client.post(NEW, {**VERNON, "dry_run": "1"})
    assert response.status_code == 200
    content = text(response)
    assert french("Checked without saving anything: nothing was changed.") in content
    for change in ("commune created", "home page and its pages created"):
        assert french(change) in content
    assert (french("site %(hostname)s created") % {"hostname": "heurecivique.vernon.test"}) in content
    assert (french("account created for %(email)s") % {"email": "web@vernon.test"}) in content
    # The form stays as typed, ready to provision for real.
    assert 'value="heurecivique.vernon.test"' in content and "com@vernon.test; web@vernon.test" in content
    assert snapshot() == before


def test_provisioning_a_commune_creates_all_it_needs_with_its_history_and_a_second_time_nothing(
    coordinator, coordinator_client
):
    response = coordinator_client.post(NEW, VERNON)
    vernon = Commune.objects.get(insee_code="27681")
    assert response.status_code == 302 and response["Location"] == communes.get_action_url("inspect", vernon.pk)
    home = CommuneHomePage.objects.get(commune=vernon)
    assert vernon.root_page_id == home.pk and home.live and Page.objects.child_of(home).live().count() == 5
    assert Site.objects.get(hostname="heurecivique.vernon.test").root_page_id == home.pk
    assert set(vernon.memberships.values_list("user__email", "role")) == {
        ("referente@vernon.test", MembershipRole.REFERENT),
        ("com@vernon.test", MembershipRole.EDITOR), ("web@vernon.test", MembershipRole.EDITOR),
    }
    assert set(vernon.editors_group.user_set.values_list("email", flat=True)) == {"com@vernon.test", "web@vernon.test"}
    assert vernon.collection.name == "Vernon (27681)"
    assert GroupPagePermission.objects.filter(group=vernon.editors_group, page=home).exists()
    # History: written by the coordinator, with the back office's reason.
    created = vernon.history.earliest("history_date")
    assert created.history_user == coordinator
    assert created.history_change_reason == french("Provisioned in the back office")
    membership = CommuneMembership.history.filter(commune_id=vernon.pk).earliest("history_date")
    assert membership.history_user == coordinator
    assert membership.history_change_reason == french("Provisioned in the back office")
    shown = text(coordinator_client.get(response["Location"]))
    assert (french("%(commune)s provisioned: %(changes)s.") % {"commune": vernon, "changes": ""})[:-1] in shown

    before = snapshot()
    response = coordinator_client.post(communes.get_action_url("provision", vernon.pk), VERNON)
    assert response.status_code == 302
    shown = text(coordinator_client.get(response["Location"]))
    assert french("%(commune)s is already provisioned as described: nothing changed.") % {"commune": vernon} in shown
    assert snapshot() == before


def test_the_command_and_the_form_make_the_same_commune(tmp_path, coordinator_client):
    """One function behind both doors: the file's line for what the form made changes nothing."""
    assert coordinator_client.post(NEW, VERNON).status_code == 302
    before = snapshot()
    path = tmp_path / "communes.csv"
    columns = ["insee_code", "name", "postcodes", "departement", "hostname", "referents", "editors"]
    path.write_text(";".join(columns) + "\n" + ";".join(VERNON[c] for c in columns) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("heurecivique_provision", str(path), stdout=out, stderr=io.StringIO())
    assert "1 commune lue — modifiées : 0, inchangées : 1, non appliquées : 0." in out.getvalue()
    assert snapshot()[:5] == before[:5]


def test_a_commune_without_host_name_goes_under_the_parent_page_chosen(coordinator_client):
    default_root = Site.objects.get(is_default_site=True).root_page
    parent = default_root.add_child(instance=Page(title="Le département", slug="departement"))
    data = {**VERNON, "hostname": "", "parent_page": str(parent.pk)}
    assert coordinator_client.post(NEW, data).status_code == 302
    home = CommuneHomePage.objects.get(commune__insee_code="27681")
    assert home.get_parent().pk == parent.pk
    assert not Site.objects.filter(root_page=home).exists()


# --- Errors: in French, next to their fields, as typed, nothing kept -----------------------------------


def test_errors_are_shown_next_to_their_fields_as_typed_and_nothing_is_kept(coordinator_client):
    before = snapshot()
    typed = {"insee_code": "2768", "hostname": "https://vernon.fr/", "referents": "referente@vernon, ok@vernon.test"}
    data = {**VERNON, **typed}
    response = coordinator_client.post(NEW, data)
    assert response.status_code == 400
    assert errors_of(response, "insee_code")
    assert "https://vernon.fr/" in errors_of(response, "hostname")
    referents = errors_of(response, "referents")
    assert "referente@vernon" in referents and "ok@vernon.test" not in referents
    content = text(response)
    assert 'value="https://vernon.fr/"' in content and "referente@vernon, ok@vernon.test" in content
    assert snapshot() == before


def test_a_late_error_leaves_nothing_of_the_commune(coordinator_client):
    """The host name is another site's: found after the commune and its home were made, all undone."""
    Site.objects.create(hostname="heurecivique.vernon.test", port=443, root_page=Page.get_first_root_node())
    before = snapshot()
    response = coordinator_client.post(NEW, VERNON)
    assert response.status_code == 400
    message = french("The host name %(hostname)s is already the site of other pages.")
    assert message % {"hostname": "heurecivique.vernon.test"} in errors_of(response, "hostname")
    assert snapshot() == before
    assert not Commune.objects.filter(insee_code="27681").exists()


def test_an_address_whose_user_name_is_another_accounts_is_refused(coordinator_client):
    get_user_model().objects.create_user(username="com@vernon.test", email="someone.else@example.org")
    response = coordinator_client.post(NEW, VERNON)
    assert response.status_code == 400
    assert "com@vernon.test" in errors_of(response, "editors")
    assert not Commune.objects.filter(insee_code="27681").exists()


def test_a_home_cannot_go_under_another_communes_home(coordinator_client, commune_b):
    assert coordinator_client.post(NEW, {**VERNON, "hostname": ""}).status_code == 302
    vernon_home = CommuneHomePage.objects.get(commune__insee_code="27681")
    data = {"insee_code": "95052", "name": commune_b.name, "postcodes": commune_b.postcodes, "departement": "95",
            "parent_page": str(vernon_home.pk)}
    response = coordinator_client.post(NEW, data)
    assert response.status_code == 400
    assert vernon_home.title in errors_of(response, "parent_page")
    assert not CommuneHomePage.objects.filter(commune=commune_b).exists()


# --- Coordinators and superusers only ------------------------------------------------------------------


def test_only_coordinators_and_superusers_may_provision(commune_a, referent_a, superuser):
    editor = factories.editor(commune_a, "editrice")
    doors = [NEW, communes.get_action_url("provision", commune_a.pk)]
    for person in (referent_a, editor):
        client = logged_in(person)
        for url in doors:
            assert client.get(url).status_code == 403, (person, url)
            assert client.post(url, VERNON).status_code == 403, (person, url)
        assert NEW not in client.get(communes.index_url).content.decode()
    assert not Commune.objects.filter(insee_code="27681").exists()
    client = logged_in(superuser)
    assert all(client.get(url).status_code == 200 for url in doors)
    assert client.get(communes.get_action_url("provision", "abc")).status_code == 404
    assert client.get(communes.get_action_url("provision", 99999)).status_code == 404
