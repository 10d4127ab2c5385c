"""Every history row written without a user says why: public forms, links, e-mails, commands.

The README promises it; these tests walk every model simple-history keeps, after a
scenario through the doors people use and after the demo command.
"""

import datetime
import re
from unittest import mock

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.db.models import Q
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests.builders import SIGNUP, make_actions
from tests.workflow_helpers import Desk, answer, need_with_volunteers, received
from wagtail_heurecivique.core.enums import NotificationStatus, ProposalStatus, RegistrationStatus, VolunteerStatus
from wagtail_heurecivique.models import Notification, Proposal, Registration, Volunteer, VolunteerSpacePage
from wagtail_heurecivique.notifications.links import unsubscribe_url

pytestmark = pytest.mark.django_db

PROVISION_CSV = """insee_code;name;postcodes;departement;hostname;referents;editors
27056;Bernay;27300;27;;referent@bernay.test;
"""


def historical_models():
    """Each model simple-history keeps, with its historical model (not the many-to-many ones)."""
    for model in apps.get_models():
        manager = getattr(model._meta, "simple_history_manager_attribute", None)
        if manager:
            yield model, getattr(model, manager).model


def existing_rows():
    return {history: set(history.objects.values_list("pk", flat=True)) for _model, history in historical_models()}


def unexplained(before=None):
    """The history rows with neither user nor reason (those of ``before`` left out), and the models written."""
    missing, written = [], set()
    for model, history in historical_models():
        rows = history.objects.exclude(pk__in=(before or {}).get(history, ()))
        if rows.exists():
            written.add(model.__name__)
        silent = rows.filter(history_user__isnull=True).filter(
            Q(history_change_reason__isnull=True) | Q(history_change_reason="")
        )
        missing += [f"{model.__name__} #{pk} ({kind})" for pk, kind in silent.values_list("pk", "history_type")]
    return missing, written


def path_in(message, route):
    return re.search(rf"http://(?:localhost|testserver)(/\S+{route}/\?jeton=\S+)", message.body).group(1)


def message_to(address, subject_part):
    return next(m for m in reversed(mail.outbox) if m.to == [address] and subject_part in m.subject)


def test_a_full_scenario_leaves_no_history_row_without_user_or_reason(site_pages, referent_a, commit, tmp_path):
    commune = site_pages["home"].commune
    _index, [action] = make_actions(commune, capacity=1)
    need, [helper] = need_with_volunteers(commune, count=1)
    volunteer_space = site_pages["home"].add_child(instance=VolunteerSpacePage(title="Mon espace", slug="mon-espace"))
    before = existing_rows()
    resident = Client()

    # A resident signs up and confirms their address; another reports a need.
    assert commit(resident.post, site_pages["signup"].url, SIGNUP).status_code == 200
    commit(resident.post, path_in(mail.outbox[-1], "confirmer"))
    assert Volunteer.objects.get(email="ines.roux@example.org").status == VolunteerStatus.TO_INTERVIEW
    report = {
        "reporter_kind": "resident", "reporter_name": "Paul Martin", "reporter_email": "paul@example.org",
        "for_self": "0", "beneficiary_first_name": "Jeanne", "beneficiary_last_name": "Lambert",
        "beneficiary_phone": "01 47 00 00 00", "postcode": "92270", "category": need.category_id,
        "description": "Courses une fois par semaine.", "agreement": "on",
    }
    assert commit(resident.post, site_pages["report"].url, report).status_code == 200

    # Two people take the action's one place; the first cancels, the second's e-mail fails.
    for first_name, email in (("Inès", "ines@example.org"), ("Paul", "paul@example.org")):
        commit(resident.post, action.url, {"first_name": first_name, "email": email})
        commit(resident.post, path_in(mail.outbox[-1], "inscription/confirmer"))
    cancel_link = path_in(message_to("ines@example.org", "confirmée"), "inscription/annuler")
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("SMTP indisponible")):
        commit(resident.post, cancel_link)
    assert Registration.objects.get(email="paul@example.org").status == RegistrationStatus.REGISTERED
    assert Notification.objects.filter(status=NotificationStatus.FAILED).count() == 1

    # The référent handles the need in the back office; the volunteer answers by their link.
    received(need)
    desk = Desk(referent_a)
    commit(desk.qualify, need)
    commit(desk.propose, need, helper)
    proposal = Proposal.objects.get(need=need)
    commit(answer, proposal, "accept")
    commit(desk.do, need, "follow_up", {
        "outcome": "done", "present": [proposal.pk], "date": timezone.localdate().isoformat(), "minutes": 90,
        "rating": 5,
    })
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DONE

    # The monthly message is queued; the volunteer unsubscribes before the worker sends it,
    # and the retry command sends what failed and skips what no longer applies.
    call_command("heurecivique_monthly", stdout=mock.Mock())
    Client().post(unsubscribe_url(helper, "monthly").replace("http://testserver", ""), {"List-Unsubscribe": "One-Click"})
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    commit(call_command, "heurecivique_send_pending", stdout=mock.Mock())
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SENT, NotificationStatus.SKIPPED}
    with translation.override("fr"):
        ledger = {
            gettext("E-mail queued"), gettext("E-mail sent"),
            gettext("Sending failed (attempt %(number)s)") % {"number": 1},
            gettext("Not sent — %(reason)s") % {"reason": gettext("The volunteer unsubscribed from these messages.")},
        }
    assert ledger <= set(Notification.history.values_list("history_change_reason", flat=True))

    # The volunteer opens their space by an e-mailed link, and leaves the programme.
    space = Client()
    commit(space.post, volunteer_space.url, {"email": helper.email})
    commit(space.post, path_in(mail.outbox[-1], "entrer"))
    commit(space.post, volunteer_space.url + "quitter/", {"reason": "Je déménage", "confirm": "on"})
    helper.refresh_from_db()
    assert helper.status == VolunteerStatus.LEFT

    # Commands run by cron or by hand.
    call_command("heurecivique_setup", stdout=mock.Mock())
    (tmp_path / "communes.csv").write_text(PROVISION_CSV, encoding="utf-8")
    call_command("heurecivique_provision", str(tmp_path / "communes.csv"), stdout=mock.Mock())
    for command in ("heurecivique_escalate", "heurecivique_expire_proposals", "heurecivique_reminders",
                    "heurecivique_referent_digest", "heurecivique_start_processes"):
        commit(call_command, command, stdout=mock.Mock())

    missing, written = unexplained(before)
    assert not missing, "History rows with neither user nor reason: " + ", ".join(missing)
    assert written >= {
        "Volunteer", "Consent", "Beneficiary", "Need", "Registration", "Notification", "Proposal", "HoursRecord",
        "Commune", "CommuneMembership", "Category", "Skill", "ErasureRequest",
    }, written


def test_the_demo_leaves_no_history_row_without_user_or_reason():
    call_command("load_demo", "--volunteers-per-commune=3", stdout=mock.Mock())
    missing, written = unexplained()
    assert not missing, "History rows with neither user nor reason: " + ", ".join(missing)
    assert len(written) >= 10, written
