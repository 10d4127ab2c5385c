"""E-mails leave through a real SMTP server, and through the database task queue's worker."""

import email
import socket
from email import policy
from unittest import mock

import django
import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.db import connection
from django.test import override_settings

from tests import factories
from tests.builders import run_db_worker
from wagtail_heurecivique.core.enums import NotificationKind, NotificationStatus
from wagtail_heurecivique.models import Notification
from wagtail_heurecivique.notifications import events

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def smtp_settings(host, port):
    """Django 6.1 sends through MAILERS (EMAIL_BACKEND, EMAIL_HOST… are deprecated); 5.2 and 6.0 through EMAIL_*."""
    backend = "django.core.mail.backends.smtp.EmailBackend"
    if django.VERSION >= (6, 1):
        return {"MAILERS": {"default": {"BACKEND": backend, "OPTIONS": {"host": host, "port": port}}}}
    return {"EMAIL_BACKEND": backend, "EMAIL_HOST": host, "EMAIL_PORT": port}


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(**smtp_settings("127.0.0.1", port)):
            yield inbox
    finally:
        controller.stop()


@pytest.fixture
def proposal(commune_a):
    category = factories.category()
    beneficiary = factories.beneficiary(commune_a)
    need = factories.need(commune_a, category=category, beneficiary=beneficiary,
                          title="Lecture du courrier à Mme Bérénice Élise", description="Lire et répondre à deux lettres.",
                          status="awaiting_answers")
    volunteer = factories.volunteer(commune_a, first_name="Inès", last_name="Dupré")
    return factories.proposal(need, volunteer)


def test_a_proposal_crosses_a_real_smtp_server_with_its_accents(smtp_server, proposal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        events.proposal_made(proposal, "http://testserver/heurecivique/proposition/abc/")
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == [proposal.volunteer.email]
    message = email.message_from_bytes(envelope.original_content, policy=policy.default)
    assert "Bérénice" in message["Subject"] and "Élise" in message["Subject"]
    assert message["From"] == "heurecivique@example.org"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].strip().startswith("<http://testserver/heurecivique/desabonnement/")
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Bonjour Inès," in text and "Lire et répondre à deux lettres." in text
    assert "J’accepte" in html
    assert Notification.objects.get().status == NotificationStatus.SENT


@pytest.mark.xfail(
    django.VERSION >= (6, 0),
    reason="CPython's modern e-mail API, which Django 6 uses, folds long subjects into adjacent "
    "encoded words and loses the space between them ('Bérénice Élise' arrives as 'BéréniceÉlise').",
    strict=True,
)
def test_a_long_accented_subject_keeps_its_spaces(smtp_server, proposal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        events.proposal_made(proposal, "http://testserver/heurecivique/proposition/abc/")
    message = email.message_from_bytes(smtp_server.envelopes[0].original_content, policy=policy.default)
    assert message["Subject"].strip() == (
        "[Heure Civique] Une proposition pour vous : Lecture du courrier à Mme Bérénice Élise"
    )


def test_the_database_worker_sends_what_was_queued(proposal, django_capture_on_commit_callbacks):
    backend = "django_tasks_db.DatabaseBackend"
    with override_settings(TASKS={"default": {"BACKEND": backend}}):
        with django_capture_on_commit_callbacks(execute=True):
            events.proposal_made(proposal, "http://testserver/heurecivique/proposition/abc/")
        ledger = Notification.objects.get(kind=NotificationKind.PROPOSAL)
        assert ledger.status == NotificationStatus.QUEUED and mail.outbox == []
        # The worker closes its connection when done; the test's transaction must survive it.
        with mock.patch.object(connection, "close"):
            run_db_worker()
    ledger.refresh_from_db()
    assert ledger.status == NotificationStatus.SENT
    assert [m.to for m in mail.outbox] == [[proposal.volunteer.email]]


class RefusingInbox(Inbox):
    """A server that refuses the recipient, naming it, as real ones do."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"


def test_a_refused_recipient_is_logged_by_the_ledger_row_never_by_address(proposal, django_capture_on_commit_callbacks,
                                                                          caplog):
    inbox, port = RefusingInbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(**smtp_settings("127.0.0.1", port)), caplog.at_level("DEBUG"):
            with django_capture_on_commit_callbacks(execute=True):
                events.proposal_made(proposal, "http://testserver/heurecivique/proposition/abc/")
    finally:
        controller.stop()
    ledger = Notification.objects.get()
    address = proposal.volunteer.email
    assert ledger.status == NotificationStatus.FAILED
    assert address in ledger.error and "Recipient address rejected" in ledger.error  # the ledger keeps it all
    [record] = [r for r in caplog.records if r.name == "wagtail_heurecivique.notifications.delivery"]
    assert record.levelname == "WARNING"
    assert record.getMessage() == (
        f"E-mail {ledger.pk} (proposal) failed: SMTPRecipientsRefused: "
        "{'[address]': (550, b'5.1.1 <[address]>: Recipient address rejected: User unknown')}"
    )
    # No record of the site's loggers names the person, not the address nor the name (the
    # test's own SMTP server, aiosmtpd, logs what it receives under "mail.log").
    ours = [r for r in caplog.records if not r.name.startswith("mail.log")]
    assert ours and {r.name for r in caplog.records} - {r.name for r in ours} <= {"mail.log"}
    for text in (r.getMessage() for r in ours):
        assert address not in text and address.split("@")[0] not in text
        assert "Dupré" not in text and "Bérénice" not in text
