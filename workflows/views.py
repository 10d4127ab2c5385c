"""Pages of the need workflow, all inside the Wagtail admin (and one public page).

The flow names each step's view (``flows.py``); ``urls.py`` routes a step's URL to
the view its node holds. Every page first finds the task among those of the user's
communes — another commune's task is a 404, as if it did not exist.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.status import STATUS
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail_modeladmin.helpers import AdminURLHelper

from wagtail_heurecivique.core.enums import NeedStatus, ProposalStatus, VolunteerStatus
from wagtail_heurecivique.core.models.people import Volunteer
from wagtail_heurecivique.core.scoping import communes_for_user
from wagtail_heurecivique.matching.engine import suggest

from . import steps
from .forms import CancelForm, FollowUpForm, InboxFilterForm, InterviewForm, MatchForm, QualifyForm
from .links import proposal_for_token
from .models import NeedProcess, OnboardingProcess
from .queries import inbox, processes_for, scoped_tasks, timeline

#: Suggestions listed on the match page, best first.
MATCH_ROWS = 50


class Conflict(Exception):
    """The task changed hands or state since the page was opened."""


HOME = {"url": reverse_lazy("wagtailadmin_home"), "label": _("Home")}
INBOX = {"url": reverse_lazy("heurecivique_inbox"), "label": _("My tasks")}


def need_breadcrumbs(need, *last):
    handling = {"url": reverse("heurecivique_need_process", args=[need.pk]), "label": need.title}
    return [HOME, INBOX, handling, *({"url": "", "label": label} for label in last)]


class TaskFormView(WagtailAdminTemplateMixin, FormView):
    """A référent's step: the form, then the step's work and ``activation.execute()``.

    Subclasses say which process and record (``subject``) the task is about, by defining
    ``load(process_pk)`` (sets ``self.process`` and ``self.subject``), ``subject_is_open()``
    and ``perform(form)``, which calls the step's function in ``steps`` under the process
    lock; the view itself only reads the form and answers.
    """

    template_name = "heurecivique_workflows/task.html"
    header_icon = "tasks"

    def get_page_title(self):
        return steps.step_title(self.task)

    def dispatch(self, request, *args, node, process_pk, task_pk, **kwargs):
        self.node = node
        self.task = get_object_or_404(
            scoped_tasks(request.user).filter(flow_task=node), pk=task_pk, process_id=process_pk
        )
        self.load(process_pk)
        if not self.subject_is_open():
            return self.refuse(self.closed_message())
        if self.task.status != STATUS.ASSIGNED or not node.can_execute(request.user, self.task):
            return self.refuse(self.unavailable_message())
        return super().dispatch(request, *args, **kwargs)

    def refuse(self, message):
        """Send a visit back with the reason; a submission keeps what was typed (409)."""
        if self.request.method != "POST":
            messages.error(self.request, message)
            return redirect(self.back_url())
        form = self.get_form()
        form.is_valid()
        form.add_error(None, message + " " + gettext("Nothing was saved; what you typed is still below."))
        return self.form_invalid(form, status=409)

    def back_url(self):
        return reverse("heurecivique_inbox")

    def unavailable_message(self):
        if self.task.status in (STATUS.DONE, STATUS.CANCELED):
            return gettext("This task is already finished.")
        if self.task.owner_id and self.task.owner_id != self.request.user.pk:
            return gettext("This task is assigned to %(user)s.") % {"user": self.task.owner}
        return gettext("Take this task on before working on it.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(process=self.process, task=self.task, step_title=steps.step_title(self.task),
                       back_url=self.back_url())
        return context

    def form_invalid(self, form, status=400):
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = status
        return response

    def form_valid(self, form):
        try:
            with self.node.flow_class.lock(self.process.pk), transaction.atomic():
                self.task.refresh_from_db()
                if self.task.status != STATUS.ASSIGNED or self.task.owner_id != self.request.user.pk:
                    raise Conflict
                activation = self.node.activation_class(self.task)
                activation.start(self.request)
                self.subject.refresh_from_db()
                self.perform(form)
                activation.task.data = {**activation.task.data, **self.task_data(form)}
                activation.execute()
                self.after_execute(form)
        except (Conflict, TransitionNotAllowed):
            form.add_error(None, gettext(
                "Someone else finished or took this task while you were on this page. Nothing was "
                "saved; what you typed is still below."
            ))
            return self.form_invalid(form, status=409)
        except FlowLockFailed:
            form.add_error(None, gettext("This need is being changed by someone else. Try again in a moment."))
            return self.form_invalid(form, status=409)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message())
        return redirect("heurecivique_inbox")

    def task_data(self, form):
        return {"comment": form.cleaned_data.get("comment") or form.cleaned_data.get("message", "")}

    def after_execute(self, form):
        """Still under the lock, once the flow has moved: the outcome the step set, if any."""
        steps.save_outcome(self.process)

    def success_message(self):
        return gettext("“%(step)s” done for %(need)s.") % {"step": steps.step_title(self.task), "need": self.subject}


class NeedTaskView(TaskFormView):
    """A step of the need workflow."""

    def load(self, process_pk):
        self.process = NeedProcess.objects.select_related(
            "need__commune", "need__category", "need__beneficiary"
        ).get(pk=process_pk)
        self.need = self.subject = self.process.need

    def subject_is_open(self):
        return self.need.is_open

    def closed_message(self):
        return gettext("This need is already closed.")

    def back_url(self):
        return reverse("heurecivique_need_process", args=[self.need.pk])

    def get_page_subtitle(self):
        return self.need.title

    def get_breadcrumbs_items(self):
        return need_breadcrumbs(self.need, self.get_page_title())

    def get_context_data(self, **kwargs):
        return super().get_context_data(need=self.need, **kwargs)


class QualifyView(NeedTaskView):
    form_class = QualifyForm

    def get_initial(self):
        return {
            "category": self.need.category_id,
            "urgency": self.need.urgency,
            "volunteers_wanted": self.need.volunteers_wanted,
        }

    def task_data(self, form):
        data = form.cleaned_data
        return {"outcome": data["decision"], "comment": data["message"]}

    def perform(self, form):
        data = form.cleaned_data
        steps.qualify(
            self.need, self.process, self.request.user, decision=data["decision"], category=data["category"],
            urgency=data["urgency"], volunteers_wanted=data["volunteers_wanted"], message=data["message"],
            refusal_reason=data["refusal_reason"], redirected_to=data["redirected_to"],
        )


class MatchView(NeedTaskView):
    form_class = MatchForm
    template_name = "heurecivique_workflows/match.html"

    def get_suggestions(self):
        if not hasattr(self, "_suggestions"):
            self._suggestions = suggest(self.need, limit=None)
        return self._suggestions

    def accepted_count(self):
        return self.need.proposals.filter(status=ProposalStatus.ACCEPTED).count()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "suggestions": self.get_suggestions(), "accepted": self.accepted_count()}

    def get_initial(self):
        return {"planned_date": self.need.planned_date}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        own = set(communes_for_user(self.request.user).values_list("pk", flat=True))
        selected = {str(pk) for pk in form["volunteers"].value() or []}
        context["rows"] = [
            (suggestion, suggestion.volunteer.commune_id in own, str(suggestion.volunteer.pk) in selected)
            for suggestion in self.get_suggestions()[:MATCH_ROWS]
        ]
        context["earlier_proposals"] = self.need.proposals.select_related("volunteer").order_by("proposed_at")
        return context

    def task_data(self, form):
        return {"outcome": "proposed", "volunteers": form.cleaned_data["volunteers"], "comment": form.cleaned_data["comment"]}

    def perform(self, form):
        data = form.cleaned_data
        if data.get("proceed") and not data["volunteers"]:
            steps.go_ahead(self.need, self.request.user, data["planned_date"])
        else:
            self._suggestions = steps.propose_to(self.need, self.request.user, data["volunteers"], data["planned_date"])

    def after_execute(self, form):
        # Going ahead with who accepted: the wait for answers is over at once.
        steps.settle(self.need)


class FollowUpView(NeedTaskView):
    form_class = FollowUpForm
    template_name = "heurecivique_workflows/follow_up.html"

    def accepted(self):
        return self.need.proposals.filter(status=ProposalStatus.ACCEPTED).select_related("volunteer")

    def get_initial(self):
        return {"date": min(self.need.planned_date or timezone.localdate(), timezone.localdate()),
                "minutes": self.need.estimated_minutes}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "accepted": list(self.accepted())}

    def get_context_data(self, **kwargs):
        return super().get_context_data(accepted=self.accepted(), **kwargs)

    def task_data(self, form):
        data = form.cleaned_data
        return {"outcome": data["outcome"], "comment": data["comment"]}

    def perform(self, form):
        data = form.cleaned_data
        steps.follow_up(
            self.need, self.process, self.request.user, outcome=data["outcome"], present=data["present"],
            date=data["date"], minutes=data["minutes"], rating=data["rating"],
            volunteer_ratings={p.pk: data.get(form.volunteer_rating_name(p)) for p in form.accepted},
            volunteer_feedback=data["volunteer_feedback"], beneficiary_feedback=data["beneficiary_feedback"],
            new_date=data["new_date"],
        )


class InterviewView(TaskFormView):
    """The référent's interview of a new volunteer: welcome, decline, or try again."""

    form_class = InterviewForm
    template_name = "heurecivique_workflows/interview.html"

    def load(self, process_pk):
        self.process = OnboardingProcess.objects.select_related("volunteer__commune").get(pk=process_pk)
        self.volunteer = self.subject = self.process.volunteer

    def subject_is_open(self):
        return self.volunteer.status == VolunteerStatus.TO_INTERVIEW

    def closed_message(self):
        return gettext("This volunteer is no longer waiting for an interview.")

    def get_page_subtitle(self):
        return str(self.volunteer)

    def get_breadcrumbs_items(self):
        return [HOME, INBOX, {"url": "", "label": f"{self.get_page_title()} — {self.volunteer}"}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(volunteer=self.volunteer, **kwargs)

    def task_data(self, form):
        data = form.cleaned_data
        return {"outcome": data["decision"], "comment": data["notes"], "channel": data["channel"],
                "date": data["date"].isoformat()}

    def perform(self, form):
        data = form.cleaned_data
        steps.interview(self.volunteer, self.process, self.request.user, decision=data["decision"],
                        reason=data["reason"])

    def success_message(self):
        return gettext("Interview recorded for %(volunteer)s.") % {"volunteer": self.volunteer}


class TaskActionView(View):
    """Take on (claim) or hand back (release) a task: POST only, then back where one was."""

    action = None

    def post(self, request, task_pk):
        task = get_object_or_404(scoped_tasks(request.user).filter(flow_task_type="HUMAN"), pk=task_pk)
        node = task.flow_task
        need_pk = NeedProcess.objects.filter(pk=task.process_id).values_list("need_id", flat=True).first()
        back = reverse("heurecivique_need_process", args=[need_pk]) if need_pk else reverse("heurecivique_inbox")
        allowed = node.can_assign(request.user, task) if self.action == "claim" else node.can_unassign(request.user, task)
        try:
            done = allowed and getattr(steps, self.action)(task, request.user)
        except FlowLockFailed:
            done = False
        if done and self.action == "claim":
            messages.success(request, gettext("The task is yours."))
            return redirect("heurecivique_task", task.process_id, node.name, task.pk)
        if done:
            messages.success(request, gettext("The task is back in the team's queue."))
        else:
            task.refresh_from_db()
            if self.action == "claim" and task.owner_id:
                messages.error(request, gettext("%(user)s took this task first.") % {"user": task.owner})
            else:
                messages.error(request, gettext("You cannot do this with this task."))
        return redirect(request.POST.get("next") if request.POST.get("next") == reverse("heurecivique_inbox") else back)


class NeedProcessView(WagtailAdminTemplateMixin, TemplateView):
    """The handling of one need: where it stands, what can be done, and its timeline."""

    template_name = "heurecivique_workflows/process.html"
    page_title = _("Handling of the need")
    header_icon = "tasks"

    def get_page_subtitle(self):
        return self.need.title

    def get_breadcrumbs_items(self):
        return need_breadcrumbs(self.need)

    def dispatch(self, request, need_pk):
        self.process = get_object_or_404(
            processes_for(request.user).select_related("need__commune", "need__category", "need__beneficiary"),
            need_id=need_pk,
        )
        self.need = self.process.need
        return super().dispatch(request)

    def get_context_data(self, **kwargs):
        user = self.request.user
        open_tasks = list(
            scoped_tasks(user).filter(process=self.process, status__in=steps.OPEN_TASK_STATUSES, flow_task_type="HUMAN")
            .select_related("owner", "deadline")
        )
        for task in open_tasks:
            task.can_claim = task.flow_task.can_assign(user, task)
            task.can_release = task.flow_task.can_unassign(user, task)
            task.can_execute = task.status == STATUS.ASSIGNED and task.flow_task.can_execute(user, task)
        proposals = self.need.proposals.select_related("volunteer").order_by("proposed_at")
        return super().get_context_data(
            need=self.need, process=self.process, open_tasks=open_tasks, proposals=proposals,
            events=timeline(self.process, user),
            can_cancel=self.need.is_open and self.process.flow_class.instance.has_manage_permission(user),
            now=timezone.now(), **kwargs,
        )


class CancelProcessView(WagtailAdminTemplateMixin, FormView):
    form_class = CancelForm
    template_name = "heurecivique_workflows/cancel.html"
    page_title = _("Cancel the need")
    header_icon = "warning"

    def get_page_subtitle(self):
        return self.need.title

    def get_breadcrumbs_items(self):
        return need_breadcrumbs(self.need, self.page_title)

    def dispatch(self, request, need_pk):
        self.process = get_object_or_404(processes_for(request.user).select_related("need"), need_id=need_pk)
        self.need = self.process.need
        if not self.process.flow_class.instance.has_manage_permission(request.user):
            raise Http404
        if not self.need.is_open:
            messages.error(request, gettext("This need is already closed."))
            return redirect("heurecivique_need_process", need_pk)
        return super().dispatch(request)

    def get_context_data(self, **kwargs):
        return super().get_context_data(need=self.need, **kwargs)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def form_valid(self, form):
        try:
            cancelled = steps.cancel(self.process, self.request.user, form.cleaned_data["reason"])
        except FlowLockFailed:
            cancelled = False
        if not cancelled:
            form.add_error(None, gettext("This need changed meanwhile and could not be cancelled."))
            response = self.form_invalid(form)
            response.status_code = 409
            return response
        messages.success(self.request, gettext("The need was cancelled."))
        return redirect("heurecivique_need_process", self.need.pk)


class InboxView(WagtailAdminTemplateMixin, TemplateView):
    """“Mes tâches”: my tasks and my communes' tasks to take on, overdue first."""

    template_name = "heurecivique_workflows/inbox.html"
    page_title = _("My tasks")
    header_icon = "tasks"
    breadcrumbs_items = [HOME, {"url": "", "label": _("My tasks")}]
    paginate_by = 25

    def get(self, request, *args, **kwargs):
        self.filter_form = InboxFilterForm(request.GET or None, user=request.user)
        if self.filter_form.is_bound and not self.filter_form.is_valid():
            response = self.render_to_response(self.get_context_data(tasks=None))
            response.status_code = 400
            return response
        filters = self.filter_form.cleaned_data if self.filter_form.is_bound else {}
        tasks = inbox(
            request.user,
            commune=filters.get("commune"),
            step=filters.get("step"),
            urgency=filters.get("urgency"),
            mine_only=filters.get("mine", False),
        )
        page = Paginator(tasks, self.paginate_by).get_page(request.GET.get("p"))
        volunteers = AdminURLHelper(Volunteer)
        for task in page.object_list:
            process = task.process
            if hasattr(process, "needprocess"):
                need = process.needprocess.need
                task.subject_title, task.commune, task.urgency = need.title, need.commune, need.get_urgency_display()
                task.subject_url = reverse("heurecivique_need_process", args=[need.pk])
            else:
                volunteer = process.onboardingprocess.volunteer
                task.subject_title, task.commune, task.urgency = str(volunteer), volunteer.commune, ""
                task.subject_url = volunteers.get_action_url("inspect", volunteer.pk)
            task.url = reverse("heurecivique_task", args=[task.process_id, task.flow_task.name, task.pk])
        return self.render_to_response(self.get_context_data(tasks=page))

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("p", None)
        return super().get_context_data(filter_form=self.filter_form, query=query.urlencode(), now=timezone.now(), **kwargs)


#: What a volunteer may answer to "how was it for you?" through their link.
VOLUNTEER_RATINGS = ("1", "2", "3", "4", "5")


class ProposalAnswerView(TemplateView):
    """The volunteer's page behind the link of a proposal: no login, answer by a button.

    GET only shows (mail scanners follow links); the answer is a POST.
    """

    template_name = "heurecivique_workflows/answer.html"

    def dispatch(self, request, token):
        self.proposal = proposal_for_token(token)
        if self.proposal is None or not hasattr(self.proposal.need, "process"):
            response = TemplateView.as_view(template_name="wagtail_heurecivique/public/link_invalid.html")(request)
            response.status_code = 404
            return response
        return super().dispatch(request)

    def get_context_data(self, **kwargs):
        proposal = self.proposal
        need = proposal.need
        planned = proposal.status == ProposalStatus.ACCEPTED and need.status == NeedStatus.PLANNED
        # Once per planned date (steps.volunteer_report).
        reported_already = planned and need.planned_date is not None and proposal.volunteer_reported_for == need.planned_date
        return super().get_context_data(
            proposal=proposal, need=need, volunteer=proposal.volunteer,
            suggested=self.request.GET.get("reponse"),
            # After the planned date, the volunteer can say whether it happened.
            can_report=planned and need.planned_date is not None and need.planned_date <= timezone.localdate()
            and not reported_already,
            reported_already=reported_already,
            expires_at=steps.expires_at(proposal),
            ratings=VOLUNTEER_RATINGS,
            # The beneficiary's contact is for the volunteer who accepted, only them, and
            # only until the help is given.
            show_contact=proposal.status == ProposalStatus.ACCEPTED and proposal.need.status == NeedStatus.PLANNED,
            **kwargs,
        )

    def post(self, request):
        choice = request.POST.get("answer")
        if choice in ("happened", "not_happened"):
            rating = request.POST.get("rating", "")
            if rating not in ("", *VOLUNTEER_RATINGS):
                response = self.render_to_response(self.get_context_data(error=gettext("Choose a rating from 1 to 5, or none.")))
                response.status_code = 400
                return response
            report = steps.volunteer_report(
                self.proposal, choice == "happened", request.POST.get("comment", "")[:2000],
                rating=int(rating) if rating else None,
            )
            self.proposal.refresh_from_db()
            response = self.render_to_response(self.get_context_data(report=report))
            response.status_code = 200 if report == steps.Report.RECORDED else 409
            return response
        if choice not in ("accept", "decline"):
            response = self.render_to_response(self.get_context_data(error=gettext("Choose to accept or to decline.")))
            response.status_code = 400
            return response
        result = steps.answer(self.proposal, accept=choice == "accept")
        self.proposal.refresh_from_db()
        response = self.render_to_response(self.get_context_data(result=result))
        if result not in (steps.Answer.ACCEPTED, steps.Answer.DECLINED):
            response.status_code = 409
        return response
