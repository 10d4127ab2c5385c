"""Two people on one need at the same instant, in real concurrent transactions (PostgreSQL)."""

import threading
import time
from unittest import mock

import pytest
from django.db import connection
from viewflow.workflow.models import Task

from tests import factories
from tests.workflow_helpers import Desk, need_with_volunteers, open_task, received
from wagtail_heurecivique.core.enums import NeedStatus, ProposalStatus
from wagtail_heurecivique.models import Proposal
from workflows import steps

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers: no real race"),
]


def race(*actions):
    """Run the actions in threads released at the same moment; return their results."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            results[index] = action()
        except Exception as error:  # reported, so that the test shows it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_referents_claim_the_same_task_one_wins(commune_a, referent_a):
    colleague = factories.referent(commune_a, "colleague")
    need, _ = need_with_volunteers(commune_a, count=0)
    received(need)
    pk = open_task(need, "qualify").pk
    results = race(
        lambda: steps.claim(Task.objects.get(pk=pk), referent_a),
        lambda: steps.claim(Task.objects.get(pk=pk), colleague),
    )
    assert sorted(results) == [False, True]
    winner = referent_a if results[0] else colleague
    assert Task.objects.get(pk=pk).owner == winner
    assert need.history.filter(history_change_reason__startswith="Tâche « Qualifier le besoin » prise").count() == 1


def test_the_same_task_submitted_twice_at_once_is_done_once(commune_a, referent_a):
    need, _ = need_with_volunteers(commune_a, count=0)
    received(need)
    first, second = Desk(referent_a), Desk(referent_a)
    first.claim(need, "qualify")
    url = first.task_url(need, "qualify")
    data = {"decision": "refuse", "category": need.category_id, "urgency": 2, "volunteers_wanted": 1,
            "refusal_reason": "other", "message": "Hors programme"}
    results = race(lambda: first.client.post(url, data), lambda: second.client.post(url, data))
    assert sorted(r.status_code for r in results) == [302, 409]
    need.refresh_from_db()
    assert need.status == NeedStatus.REFUSED
    assert need.history.filter(status=NeedStatus.REFUSED).count() == 1


def _proposed(commune, referent, volunteers=2):
    need, helpers = need_with_volunteers(commune, count=volunteers)
    received(need)
    desk = Desk(referent)
    desk.qualify(need)
    desk.propose(need, *helpers)
    return need, list(Proposal.objects.filter(need=need).order_by("pk"))


def test_two_volunteers_take_the_last_place_at_once(commune_a, referent_a):
    need, (p1, p2) = _proposed(commune_a, referent_a)
    results = race(
        lambda: steps.answer(Proposal.objects.get(pk=p1.pk), accept=True),
        lambda: steps.answer(Proposal.objects.get(pk=p2.pk), accept=True),
    )
    assert sorted(results) == [steps.Answer.ACCEPTED, steps.Answer.FULL]
    need.refresh_from_db()
    assert need.status == NeedStatus.PLANNED
    assert Proposal.objects.filter(need=need, status=ProposalStatus.ACCEPTED).count() == 1
    assert Task.objects.filter(process__needprocess__need=need, flow_task_type="HUMAN", status="NEW").count() == 1


def test_a_double_click_on_accept_at_once_counts_once(commune_a, referent_a):
    need, (p1, _p2) = _proposed(commune_a, referent_a)
    results = race(
        lambda: steps.answer(Proposal.objects.get(pk=p1.pk), accept=True),
        lambda: steps.answer(Proposal.objects.get(pk=p1.pk), accept=True),
    )
    assert sorted(results) == [steps.Answer.ACCEPTED, steps.Answer.ALREADY]
    assert Proposal.objects.get(pk=p1.pk).history.filter(status=ProposalStatus.ACCEPTED).count() == 1


def test_two_answers_to_did_it_happen_at_once_record_one(commune_a, referent_a):
    import datetime

    from django.utils import timezone

    from wagtail_heurecivique.models import Need

    need, (p1, _p2) = _proposed(commune_a, referent_a)
    assert steps.answer(Proposal.objects.get(pk=p1.pk), accept=True) == steps.Answer.ACCEPTED
    Need.objects.filter(pk=need.pk).update(planned_date=timezone.localdate() - datetime.timedelta(days=1))
    record = steps.record

    def slow_record(*args, **kwargs):
        time.sleep(0.3)  # the window wide open: unlocked, the other answer would read before this one writes
        return record(*args, **kwargs)

    with mock.patch.object(steps, "record", slow_record):
        results = race(
            lambda: steps.volunteer_report(Proposal.objects.get(pk=p1.pk), True, "Très bien", rating=5),
            lambda: steps.volunteer_report(Proposal.objects.get(pk=p1.pk), False, "Pas eu lieu"),
        )
    assert sorted(results) == [steps.Report.ALREADY, steps.Report.RECORDED]
    proposal = Proposal.objects.get(pk=p1.pk)
    winner = results.index(steps.Report.RECORDED)
    assert proposal.volunteer_feedback == ["Cela a eu lieu. Très bien", "Cela n’a pas eu lieu. Pas eu lieu"][winner]
    assert proposal.volunteer_rating == [5, None][winner]
    assert proposal.history.filter(history_change_reason="Indiqué par le volontaire depuis son lien").count() == 1


@pytest.fixture
def wagtail_site(db):
    """The site and locale the migrations made, which a transactional test's flush took away."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale, Page, Site

    if not Site.objects.filter(is_default_site=True).exists():
        Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
        root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
        home = root.add_child(instance=Page(title="Accueil", slug="accueil"))
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)


def test_a_double_click_on_the_signup_is_one_signup(wagtail_site, site_pages, settings):
    """Twenty identical signups at once (a double click, a retrying phone): one volunteer, no 500."""
    from django.test import Client

    # Rate limits aside: what is tested is the race, not the limit (which answers 429).
    settings.WAGTAIL_HEURECIVIQUE = {
        **getattr(settings, "WAGTAIL_HEURECIVIQUE", {}),
        "PUBLIC_FORM_RATE_PER_IP": "100/h", "PUBLIC_FORM_RATE_PER_EMAIL": "100/h",
    }

    from tests.builders import SIGNUP
    from wagtail_heurecivique.models import Volunteer

    url = site_pages["signup"].url
    results = race(*[lambda: Client().post(url, SIGNUP).status_code for _ in range(20)])
    assert results == [200] * 20
    assert Volunteer.objects.filter(email="ines.roux@example.org").count() == 1


def test_twenty_confirmations_for_the_last_place_at_once_give_it_once(wagtail_site, commune_a):
    """Twenty people confirm their registration to an action with one place, at the same
    instant, through their e-mailed links: one place taken, nineteen on the waiting list, no 500."""
    import datetime
    from urllib.parse import urlsplit

    from django.test import Client
    from django.utils import timezone

    from tests.builders import action, registrations
    from wagtail_heurecivique.core.enums import RegistrationStatus
    from wagtail_heurecivique.models import ActionPage, Registration

    page = action(commune_a, "Goûter de quartier", timezone.now() + datetime.timedelta(days=7))
    ActionPage.objects.filter(pk=page.pk).update(capacity=1)
    page.refresh_from_db()
    people = [f"Voisin {n}" for n in range(20)]
    registrations(page, *people, status=RegistrationStatus.PENDING)
    links = [urlsplit(page.link("confirm_registration", r)) for r in Registration.objects.filter(action=page)]
    results = race(*[lambda link=link: Client().post(f"{link.path}?{link.query}").status_code for link in links])
    assert results == [200] * 20
    statuses = sorted(Registration.objects.filter(action=page).values_list("status", flat=True))
    assert statuses.count(RegistrationStatus.REGISTERED) == 1
    assert statuses.count(RegistrationStatus.WAITING) == 19
