"""Driving the need workflow as people do: référents through the admin, volunteers by their link."""

from django.test import Client
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from tests import factories
from wagtail_heurecivique.core.signals import need_received
from wagtail_heurecivique.models import Skill
from workflows.flows import NeedFlow
from workflows.links import answer_path


def received(need, user=None):
    """A need arrives, as the public form or the admin would announce it."""
    need_received.send(sender=type(need), need=need, user=user)
    need.refresh_from_db()
    return need


def open_task(need, step):
    return Task.objects.filter(
        process__needprocess__need=need, flow_task=getattr(NeedFlow, step),
        status__in=(STATUS.NEW, STATUS.ASSIGNED),
    ).get()


def trail(need):
    return [
        task.flow_task.name
        for task in Task.objects.filter(process__needprocess__need=need).exclude(
            flow_task_type__in=("SWITCH", "EXCLUSIVE_GATEWAY")
        ).order_by("pk")
    ]


class Desk:
    """A référent at their desk: takes tasks on and submits their forms."""

    def __init__(self, user):
        self.user = user
        self.client = Client()
        self.client.force_login(user)

    def claim(self, need, step):
        task = open_task(need, step)
        return self.client.post(reverse("heurecivique_task_claim", args=[task.pk]))

    def task_url(self, need, step):
        task = open_task(need, step)
        return reverse("heurecivique_task", args=[task.process_id, step, task.pk])

    def do(self, need, step, data, *, claim=True):
        if claim and open_task(need, step).owner_id is None:
            self.claim(need, step)
        response = self.client.post(self.task_url(need, step), data)
        need.refresh_from_db()
        return response

    def qualify(self, need, **data):
        values = {"decision": "accept", "category": need.category_id, "urgency": need.urgency,
                  "volunteers_wanted": need.volunteers_wanted}
        values.update(data)
        return self.do(need, "qualify", values)

    def propose(self, need, *volunteers, **data):
        return self.do(need, "match", {"volunteers": [v.pk for v in volunteers], **data})


def answer(proposal, choice):
    return Client().post(answer_path(proposal), {"answer": choice})


def need_with_volunteers(commune_, count=2, **need_kwargs):
    category = factories.category()
    skill, _created = Skill.objects.get_or_create(slug="courses", defaults={"name": "Courses", "category": category})
    beneficiary = factories.beneficiary(commune_, phone="06 11 22 33 44", address="3 rue des Lilas")
    need = factories.need(commune_, category=category, beneficiary=beneficiary, **need_kwargs)
    need.skills.set([skill])
    volunteers = []
    for index in range(count):
        volunteer = factories.volunteer(commune_, last_name=f"Bénévole{index}", phone=f"07 00 00 00 0{index}")
        volunteer.skills.set([skill])
        volunteers.append(volunteer)
    return need, volunteers
