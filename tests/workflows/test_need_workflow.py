"""The need workflow driven through HTTP: each path to its end, with its trail and history."""

import datetime
import time
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from viewflow.workflow.status import PROCESS, STATUS
from wagtail_modeladmin.helpers import AdminURLHelper

from tests import factories
from tests.workflow_helpers import Desk, answer, need_with_volunteers, open_task, received, trail
from wagtail_heurecivique.core.enums import NeedSource, NeedStatus, ProposalStatus
from wagtail_heurecivique.models import HoursRecord, Need, Proposal
from workflows.models import NeedProcess, TaskDeadline

pytestmark = pytest.mark.django_db


def reasons(need):
    return [r.history_change_reason for r in need.history.order_by("history_date", "history_id")]


def test_a_need_entered_in_the_admin_starts_its_handling(client, commune_a, referent_a):
    client.force_login(referent_a)
    category = factories.category()
    response = client.post(AdminURLHelper(Need).create_url, {
        "commune": commune_a.pk, "title": "Lecture du courrier", "kind": "interpersonal", "category": category.pk,
        "description": "Aide à la lecture.", "source": "staff", "urgency": 2, "estimated_minutes": 60,
        "volunteers_wanted": 1,
    })
    assert response.status_code == 302
    need = Need.objects.get()
    assert need.process.flow_class.__name__ == "NeedFlow"
    assert trail(need) == ["start_staff", "qualify"]
    task = open_task(need, "qualify")
    assert task.owner is None and task.deadline.due_at > timezone.now()


def test_accepted_then_done(commune_a, referent_a):
    need, (first, second) = need_with_volunteers(commune_a, source=NeedSource.PUBLIC_FORM)
    received(need)
    desk = Desk(referent_a)
    assert desk.qualify(need).status_code == 302
    assert need.status == NeedStatus.TO_MATCH
    assert desk.propose(need, first, second).status_code == 302
    assert need.status == NeedStatus.AWAITING_ANSWERS
    p1, p2 = Proposal.objects.get(volunteer=first), Proposal.objects.get(volunteer=second)
    assert p1.score is not None and p1.proposed_by == referent_a

    # The volunteer opens the link: the need, no contact yet, two buttons.
    page = Client().get(reverse("wagtail_heurecivique:proposal_answer", args=[_token(p1)])).content.decode()
    assert need.title in page and "J’accepte" in page
    assert "06 11 22 33 44" not in page

    response = answer(p1, "accept")
    assert response.status_code == 200
    content = response.content.decode()
    assert "06 11 22 33 44" in content  # the beneficiary's contact, for this volunteer only
    need.refresh_from_db()
    assert need.status == NeedStatus.PLANNED
    p2.refresh_from_db()
    assert p2.status == ProposalStatus.CANCELLED
    late = answer(p2, "accept")
    assert late.status_code == 409 and "06 11 22 33 44" not in late.content.decode()

    # The référent now sees the volunteer's phone on the need's handling page.
    handling = desk.client.get(reverse("heurecivique_need_process", args=[need.pk])).content.decode()
    assert first.phone in handling and second.phone not in handling

    bad = desk.do(need, "follow_up", {"outcome": "done"})
    assert bad.status_code == 400 and "minutes" in bad.content.decode()
    response = desk.do(need, "follow_up", {
        "outcome": "done", "present": [p1.pk], "date": timezone.localdate().isoformat(), "minutes": 90, "rating": 5,
        "volunteer_feedback": "Très bon moment", "beneficiary_feedback": "Merci",
    })
    assert response.status_code == 302
    assert need.status == NeedStatus.DONE
    p1.refresh_from_db()
    assert p1.status == ProposalStatus.DONE and p1.rating == 5
    assert HoursRecord.objects.get().minutes == 90
    process = NeedProcess.objects.get(need=need)
    assert process.status == PROCESS.DONE and process.outcome == "done"
    assert trail(need) == ["start_public", "qualify", "match", "await_answers", "follow_up", "done"]
    assert reasons(need)[-1] == "Aide apportée : clôturé"
    assert need.history.filter(history_user=referent_a).exists()


def _token(proposal):
    from workflows.links import answer_token

    return answer_token(proposal)


def test_refused_with_a_coded_reason(commune_a, referent_a):
    need, _ = need_with_volunteers(commune_a, count=0)
    received(need)
    desk = Desk(referent_a)
    response = desk.qualify(need, decision="refuse", message="")
    assert response.status_code == 400
    content = response.content.decode()
    assert "Indiquez le motif du refus." in content and 'href="#id_refusal_reason"' in content
    response = desk.qualify(need, decision="refuse", refusal_reason="out_of_scope", message="Hors programme.")
    assert response.status_code == 302
    assert need.status == NeedStatus.REFUSED and need.status_reason == "Hors programme."
    process = NeedProcess.objects.get(need=need)
    assert (process.status, process.outcome, process.refusal_reason) == (PROCESS.DONE, "refused", "out_of_scope")
    assert trail(need) == ["start_staff", "qualify", "refused"]


def test_redirected_to_an_institutional_service(commune_a, referent_a):
    need, _ = need_with_volunteers(commune_a, count=0, source=NeedSource.REFERRAL)
    received(need)
    response = Desk(referent_a).qualify(need, decision="redirect", redirected_to="ccas", message="Voir le CCAS.")
    assert response.status_code == 302
    assert need.status == NeedStatus.REDIRECTED
    assert NeedProcess.objects.get(need=need).redirected_to == "ccas"
    assert trail(need) == ["start_referral", "qualify", "redirected"]


def test_declined_then_matched_again_with_who_declined(commune_a, referent_a):
    need, (first, second) = need_with_volunteers(commune_a)
    received(need)
    desk = Desk(referent_a)
    desk.qualify(need)
    desk.propose(need, first)
    assert answer(Proposal.objects.get(volunteer=first), "decline").status_code == 200
    need.refresh_from_db()
    assert need.status == NeedStatus.TO_MATCH
    page = desk.client.get(desk.task_url(need, "match")).content.decode() if desk.claim(need, "match") else ""
    assert "Bénévole0" in page and "Décliné" in page
    assert f'value="{first.pk}"' not in page  # never proposed twice
    desk.propose(need, second)
    answer(Proposal.objects.get(volunteer=second), "accept")
    need.refresh_from_db()
    assert need.status == NeedStatus.PLANNED
    assert trail(need) == ["start_staff", "qualify", "match", "await_answers", "match", "await_answers", "follow_up"]


def test_an_unanswered_proposal_expires_back_to_matching(commune_a, referent_a):
    need, (first, _second) = need_with_volunteers(commune_a)
    received(need)
    desk = Desk(referent_a)
    desk.qualify(need)
    desk.propose(need, first)
    proposal = Proposal.objects.get()
    Proposal.objects.filter(pk=proposal.pk).update(proposed_at=timezone.now() - datetime.timedelta(hours=73))
    call_command("heurecivique_expire_proposals")
    call_command("heurecivique_expire_proposals")  # idempotent
    proposal.refresh_from_db()
    need.refresh_from_db()
    assert proposal.status == ProposalStatus.EXPIRED
    assert need.status == NeedStatus.TO_MATCH
    assert proposal.history.filter(history_change_reason__contains="expiré").count() == 1
    assert trail(need).count("match") == 2
    late = answer(proposal, "accept")
    assert late.status_code == 409 and "expiré" in late.content.decode()


def test_no_show_goes_back_to_matching(commune_a, referent_a):
    need, (first, _second) = need_with_volunteers(commune_a)
    received(need)
    desk = Desk(referent_a)
    desk.qualify(need)
    desk.propose(need, first)
    answer(Proposal.objects.get(), "accept")
    response = desk.do(need, "follow_up", {"outcome": "no_show", "comment": "Personne n'est venu."})
    assert response.status_code == 302
    assert need.status == NeedStatus.TO_MATCH
    assert Proposal.objects.get().status == ProposalStatus.NO_SHOW
    assert trail(need)[-2:] == ["follow_up", "match"]


def test_postponed_to_a_new_date(commune_a, referent_a):
    need, (first, _second) = need_with_volunteers(commune_a)
    received(need)
    desk = Desk(referent_a)
    desk.qualify(need)
    desk.propose(need, first)
    answer(Proposal.objects.get(), "accept")
    new_date = timezone.localdate() + datetime.timedelta(days=10)
    desk.do(need, "follow_up", {"outcome": "new_date", "new_date": new_date.isoformat()})
    assert need.status == NeedStatus.PLANNED and need.planned_date == new_date
    task = open_task(need, "follow_up")
    assert task.deadline.due_at.date() > new_date


def test_cancelled_from_any_step_with_a_reason(commune_a, referent_a):
    need, (first, _second) = need_with_volunteers(commune_a)
    received(need)
    desk = Desk(referent_a)
    desk.qualify(need)
    desk.propose(need, first)
    url = reverse("heurecivique_need_cancel", args=[need.pk])
    response = desk.client.post(url, {"reason": "  "})
    assert response.status_code == 400 and "Indiquez le motif" in response.content.decode()
    assert desk.client.post(url, {"reason": "La personne a déménagé."}).status_code == 302
    need.refresh_from_db()
    assert need.status == NeedStatus.CANCELLED and need.status_reason == "La personne a déménagé."
    assert Proposal.objects.get().status == ProposalStatus.CANCELLED
    process = NeedProcess.objects.get(need=need)
    assert process.status == PROCESS.CANCELED and process.outcome == "cancelled"
    assert not process.task_set.filter(status__in=(STATUS.NEW, STATUS.ASSIGNED)).exists()
    assert answer(Proposal.objects.get(), "accept").status_code == 409


def test_overdue_tasks_come_first_and_are_escalated_once(commune_a, referent_a):
    fresh, _ = need_with_volunteers(commune_a, count=0, title="Besoin récent")
    late, _ = need_with_volunteers(commune_a, count=0, title="Besoin ancien")
    received(fresh)
    received(late)
    TaskDeadline.objects.filter(task=open_task(late, "qualify")).update(due_at=timezone.now() - datetime.timedelta(days=1))
    desk = Desk(referent_a)
    content = desk.client.get(reverse("heurecivique_inbox")).content.decode()
    assert content.index("Besoin ancien") < content.index("Besoin récent")
    assert content.count("En retard") == 1
    call_command("heurecivique_escalate")
    call_command("heurecivique_escalate")
    assert [r for r in reasons(late) if r and r.startswith("Escalade")] == [reasons(late)[-1]]
    assert not any(r and r.startswith("Escalade") for r in reasons(fresh))
    assert open_task(late, "qualify").deadline.escalated_at is not None


def test_another_communes_referent_cannot_even_see_a_task(commune_a, referent_a, referent_b):
    need, _ = need_with_volunteers(commune_a, count=0)
    received(need)
    task = open_task(need, "qualify")
    other = Desk(referent_b)
    assert "Courses pour" not in other.client.get(reverse("heurecivique_inbox")).content.decode()
    assert other.client.post(reverse("heurecivique_task_claim", args=[task.pk])).status_code == 404
    assert other.client.get(reverse("heurecivique_task", args=[task.process_id, "qualify", task.pk])).status_code == 404
    assert other.client.get(reverse("heurecivique_need_process", args=[need.pk])).status_code == 404
    assert other.client.post(reverse("heurecivique_need_cancel", args=[need.pk]), {"reason": "x"}).status_code == 404
    assert other.client.get(reverse("heurecivique_task", args=[task.process_id, "nope", task.pk])).status_code == 404
    Desk(referent_a).claim(need, "qualify")
    assert open_task(need, "qualify").owner == referent_a


def test_the_coordinator_reads_but_does_not_act(commune_a, coordinator):
    need, _ = need_with_volunteers(commune_a, count=0)
    received(need)
    desk = Desk(coordinator)
    assert desk.client.get(reverse("heurecivique_need_process", args=[need.pk])).status_code == 200
    desk.claim(need, "qualify")
    assert open_task(need, "qualify").owner is None
    assert desk.client.post(reverse("heurecivique_need_cancel", args=[need.pk]), {"reason": "x"}).status_code == 404


def test_the_second_claim_is_told_who_was_first(commune_a, referent_a):
    colleague = factories.referent(commune_a, "colleague")
    need, _ = need_with_volunteers(commune_a, count=0)
    received(need)
    Desk(referent_a).claim(need, "qualify")
    second = Desk(colleague)
    response = second.client.post(reverse("heurecivique_task_claim", args=[open_task(need, "qualify").pk]), follow=True)
    assert "referent_a a pris cette tâche en premier" in response.content.decode()
    response = second.qualify(need, decision="refuse", refusal_reason="other", message="Non")
    assert response.status_code == 409
    assert "referent_a" in response.content.decode()
    need.refresh_from_db()
    assert need.status == NeedStatus.NEW


def test_a_stale_form_keeps_what_was_typed(commune_a, referent_a):
    need, _ = need_with_volunteers(commune_a, count=0)
    received(need)
    desk = Desk(referent_a)
    desk.claim(need, "qualify")
    url = desk.task_url(need, "qualify")
    desk.client.post(reverse("heurecivique_task_release", args=[open_task(need, "qualify").pk]))
    factories.referent(commune_a, "colleague")
    Desk(need.commune.memberships.get(user__username="colleague").user).claim(need, "qualify")
    response = desk.client.post(url, {"decision": "refuse", "category": need.category_id, "urgency": 2,
                                       "volunteers_wanted": 1, "refusal_reason": "other", "message": "Mon texte"})
    assert response.status_code == 409
    assert "Mon texte" in response.content.decode()
    need.refresh_from_db()
    assert need.status == NeedStatus.NEW


def test_a_double_click_on_accept_counts_once(commune_a, referent_a):
    need, (first, _second) = need_with_volunteers(commune_a)
    received(need)
    desk = Desk(referent_a)
    desk.qualify(need)
    desk.propose(need, first)
    proposal = Proposal.objects.get()
    assert answer(proposal, "accept").status_code == 200
    again = answer(proposal, "accept")
    assert again.status_code == 409 and "déjà répondu" in again.content.decode()
    assert proposal.history.filter(history_change_reason__contains="Accepté").count() == 1


def test_forged_links_and_bad_answers(commune_a, referent_a):
    assert Client().get("/heurecivique/proposition/abc/").status_code == 404
    # Signed with the link's salt, but not a proposal's payload: a 404 too, never a 500.
    from django.core import signing

    from workflows.links import ANSWER_LINK

    for payload in ([1, 2], "p", 7, None, {"p": [1], "v": {"x": 1}}, {"p": 10**30, "v": 1}, {"p": "1", "v": 1}):
        token = signing.dumps(payload, salt=ANSWER_LINK.salt)
        assert Client().get(f"/heurecivique/proposition/{token}/").status_code == 404, payload
    need, (first, _second) = need_with_volunteers(commune_a)
    received(need)
    desk = Desk(referent_a)
    desk.qualify(need)
    desk.propose(need, first)
    assert answer(Proposal.objects.get(), "maybe").status_code == 400


def test_the_inspect_view_shows_the_timeline(commune_a, referent_a):
    need, _ = need_with_volunteers(commune_a, count=0)
    received(need)
    desk = Desk(referent_a)
    desk.qualify(need, decision="redirect", redirected_to="ccas", message="Voir le CCAS.")
    content = desk.client.get(AdminURLHelper(Need).get_action_url("inspect", need.pk)).content.decode()
    assert "Chronologie" in content and "Qualifier le besoin" in content and "Voir le CCAS." in content


def test_the_dashboard_panel_counts_my_tasks(commune_a, referent_a):
    for _ in range(3):
        need, _ = need_with_volunteers(commune_a, count=0)
        received(need)
    Desk(referent_a).claim(need, "qualify")
    content = Desk(referent_a).client.get("/admin/").content.decode()
    assert "1 tâche qui m’est assignée" in content
    assert "2 tâches à prendre en charge" in content


@pytest.mark.parametrize("size", [10, 500])
def test_the_inbox_makes_a_bounded_number_of_queries(commune_a, referent_a, django_assert_max_num_queries, size):
    category = factories.category()
    needs = Need.objects.bulk_create(
        Need(commune=commune_a, title=f"Besoin {i}", kind="interpersonal", category=category, description="x")
        for i in range(size)
    )
    for need in needs:
        received(need)
    desk = Desk(referent_a)
    desk.client.get(reverse("heurecivique_inbox"))  # warm the caches
    with django_assert_max_num_queries(14):
        response = desk.client.get(reverse("heurecivique_inbox"), {"step": "qualify", "p": 2})
    assert response.status_code == 200


def test_bad_inbox_filters_are_a_400(commune_a, commune_b, referent_a):
    desk = Desk(referent_a)
    assert desk.client.get(reverse("heurecivique_inbox"), {"commune": commune_b.pk}).status_code == 400
    assert desk.client.get(reverse("heurecivique_inbox"), {"urgency": "abc"}).status_code == 400


def test_a_forged_or_ineligible_volunteer_is_refused(commune_a, commune_b, referent_a):
    need, (first, _second) = need_with_volunteers(commune_a)
    stranger = factories.volunteer(commune_b)
    received(need)
    desk = Desk(referent_a)
    desk.qualify(need)
    response = desk.propose(need, stranger, planned_date="2000-01-01")
    assert response.status_code == 400
    content = response.content.decode()
    assert "Sélectionnez un choix valide" in content and "La date prévue ne peut pas être passée." in content
    assert not Proposal.objects.exists() and need.status == NeedStatus.TO_MATCH
    assert desk.propose(need).status_code == 400  # nobody chosen
    assert desk.propose(need, first).status_code == 302


def test_going_ahead_with_the_volunteers_who_accepted(commune_a, referent_a):
    need, (first, second) = need_with_volunteers(commune_a, volunteers_wanted=2)
    received(need)
    desk = Desk(referent_a)
    desk.qualify(need)
    desk.propose(need, first, second)
    answer(Proposal.objects.get(volunteer=first), "accept")
    answer(Proposal.objects.get(volunteer=second), "decline")
    need.refresh_from_db()
    assert need.status == NeedStatus.TO_MATCH
    desk.claim(need, "match")
    assert "Continuer avec le volontaire qui a accepté" in desk.client.get(desk.task_url(need, "match")).content.decode()
    assert desk.do(need, "match", {"proceed": "on"}).status_code == 302
    assert need.status == NeedStatus.PLANNED and need.volunteers_wanted == 1
    assert trail(need)[-3:] == ["match", "await_answers", "follow_up"]


def test_the_follow_up_counts_who_came(commune_a, referent_a):
    need, (first, second) = need_with_volunteers(commune_a, volunteers_wanted=2)
    received(need)
    desk = Desk(referent_a)
    desk.qualify(need)
    desk.propose(need, first, second)
    for proposal in Proposal.objects.all():
        answer(proposal, "accept")
    came = Proposal.objects.get(volunteer=first)
    data = {"outcome": "done", "date": timezone.localdate().isoformat(), "minutes": 60}
    assert desk.do(need, "follow_up", data).status_code == 400  # nobody ticked
    assert desk.do(need, "follow_up", {**data, "present": [came.pk]}).status_code == 302
    assert dict(Proposal.objects.values_list("volunteer__last_name", "status")) == {
        first.last_name: ProposalStatus.DONE, second.last_name: ProposalStatus.NO_SHOW,
    }
    assert HoursRecord.objects.get().volunteer == first
    # The help is given: the link no longer shows the beneficiary's contact.
    assert "06 11 22 33 44" not in Client().get(reverse("wagtail_heurecivique:proposal_answer", args=[_token(came)])).content.decode()


def test_a_closed_need_s_leftover_task_cannot_reopen_it(commune_a, referent_a):
    need, _ = need_with_volunteers(commune_a, count=0)
    received(need)
    desk = Desk(referent_a)
    desk.claim(need, "qualify")
    url = desk.task_url(need, "qualify")
    Need.objects.filter(pk=need.pk).update(status=NeedStatus.CANCELLED)
    response = desk.client.post(url, {"decision": "accept", "category": need.category_id, "urgency": 2,
                                      "volunteers_wanted": 1})
    assert response.status_code == 409
    assert "Ce besoin est déjà clos" in response.content.decode()
    need.refresh_from_db()
    assert need.status == NeedStatus.CANCELLED


def test_needs_recorded_before_the_workflow_get_their_handling(commune_a):
    fresh = factories.need(commune_a)
    matching = factories.need(commune_a, status=NeedStatus.AWAITING_ANSWERS)
    closed = factories.need(commune_a, status=NeedStatus.DONE)
    call_command("heurecivique_start_processes")
    call_command("heurecivique_start_processes")
    assert NeedProcess.objects.count() == 2
    for need in (fresh, matching):
        need.refresh_from_db()
        assert need.status == NeedStatus.NEW and open_task(need, "qualify")
    assert not NeedProcess.objects.filter(need=closed).exists()


def test_proposals_cannot_be_added_or_deleted_in_the_back_office(commune_a, referent_a):
    need, (first, _second) = need_with_volunteers(commune_a)
    received(need)
    desk = Desk(referent_a)
    desk.qualify(need)
    desk.propose(need, first)
    proposals = AdminURLHelper(Proposal)
    assert desk.client.get(proposals.create_url).status_code in (302, 403)
    desk.client.post(proposals.get_action_url("delete", Proposal.objects.get().pk), {"reason": "x"})
    assert Proposal.objects.exists()


def _planned_with_two_volunteers(commune_a, referent_a):
    need, (first, second) = need_with_volunteers(commune_a, volunteers_wanted=2)
    received(need)
    desk = Desk(referent_a)
    desk.qualify(need)
    desk.propose(need, first, second)
    for proposal in Proposal.objects.all():
        answer(proposal, "accept")
    Need.objects.filter(pk=need.pk).update(planned_date=timezone.localdate() - datetime.timedelta(days=1))
    need.refresh_from_db()
    return need, Proposal.objects.get(volunteer=first), Proposal.objects.get(volunteer=second), desk


def test_the_volunteer_rates_it_through_their_link_when_it_happened(commune_a, referent_a):
    _need, first, second, _desk = _planned_with_two_volunteers(commune_a, referent_a)
    link = reverse("wagtail_heurecivique:proposal_answer", args=[_token(first)])
    page = Client().get(link).content.decode()
    assert 'name="rating" value="5"' in page and 'name="rating" value="1"' in page

    refused = Client().post(link, {"answer": "happened", "rating": "9"})
    assert refused.status_code == 400
    first.refresh_from_db()
    assert first.volunteer_rating is None and first.volunteer_feedback == ""

    assert Client().post(link, {"answer": "happened", "rating": "4", "comment": "Très sympa"}).status_code == 200
    first.refresh_from_db()
    assert first.volunteer_rating == 4 and first.volunteer_feedback == "Cela a eu lieu. Très sympa"
    assert first.history.first().history_change_reason == "Indiqué par le volontaire depuis son lien"

    # A rating of help that did not happen means nothing: it is not kept.
    other = reverse("wagtail_heurecivique:proposal_answer", args=[_token(second)])
    assert Client().post(other, {"answer": "not_happened", "rating": "1"}).status_code == 200
    second.refresh_from_db()
    assert second.volunteer_rating is None and second.volunteer_feedback == "Cela n’a pas eu lieu."


def fr(message):
    """``message`` as the French page shows it (a template's own text is not escaped)."""
    with translation.override("fr"):
        return gettext(message)


def test_the_volunteer_says_once_whether_it_happened(commune_a, referent_a):
    need, first, _second, desk = _planned_with_two_volunteers(commune_a, referent_a)
    link = reverse("wagtail_heurecivique:proposal_answer", args=[_token(first)])
    assert Client().post(link, {"answer": "happened", "rating": "4", "comment": "Très sympa"}).status_code == 200
    rows = first.history.count()
    again = Client().post(link, {"answer": "not_happened", "rating": "1", "comment": "Finalement non"})
    assert again.status_code == 409
    assert fr("You have already said whether it happened: your first answer is kept. "
              "To change it, contact your town hall.") in again.content.decode()
    first.refresh_from_db()
    assert (first.volunteer_rating, first.volunteer_feedback) == (4, "Cela a eu lieu. Très sympa")
    assert first.history.count() == rows
    page = Client().get(link).content.decode()
    assert fr("You have already said whether it happened. Thank you!") in page and 'name="rating"' not in page

    # Put off to a new date: asked again about that one, from that day on.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert desk.do(need, "follow_up", {"outcome": "new_date", "new_date": tomorrow.isoformat()}).status_code == 302
    early = Client().post(link, {"answer": "not_happened"})
    assert early.status_code == 409
    assert fr("It is too early: you can say whether it happened from the planned date on.") in early.content.decode()
    first.refresh_from_db()
    assert first.volunteer_feedback == "Cela a eu lieu. Très sympa" and first.history.count() == rows
    Need.objects.filter(pk=need.pk).update(planned_date=timezone.localdate())
    assert 'name="rating"' in Client().get(link).content.decode()
    assert Client().post(link, {"answer": "not_happened"}).status_code == 200
    first.refresh_from_db()
    assert first.volunteer_feedback == "Cela n’a pas eu lieu." and first.volunteer_reported_for == timezone.localdate()
    assert Client().post(link, {"answer": "happened"}).status_code == 409


def test_the_answer_link_lasts_sixty_days_and_serves_proposals_only(commune_a, referent_a):
    from django.core import signing

    from wagtail_heurecivique.services.registrations import REGISTRATION_CANCEL_LINK

    _need, first, _second, _desk = _planned_with_two_volunteers(commune_a, referent_a)
    link = reverse("wagtail_heurecivique:proposal_answer", args=[_token(first)])
    # The same values, signed for another purpose: not a proposal's link.
    other = signing.dumps({"p": first.pk, "v": first.volunteer_id}, salt=REGISTRATION_CANCEL_LINK.salt)
    assert Client().post(f"/heurecivique/proposition/{other}/", {"answer": "happened"}).status_code == 404
    for days in (61, 400):
        with mock.patch("django.core.signing.time.time", return_value=time.time() + days * 24 * 3600):
            assert Client().get(link).status_code == 404
            assert Client().post(link, {"answer": "happened", "rating": "5"}).status_code == 404
    first.refresh_from_db()
    assert (first.volunteer_feedback, first.volunteer_rating, first.volunteer_reported_for) == ("", None, None)
    with mock.patch("django.core.signing.time.time", return_value=time.time() + 59 * 24 * 3600):
        assert Client().post(link, {"answer": "happened", "rating": "5"}).status_code == 200
    first.refresh_from_db()
    assert first.volunteer_rating == 5


def test_the_follow_up_records_the_beneficiarys_and_each_volunteers_rating(commune_a, referent_a):
    need, first, second, desk = _planned_with_two_volunteers(commune_a, referent_a)
    link = reverse("wagtail_heurecivique:proposal_answer", args=[_token(first)])
    Client().post(link, {"answer": "happened", "rating": "4", "comment": "Très sympa"})

    desk.claim(need, "follow_up")
    form = desk.client.get(desk.task_url(need, "follow_up")).context["form"]
    first_field, second_field = f"volunteer_rating_{first.pk}", f"volunteer_rating_{second.pk}"
    assert form[first_field].value() == 4 and form[second_field].value() is None  # as the volunteer said
    assert str(first.volunteer) in str(form.fields[first_field].label)
    assert list(form.fields).index("rating") < list(form.fields).index(first_field) < list(form.fields).index("volunteer_feedback")

    data = {"outcome": "done", "present": [first.pk, second.pk], "date": timezone.localdate().isoformat(),
            "minutes": 60, "rating": 5, first_field: 4, second_field: 2, "beneficiary_feedback": "Merci"}
    bad = desk.do(need, "follow_up", {**data, second_field: 6})
    assert bad.status_code == 400
    assert desk.do(need, "follow_up", data).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.rating, first.volunteer_rating) == (5, 4)
    assert (second.rating, second.volunteer_rating) == (5, 2)
    # Left empty by the référent, what the volunteer wrote through their link is kept.
    assert first.volunteer_feedback == "Cela a eu lieu. Très sympa" and second.volunteer_feedback == ""


def test_the_follow_up_keeps_a_rating_the_volunteer_gave_while_the_form_was_open(commune_a, referent_a):
    need, first, second, desk = _planned_with_two_volunteers(commune_a, referent_a)
    desk.claim(need, "follow_up")
    desk.client.get(desk.task_url(need, "follow_up"))  # the référent opens the form: no rating yet
    link = reverse("wagtail_heurecivique:proposal_answer", args=[_token(first)])
    Client().post(link, {"answer": "happened", "rating": "3"})
    data = {"outcome": "done", "present": [first.pk, second.pk], "date": timezone.localdate().isoformat(),
            "minutes": 60, f"volunteer_rating_{first.pk}": "", f"volunteer_rating_{second.pk}": "5"}
    assert desk.do(need, "follow_up", data).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.volunteer_rating, second.volunteer_rating) == (3, 5)


def test_a_volunteer_who_leaves_is_taken_off_a_planned_help(commune_a, referent_a):
    from wagtail_heurecivique.services.membership import leave
    from workflows.models import TaskDeadline

    need, first, second, desk = _planned_with_two_volunteers(commune_a, referent_a)
    task = open_task(need, "follow_up")
    TaskDeadline.objects.filter(task=task).update(due_at=timezone.now() + datetime.timedelta(days=7))
    leave(first.volunteer, reason="Déménagement")
    first.refresh_from_db()
    second.refresh_from_db()
    need.refresh_from_db()
    assert (first.status, second.status, need.status) == (ProposalStatus.CANCELLED, ProposalStatus.ACCEPTED, NeedStatus.PLANNED)
    assert first.history.first().history_change_reason == "Le bénévole a quitté le dispositif"
    assert "a quitté le dispositif" in need.history.first().history_change_reason
    assert TaskDeadline.objects.get(task=task).due_at <= timezone.now()  # first in the référent's tasks
    # At the follow-up only the volunteer still coming is listed.
    desk.claim(need, "follow_up")
    form = desk.client.get(desk.task_url(need, "follow_up")).context["form"]
    assert [pk for pk, _label in form.fields["present"].choices] == [second.pk]


def test_a_volunteer_who_leaves_after_accepting_is_no_longer_counted(commune_a, referent_a):
    from wagtail_heurecivique.services.membership import leave

    need, (first, second) = need_with_volunteers(commune_a, volunteers_wanted=2)
    received(need)
    desk = Desk(referent_a)
    desk.qualify(need)
    desk.propose(need, first, second)
    answer(Proposal.objects.get(volunteer=first), "accept")
    need.refresh_from_db()
    assert need.status == NeedStatus.AWAITING_ANSWERS  # one accepted, the other still asked
    leave(first)
    need.refresh_from_db()
    assert Proposal.objects.get(volunteer=first).status == ProposalStatus.CANCELLED
    assert need.status == NeedStatus.AWAITING_ANSWERS
    # The other declines: nobody accepted any more, the need goes back to proposing.
    answer(Proposal.objects.get(volunteer=second), "decline")
    need.refresh_from_db()
    assert need.status == NeedStatus.TO_MATCH and open_task(need, "match")
