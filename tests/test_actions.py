"""Actions: registration by e-mail, capacity, waiting list, cancellation, the plan by month."""

import datetime
import re
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone
from wagtail.models import Site

from wagtail_heurecivique.core.enums import RegistrationStatus
from wagtail_heurecivique.models import Registration
from wagtail_heurecivique.services.registrations import confirm

from .builders import make_actions

pytestmark = pytest.mark.django_db


def link_in(message, route):
    return re.search(rf"http://localhost(/\S+{route}/\?jeton=\S+)", message.body).group(1)


def register(client, action, commit, first_name, email):
    return commit(client.post, action.url, {"first_name": first_name, "email": email})


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
    assert "ont eu lieu" in response.content.decode() or "a eu lieu" in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.parametrize("count", [10, 500])
def test_the_plan_lists_actions_in_a_bounded_number_of_queries(commune_a, count, django_assert_max_num_queries):
    index, _actions = make_actions(commune_a, count=count, capacity=5)
    client = Client()
    client.get(index.url)
    with django_assert_max_num_queries(12):
        content = client.get(index.url).content.decode()
    assert content.count("Nettoyage des berges") == count


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
