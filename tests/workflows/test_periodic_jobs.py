"""The periodic commands hand their job to the task worker with ``--enqueue``, and nothing is done twice."""

import datetime
import io
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from tests import factories
from tests.builders import run_db_worker
from tests.workflow_helpers import Desk, answer, need_with_volunteers, open_task, received
from wagtail_heurecivique.core.enums import NotificationKind, NotificationStatus, ProposalStatus
from wagtail_heurecivique.models import Need, Notification, Proposal
from workflows.models import TaskDeadline

pytestmark = pytest.mark.django_db


def enqueue(commit, command, **options):
    """Run ``command --enqueue`` (the immediate backend runs the task at once); return its output."""
    out = io.StringIO()
    commit(call_command, command, enqueue=True, stdout=out, **options)
    return out.getvalue()


def proposed(commune, referent, commit):
    need, volunteers = need_with_volunteers(commune)
    received(need)
    desk = Desk(referent)
    commit(desk.qualify, need)
    commit(desk.propose, need, volunteers[0])
    return need, volunteers[0]


def test_the_monthly_message_enqueued_twice_is_sent_once(commune_a, commit):
    volunteer = factories.volunteer(commune_a)
    outputs = [enqueue(commit, "heurecivique_monthly") for _run in range(2)]
    assert [m.to for m in mail.outbox] == [[volunteer.email]]
    # Each run says which task it enqueued, then (the immediate backend ran it) what it did.
    assert [output.splitlines()[-1].split()[0] for output in outputs] == ["1", "0"]
    assert outputs[0].splitlines()[0] != outputs[1].splitlines()[0]
    assert Notification.objects.get().key == f"monthly:{volunteer.pk}:{timezone.localdate():%Y-%m}"


def test_the_month_is_decided_when_enqueued_not_when_run(commune_a, commit):
    factories.volunteer(commune_a)
    enqueue(commit, "heurecivique_monthly", month="2031-07")
    assert Notification.objects.get().context["month"] == "2031-07"
    with pytest.raises(CommandError):
        call_command("heurecivique_monthly", enqueue=True, month="juillet", stdout=io.StringIO())
    assert Notification.objects.count() == 1


def test_reminders_enqueued_twice_are_sent_once(commune_a, referent_a, commit):
    need, volunteer = proposed(commune_a, referent_a, commit)
    commit(answer, Proposal.objects.get(), "accept")
    Need.objects.filter(pk=need.pk).update(planned_date=timezone.localdate() + datetime.timedelta(days=1))
    mail.outbox.clear()
    for _run in range(2):
        enqueue(commit, "heurecivique_reminders")
    assert [(m.to, m.subject) for m in mail.outbox] == [([volunteer.email], f"[Heure Civique] Demain : {need.title}")]


def test_expiry_enqueued_twice_expires_once(commune_a, referent_a, commit):
    need, _volunteer = proposed(commune_a, referent_a, commit)
    proposal = Proposal.objects.get()
    Proposal.objects.filter(pk=proposal.pk).update(proposed_at=timezone.now() - datetime.timedelta(hours=73))
    for _run in range(2):
        enqueue(commit, "heurecivique_expire_proposals")
    proposal.refresh_from_db()
    need.refresh_from_db()
    assert (proposal.status, need.status) == (ProposalStatus.EXPIRED, "to_match")
    assert proposal.history.filter(status=ProposalStatus.EXPIRED).count() == 1


def test_escalation_enqueued_twice_escalates_once(commune_a, commit):
    need, _ = need_with_volunteers(commune_a, count=0)
    received(need)
    deadline = TaskDeadline.objects.get(task=open_task(need, "qualify"))
    TaskDeadline.objects.filter(pk=deadline.pk).update(due_at=timezone.now() - datetime.timedelta(days=1))
    before = need.history.count()
    for _run in range(2):
        enqueue(commit, "heurecivique_escalate")
    deadline.refresh_from_db()
    assert deadline.escalated_at is not None
    assert need.history.count() == before + 1


def test_the_referent_digest_enqueued_twice_is_sent_once(commune_a, referent_a, commit):
    received(factories.need(commune_a, title="Courses de Mme Blanc"))
    for _run in range(2):
        enqueue(commit, "heurecivique_referent_digest")
    [digest] = mail.outbox
    assert digest.to == [referent_a.email] and "Courses de Mme Blanc" in digest.body


def test_pending_e_mails_enqueued_twice_are_sent_once(commune_a, referent_a, commit):
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("SMTP indisponible")):
        _need, volunteer = proposed(commune_a, referent_a, commit)
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    for _run in range(2):
        enqueue(commit, "heurecivique_send_pending", max_attempts=3)
    ledger = Notification.objects.get()
    assert (ledger.status, ledger.attempts) == (NotificationStatus.SENT, 2)
    assert [m.to for m in mail.outbox] == [[volunteer.email]]


def test_a_job_that_fails_in_the_task_fails_the_command(commune_a, commit):
    with (
        mock.patch("workflows.jobs.expire_proposals", side_effect=RuntimeError("base indisponible")),
        pytest.raises(CommandError, match="base indisponible"),
    ):
        enqueue(commit, "heurecivique_expire_proposals")


def test_the_database_worker_runs_an_enqueued_periodic_job(commune_a, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    volunteer = factories.volunteer(commune_a, first_name="Inès")
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        call_command("heurecivique_monthly", enqueue=True, month="2031-07", stdout=io.StringIO())
        call_command("heurecivique_monthly", enqueue=True, month="2031-07", stdout=io.StringIO())
        assert DBTaskResult.objects.filter(task_path__endswith="send_monthly_messages_job").count() == 2
        assert not Notification.objects.exists() and mail.outbox == []
        # The worker closes its connection when done; the test's transaction must survive it.
        with mock.patch.object(connection, "close"):
            # The job records the messages and, on commit, enqueues their e-mail tasks...
            with django_capture_on_commit_callbacks(execute=True):
                run_db_worker()
            ledger = Notification.objects.get(kind=NotificationKind.MONTHLY)
            assert ledger.status == NotificationStatus.QUEUED and mail.outbox == []
            # ...which the worker's next round sends.
            run_db_worker()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    ledger.refresh_from_db()
    assert ledger.status == NotificationStatus.SENT
    assert [m.to for m in mail.outbox] == [[volunteer.email]] and "juillet" in mail.outbox[0].subject
