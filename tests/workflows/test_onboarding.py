"""The welcome of a volunteer (viewflow), driven through HTTP as référents and volunteers do."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from wagtail_modeladmin.helpers import AdminURLHelper

from tests import factories
from wagtail_heurecivique.core.enums import VolunteerStatus
from wagtail_heurecivique.models import Consent, Volunteer
from wagtail_heurecivique.services.intake import confirm
from workflows.flows import VolunteerOnboardingFlow
from workflows.models import OnboardingProcess

pytestmark = pytest.mark.django_db



def signed_up(commune, **kwargs):
    volunteer = factories.volunteer(commune, status=VolunteerStatus.PENDING, phone="06 12 34 56 78", **kwargs)
    assert confirm(volunteer)
    volunteer.refresh_from_db()
    return volunteer


def interview_task(volunteer):
    return Task.objects.get(
        process__onboardingprocess__volunteer=volunteer, flow_task=VolunteerOnboardingFlow.interview,
        status__in=("NEW", "ASSIGNED"),
    )


def trail(volunteer):
    return [t.flow_task.name for t in Task.objects.filter(process__onboardingprocess__volunteer=volunteer)
            .exclude(flow_task_type="SWITCH").order_by("pk")]


class Referent:
    def __init__(self, user):
        self.client = Client()
        self.client.force_login(user)

    def interview(self, volunteer, **data):
        task = interview_task(volunteer)
        if task.owner_id is None:
            self.client.post(reverse("heurecivique_task_claim", args=[task.pk]))
        values = {"date": timezone.localdate().isoformat(), "channel": "phone", "decision": "accept", "notes": ""}
        values.update(data)
        response = self.client.post(reverse("heurecivique_task", args=[task.process_id, "interview", task.pk]), values)
        volunteer.refresh_from_db()
        return response


def test_a_confirmed_volunteer_is_interviewed_and_welcomed(commune_a, referent_a, commit):
    volunteer = signed_up(commune_a)
    referent = Referent(referent_a)
    inbox = referent.client.get(reverse("heurecivique_inbox"), {"step": "interview"}).content.decode()
    assert str(volunteer) in inbox and "Entretien avec le volontaire" in inbox
    response = commit(referent.interview, volunteer, notes="Très motivée, disponible le samedi.")
    assert response.status_code == 302
    assert volunteer.status == VolunteerStatus.ACTIVE
    process = OnboardingProcess.objects.get(volunteer=volunteer)
    assert (process.status, process.outcome) == ("DONE", "accepted")
    assert trail(volunteer) == ["start_signup", "interview", "accepted"]
    assert volunteer.history.first().history_change_reason == "Entretien : bienvenue"
    assert volunteer.history.first().history_user == referent_a
    [welcome] = [m for m in mail.outbox if m.to == [volunteer.email]]
    assert "Bienvenue" in welcome.subject


def test_declining_needs_a_reason(commune_a, referent_a):
    volunteer = signed_up(commune_a)
    referent = Referent(referent_a)
    response = referent.interview(volunteer, decision="decline")
    assert response.status_code == 400 and "Indiquez le motif." in response.content.decode()
    assert volunteer.status == VolunteerStatus.TO_INTERVIEW
    assert referent.interview(volunteer, decision="decline", reason="Souhaite une activité rémunérée").status_code == 302
    assert volunteer.status == VolunteerStatus.LEFT
    assert "Souhaite une activité rémunérée" in volunteer.history.first().history_change_reason
    assert trail(volunteer)[-1] == "closed"


def test_unreachable_three_times_closes_politely(commune_a, referent_a, commit):
    volunteer = signed_up(commune_a)
    referent = Referent(referent_a)
    for attempt in (1, 2):
        commit(referent.interview, volunteer, decision="unreachable")
        assert volunteer.status == VolunteerStatus.TO_INTERVIEW
        assert OnboardingProcess.objects.get(volunteer=volunteer).unreachable_attempts == attempt
    assert mail.outbox == []
    commit(referent.interview, volunteer, decision="unreachable")
    assert volunteer.status == VolunteerStatus.LEFT
    assert OnboardingProcess.objects.get(volunteer=volunteer).outcome == "unreachable"
    assert trail(volunteer) == ["start_signup", "interview", "interview", "interview", "closed"]
    [closed] = mail.outbox
    assert closed.to == [volunteer.email] and "inscription" in closed.subject


def test_a_referent_enters_a_volunteer_who_signed_up_by_phone(client, commune_a, referent_a):
    client.force_login(referent_a)
    url = AdminURLHelper(Volunteer).create_url
    data = {
        "commune": commune_a.pk, "first_name": "Marcel", "last_name": "Petit", "email": "marcel@example.org",
        "postcode": "92270", "frequency": "monthly", "message_frequency": "monthly", "radius_km": 3, "status": "to_interview",
        "wants_proposal_emails": "on", "wants_reminders": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "Indiquez comment le volontaire a accepté la charte." in response.content.decode()
    assert not Volunteer.objects.exists()
    assert client.post(url, {**data, "charter_channel": "phone"}).status_code == 302
    volunteer = Volunteer.objects.get()
    assert volunteer.status == VolunteerStatus.TO_INTERVIEW
    consent = Consent.objects.get(volunteer=volunteer)
    assert (consent.channel, consent.recorded_by, consent.purpose) == ("phone", referent_a, "charter")
    assert trail(volunteer) == ["start_staff", "interview"]
    assert interview_task(volunteer).owner is None  # the team's queue, not only the author's


def test_an_active_volunteer_entered_by_hand_is_not_interviewed(client, commune_a, referent_a):
    client.force_login(referent_a)
    client.post(AdminURLHelper(Volunteer).create_url, {
        "commune": commune_a.pk, "first_name": "Ana", "last_name": "Lopes", "email": "ana@example.org",
        "postcode": "92270", "frequency": "monthly", "message_frequency": "monthly", "radius_km": 3, "status": "active",
    })
    assert Volunteer.objects.get().status == VolunteerStatus.ACTIVE
    assert not OnboardingProcess.objects.exists()


def test_another_commune_cannot_see_the_interview(commune_a, referent_a, referent_b):
    volunteer = signed_up(commune_a)
    task = interview_task(volunteer)
    other = Referent(referent_b)
    assert str(volunteer) not in other.client.get(reverse("heurecivique_inbox")).content.decode()
    assert other.client.post(reverse("heurecivique_task_claim", args=[task.pk])).status_code == 404
    assert other.client.get(reverse("heurecivique_task", args=[task.process_id, "interview", task.pk])).status_code == 404


def test_an_interview_cannot_be_in_the_future(commune_a, referent_a):
    volunteer = signed_up(commune_a)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = Referent(referent_a).interview(volunteer, date=tomorrow)
    assert response.status_code == 400 and "L’entretien ne peut pas être dans le futur." in response.content.decode()
