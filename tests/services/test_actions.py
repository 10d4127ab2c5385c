"""Actions: registration by e-mail, capacity, waiting list, cancellation, the plan by month."""

import datetime
import re
import threading
import time
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext
from wagtail.models import Site

from tests.builders import make_actions
from wagtail_heurecivique.core.enums import RegistrationStatus
from wagtail_heurecivique.models import ActionPage, Registration
from wagtail_heurecivique.services.registrations import STARTED, cancel, confirm

pytestmark = pytest.mark.django_db


def link_in(message, route):
    return re.search(rf"http://localhost(/\S+{route}/\?jeton=\S+)", message.body).group(1)


def register(client, action, commit, first_name, email):
    return commit(client.post, action.url, {"first_name": first_name, "email": email})


DAY = 24 * 3600
INVALID = "Ce lien n’est pas valable"


def fr(message):
    """``message`` as the French page shows it (a template's own text is not escaped)."""
    with translation.override("fr"):
        return gettext(message)


def later(seconds):
    """Links read ``seconds`` after they were signed (django.core.signing's clock)."""
    return mock.patch("django.core.signing.time.time", return_value=time.time() + seconds)


def on_the_other_route(link):
    """The same token, on the other of the two routes."""
    confirm_route, cancel_route = "inscription/confirmer/", "inscription/annuler/"
    if confirm_route in link:
        return link.replace(confirm_route, cancel_route)
    return link.replace(cancel_route, confirm_route)


def registered(client, action, commit, first_name, email):
    """Registered through the action's page and confirmed by the e-mailed link: that link and the cancellation one."""
    register(client, action, commit, first_name, email)
    confirm_link = link_in(mail.outbox[-1], "inscription/confirmer")
    commit(client.post, confirm_link)
    return confirm_link, link_in(mail.outbox[-1], "inscription/annuler")


def statuses():
    return dict(Registration.objects.values_list("first_name", "status"))


def history_rows():
    return {r.first_name: r.history.count() for r in Registration.objects.all()}


def test_register_confirm_fill_wait_cancel_and_promote(commune_a, commit):
    _index, [action] = make_actions(commune_a, capacity=1)
    client = Client()
    page = client.get(action.url).content.decode()
    assert '"@type": "Event"' in page and "Places restantes" in page

    register(client, action, commit, "Inès", "ines@example.org")
    register(client, action, commit, "Paul", "paul@example.org")
    assert Registration.objects.filter(status=RegistrationStatus.PENDING).count() == 2
    ines_link, paul_link = (link_in(m, "inscription/confirmer") for m in mail.outbox)
    assert "Je confirme mon inscription" in client.get(ines_link).content.decode()
    commit(client.post, ines_link)
    commit(client.post, paul_link)
    statuses = dict(Registration.objects.values_list("first_name", "status"))
    assert statuses == {"Inès": RegistrationStatus.REGISTERED, "Paul": RegistrationStatus.WAITING}
    assert "Complet" in client.get(action.url).content.decode()

    confirmation = next(m for m in mail.outbox if "Votre place est confirmée" in m.subject)
    mail.outbox.clear()
    response = commit(client.post, link_in(confirmation, "inscription/annuler"))
    assert "Votre inscription est annulée" in response.content.decode()
    statuses = dict(Registration.objects.values_list("first_name", "status"))
    assert statuses == {"Inès": RegistrationStatus.CANCELLED, "Paul": RegistrationStatus.REGISTERED}
    [promoted] = mail.outbox
    assert promoted.to == ["paul@example.org"] and "Une place est à vous" in promoted.subject


def test_registering_twice_sends_the_link_again_never_two_places(commune_a, commit):
    _index, [action] = make_actions(commune_a)
    client = Client()
    first = register(client, action, commit, "Inès", "Ines@Example.org").content.decode()
    second = register(client, action, commit, "Inès", "ines@example.org").content.decode()
    assert Registration.objects.count() == 1 and len(mail.outbox) == 2
    assert "Vérifiez votre boîte" in first and "Vérifiez votre boîte" in second


def test_bad_registrations(commune_a):
    _index, [action] = make_actions(commune_a)
    client = Client()
    response = client.post(action.url, {"first_name": "", "email": "pas-une-adresse"})
    assert response.status_code == 400 and 'href="#id_email"' in response.content.decode()
    assert client.post(action.url, {"first_name": "Bot", "email": "bot@example.org", "site_web": "x"}).status_code == 200
    assert not Registration.objects.exists()
    assert client.get(action.url + "inscription/confirmer/?jeton=faux").status_code == 400


def test_a_past_action_is_archived_and_closed(commune_a):
    index, [action] = make_actions(commune_a, start=timezone.now() - datetime.timedelta(days=30))
    client = Client()
    assert action.title not in client.get(index.url).content.decode()
    assert action.title in client.get(index.url + "?archives=1").content.decode()
    response = client.post(action.url, {"first_name": "Inès", "email": "ines@example.org"})
    assert "Cette action a eu lieu : les inscriptions sont closes." in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.parametrize("count", [10, 500])
def test_the_plan_lists_actions_in_a_bounded_number_of_queries(commune_a, count, django_assert_max_num_queries):
    index, _actions = make_actions(commune_a, count=count, capacity=5)
    client = Client()
    client.get(index.url)
    with django_assert_max_num_queries(12):
        content = client.get(index.url).content.decode()
    assert content.count("Nettoyage des berges") == min(count, 20)  # 20 a page


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers: no real race")
def test_two_confirmations_for_the_last_place(commune_a):
    from wagtail.models import Locale, Page

    Locale.objects.get_or_create(language_code="fr")
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    Site.objects.get_or_create(hostname="testserver", defaults={"root_page": root, "is_default_site": True})
    _index, [action] = make_actions(commune_a, capacity=1, root=root)
    first = Registration.objects.create(action=action, commune=commune_a, first_name="A", email="a@example.org")
    second = Registration.objects.create(action=action, commune=commune_a, first_name="B", email="b@example.org")
    barrier = threading.Barrier(2)
    results = []

    def run(registration):
        try:
            barrier.wait()
            results.append(confirm(Registration.objects.get(pk=registration.pk)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(r,)) for r in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [RegistrationStatus.REGISTERED, RegistrationStatus.WAITING]


def test_referents_read_their_communes_registrations_in_the_back_office(commune_a, commune_b, referent_a, referent_b, commit):
    from wagtail_modeladmin.helpers import AdminURLHelper

    _index, [action] = make_actions(commune_a)
    register(Client(), action, commit, "Inès", "ines@example.org")
    registration = Registration.objects.get()
    assert registration.commune == commune_a
    registrations = AdminURLHelper(Registration)
    mine, other = Client(), Client()
    mine.force_login(referent_a)
    other.force_login(referent_b)
    assert "ines@example.org" in mine.get(registrations.index_url).content.decode()
    assert "ines@example.org" not in other.get(registrations.index_url).content.decode()
    assert other.get(registrations.get_action_url("inspect", registration.pk)).status_code == 404
    assert mine.get(registrations.get_action_url("edit", registration.pk)).status_code in (302, 403)


def test_a_confirmation_link_cancels_nothing_and_a_cancellation_link_confirms_nothing(commune_a, commit):
    _index, [action] = make_actions(commune_a)
    client = Client()
    register(client, action, commit, "Inès", "ines@example.org")
    confirm_link = link_in(mail.outbox[-1], "inscription/confirmer")
    registration = Registration.objects.get()
    # A pending registration: its confirmation link on the cancel route, its cancellation
    # link (the volunteer space shows one) on the confirm route.
    for link in (on_the_other_route(confirm_link), on_the_other_route(action.link("cancel_registration", registration))):
        for method in (client.get, client.post):
            response = commit(method, link)
            content = response.content.decode()
            assert response.status_code == 400 and INVALID in content, (link, method)
            assert fr("To receive a new confirmation link, register again with the same address on the action's page. "
                      "To free your place, use the link of the e-mail confirming it, or contact your town hall.") in content
    assert statuses() == {"Inès": RegistrationStatus.PENDING} and history_rows() == {"Inès": 1}

    # Registered: the e-mailed confirmation link on the cancel route still frees nothing.
    commit(client.post, confirm_link)
    cancel_link = link_in(mail.outbox[-1], "inscription/annuler")
    assert commit(client.post, on_the_other_route(confirm_link)).status_code == 400
    assert statuses() == {"Inès": RegistrationStatus.REGISTERED} and history_rows() == {"Inès": 2}
    response = commit(client.post, cancel_link)
    assert response.status_code == 200 and "Votre inscription est annulée" in response.content.decode()
    assert statuses() == {"Inès": RegistrationStatus.CANCELLED}


def test_a_confirmation_link_lasts_registration_link_days(commune_a, commit, settings):
    _index, [action] = make_actions(commune_a)
    client = Client()
    register(client, action, commit, "Inès", "ines@example.org")
    link = link_in(mail.outbox[-1], "inscription/confirmer")
    for age in (3 * DAY + 60, 400 * DAY):
        with later(age):
            response = commit(client.post, link)
        assert response.status_code == 400 and INVALID in response.content.decode(), age
    assert statuses() == {"Inès": RegistrationStatus.PENDING} and history_rows() == {"Inès": 1}

    # Registering again sends a new link, which confirms.
    register(client, action, commit, "Inès", "ines@example.org")
    response = commit(client.post, link_in(mail.outbox[-1], "inscription/confirmer"))
    assert response.status_code == 200 and statuses() == {"Inès": RegistrationStatus.REGISTERED}

    # The lifetime is a setting, read when a link is.
    register(client, action, commit, "Paul", "paul@example.org")
    paul = link_in(mail.outbox[-1], "inscription/confirmer")
    settings.WAGTAIL_HEURECIVIQUE = {"REGISTRATION_LINK_DAYS": 5}
    with later(4 * DAY):
        assert commit(client.post, paul).status_code == 200
    assert statuses()["Paul"] == RegistrationStatus.REGISTERED


def test_a_cancellation_link_works_until_the_action_starts_a_year_at_most(commune_a, commit):
    _index, [action] = make_actions(commune_a, capacity=1)
    client = Client()
    _confirm, ines_cancel = registered(client, action, commit, "Inès", "ines@example.org")
    registered(client, action, commit, "Paul", "paul@example.org")
    assert statuses() == {"Inès": RegistrationStatus.REGISTERED, "Paul": RegistrationStatus.WAITING}
    with later(367 * DAY):
        response = commit(client.post, ines_cancel)
    assert response.status_code == 400 and INVALID in response.content.decode()
    assert statuses() == {"Inès": RegistrationStatus.REGISTERED, "Paul": RegistrationStatus.WAITING}
    with later(200 * DAY):  # the action is still to come
        response = commit(client.post, ines_cancel)
    assert response.status_code == 200
    assert statuses() == {"Inès": RegistrationStatus.CANCELLED, "Paul": RegistrationStatus.REGISTERED}


def test_a_link_used_again_changes_nothing_more(commune_a, commit):
    _index, [action] = make_actions(commune_a, capacity=1)
    client = Client()
    ines_confirm, ines_cancel = registered(client, action, commit, "Inès", "ines@example.org")
    registered(client, action, commit, "Paul", "paul@example.org")
    mail.outbox.clear()
    rows = history_rows()
    response = commit(client.post, ines_confirm)
    assert response.status_code == 200 and "Votre place est confirmée" in response.content.decode()
    assert history_rows() == rows and mail.outbox == []

    commit(client.post, ines_cancel)
    rows = history_rows()
    [promoted] = mail.outbox
    assert promoted.to == ["paul@example.org"]
    response = commit(client.post, ines_cancel)
    assert response.status_code == 200 and "Votre inscription est annulée" in response.content.decode()
    assert statuses() == {"Inès": RegistrationStatus.CANCELLED, "Paul": RegistrationStatus.REGISTERED}
    assert history_rows() == rows and len(mail.outbox) == 1


def test_the_cancellation_link_of_an_earlier_registration_does_not_cancel_the_next(commune_a, commit):
    _index, [action] = make_actions(commune_a)
    client = Client()
    _confirm, first_cancel = registered(client, action, commit, "Inès", "ines@example.org")
    commit(client.post, first_cancel)
    _confirm, second_cancel = registered(client, action, commit, "Inès", "ines@example.org")
    assert statuses() == {"Inès": RegistrationStatus.REGISTERED}
    response = commit(client.post, first_cancel)  # an old e-mail, opened again
    assert response.status_code == 400 and INVALID in response.content.decode()
    assert statuses() == {"Inès": RegistrationStatus.REGISTERED}
    assert commit(client.post, second_cancel).status_code == 200
    assert statuses() == {"Inès": RegistrationStatus.CANCELLED}


def test_the_links_do_not_carry_the_address(commune_a, commit):
    """A signed value is only signed: whoever sees a link (a proxy's log) could read an address in it."""
    import zlib
    from urllib.parse import unquote

    from django.core import signing

    _index, [action] = make_actions(commune_a)
    client = Client()
    links = registered(client, action, commit, "Inès", "ines.roux@example.org")
    for link in links:
        token = unquote(link.split("jeton=", 1)[1])  # the link's query quotes the token's colons
        payload = token.split(":", 1)[0]
        decoded = signing.b64_decode(payload.lstrip(".").encode())
        if payload.startswith("."):  # compressed by django.core.signing
            decoded = zlib.decompress(decoded)
        assert decoded.startswith(b"{"), decoded  # the JSON of the token's values: read, not guessed
        assert b"ines" not in decoded.lower() and b"example" not in decoded, decoded


def test_a_registration_link_made_for_another_address_is_refused(commune_a, commit):
    _index, [action] = make_actions(commune_a)
    client = Client()
    register(client, action, commit, "Inès", "ines@example.org")
    link = link_in(mail.outbox[-1], "inscription/confirmer")
    Registration.objects.update(email="autre@example.org")  # corrected in the back office
    response = commit(client.post, link)
    assert response.status_code == 400 and statuses() == {"Inès": RegistrationStatus.PENDING}


def test_once_the_action_has_started_its_links_change_nothing(commune_a, commit):
    _index, [action] = make_actions(commune_a, capacity=1)
    client = Client()
    _confirm, ines_cancel = registered(client, action, commit, "Inès", "ines@example.org")
    registered(client, action, commit, "Paul", "paul@example.org")
    register(client, action, commit, "Léa", "lea@example.org")
    lea_confirm = link_in(mail.outbox[-1], "inscription/confirmer")
    ActionPage.objects.filter(pk=action.pk).update(start=timezone.now() - datetime.timedelta(minutes=5))
    before, rows = statuses(), history_rows()
    assert before == {"Inès": RegistrationStatus.REGISTERED, "Paul": RegistrationStatus.WAITING,
                      "Léa": RegistrationStatus.PENDING}
    mail.outbox.clear()
    pages = {
        ines_cancel: (fr("This action has already started: the registration can no longer be cancelled. "
                         "If you could not come, tell your town hall."), fr("I cancel my registration")),
        lea_confirm: (fr("This action has already started: the registration can no longer be confirmed."),
                      fr("I confirm my registration")),
    }
    for link, (message, button) in pages.items():
        for method in (client.get, client.post):
            response = commit(method, link)
            content = response.content.decode()
            assert response.status_code == 410 and message in content and button not in content, (link, method)
    assert statuses() == before and history_rows() == rows and mail.outbox == []

    # The action starting while the page was open: the services refuse under the lock too.
    ines, lea = Registration.objects.get(first_name="Inès"), Registration.objects.get(first_name="Léa")
    assert (commit(cancel, ines), commit(confirm, lea)) == (STARTED, STARTED)
    assert statuses() == before and history_rows() == rows and mail.outbox == []
