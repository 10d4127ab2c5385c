"""The example site's demo command: complete, idempotent, all-or-nothing.

The demo is built once for the tests that read it (``DemoTests.setUpTestData``: each test
runs in a savepoint rolled back after it, so a test that runs the command again sees the
demo as built and leaves it so); the tests that need an empty database stand alone."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import TestCase
from viewflow.workflow.models import Task
from wagtail.models import Site

from example_site.home.demo import REASON, DemoBuilder
from example_site.home.models import HomePage
from wagtail_heurecivique.core.enums import NeedStatus
from wagtail_heurecivique.models import (
    Commune,
    CommuneHomePage,
    HoursRecord,
    Need,
    Notification,
    Proposal,
    SuccessStoryPage,
    Volunteer,
)
from wagtail_heurecivique.reporting.indicators import compute, default_period
from workflows.models import NeedProcess


def counts():
    return {model.__name__: model.objects.count() for model in (Commune, Volunteer, Need, Proposal, HoursRecord)}


class DemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with cls.captureOnCommitCallbacks(execute=True):
            call_command("load_demo", stdout=mock.Mock())
        cls.built = counts()
        # The ledger's e-mails, and Wagtail's own to the story moderators.
        cls.sent = len(mail.outbox)

    def test_demo_builds_the_example_programme_and_is_idempotent(self):
        first = counts()
        assert first == self.built
        assert first["Commune"] == 2
        assert first["Volunteer"] == 40
        assert first["Need"] >= 25
        assert len(set(Need.objects.values_list("status", flat=True))) >= 6
        assert Volunteer.objects.values("availability").distinct().count() > 20
        assert get_user_model().objects.get(username="admin").check_password("changeme")
        assert isinstance(Site.objects.get(is_default_site=True).root_page.specific, HomePage)

        call_command("load_demo", stdout=mock.Mock())
        assert counts() == first

    def test_demo_history_is_written_with_user_and_reason_including_bulk_writes(self):
        for model in (Volunteer, Need, Proposal, HoursRecord):
            rows = model.history.all()
            assert rows.exists(), model
            assert not rows.exclude(history_change_reason=REASON).filter(history_type="+").exists(), model
            assert not rows.filter(history_user__isnull=True).exists(), model
        # Proposals and hours were created in bulk: one history row each, all the same.
        assert Proposal.history.count() == Proposal.objects.count()
        assert HoursRecord.history.count() == HoursRecord.objects.count() > 0
        assert Proposal.objects.filter(need__status=NeedStatus.DONE).exists()

    def test_demo_needs_wait_at_every_step_of_their_handling(self):
        assert NeedProcess.objects.count() == Need.objects.count()
        open_tasks = Task.objects.filter(flow_task_type="HUMAN", status__in=("NEW", "ASSIGNED"))
        assert {task.flow_task.name for task in open_tasks} == {"qualify", "match", "follow_up", "interview"}
        assert Task.objects.filter(flow_task_type="FUNCTION", status="NEW").exists()  # waiting for answers
        self.client.force_login(get_user_model().objects.get(username="referente.bois"))
        content = self.client.get("/admin/heurecivique/taches/").content.decode()
        assert "En retard" in content and "Prendre en charge" in content and "Ouvrir la tâche" in content

    def test_demo_fills_the_e_mail_ledger_once(self):
        assert self.sent >= Notification.objects.filter(status="sent").count() >= 5
        with self.captureOnCommitCallbacks(execute=True):
            call_command("load_demo", stdout=mock.Mock())
        assert mail.outbox == []

    def test_demo_has_commune_pages_and_a_story_in_moderation(self):
        for home in CommuneHomePage.objects.all():
            assert self.client.get(home.url).status_code == 200
        assert SuccessStoryPage.objects.filter(live=True).count() == 2
        waiting = [story for story in SuccessStoryPage.objects.filter(live=False) if story.workflow_in_progress]
        assert len(waiting) == 2

    def test_demo_gives_the_evaluation_charts_something_to_show(self):
        for commune in Commune.objects.all():
            rows = {row.key: row.value for row in compute(Commune.objects.filter(pk=commune.pk), *default_period())}
            assert rows["actions_held"] >= 4
            assert sum(rows[f"actions_kind_{kind}"] > 0 for kind in ("collective", "associative", "convivial")) == 3
            assert rows["action_participants"] > rows["action_people"] > 10  # some came more than once
            assert rows["ratings"] >= 2 and rows["volunteer_ratings"] >= 2
            assert sum(rows[f"ratings_{n}"] > 0 for n in range(1, 6)) >= 2  # ratings that differ: a distribution
            assert sum(rows[f"volunteer_ratings_{n}"] > 0 for n in range(1, 6)) >= 2
        assert Proposal.objects.filter(status="done", rating__isnull=False, volunteer_rating__isnull=False).exists()


@pytest.mark.django_db
def test_a_failing_demo_run_writes_nothing_and_says_why_in_french():
    with mock.patch.object(
        DemoBuilder, "_proposals_and_hours", side_effect=ValidationError("Adresse invalide")
    ), pytest.raises(CommandError) as error:
        call_command("load_demo", stdout=mock.Mock())
    assert "rien n'a été écrit" in str(error.value)
    assert "Adresse invalide" in str(error.value)
    assert counts() == {"Commune": 0, "Volunteer": 0, "Need": 0, "Proposal": 0, "HoursRecord": 0}


@pytest.mark.django_db
def test_demo_refuses_a_nonsensical_size():
    with pytest.raises(CommandError):
        call_command("load_demo", "--volunteers-per-commune=0", stdout=mock.Mock())
