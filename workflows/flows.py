"""The need workflow and the welcome of a volunteer, each read top to bottom as its diagram.

Three doors in (the town hall, the public site, a partner's referral), one référent
task to qualify, one to propose the need to volunteers, a wait for the volunteers'
answers (signed links, or expiry), one référent task to follow up, and three ends.
The gateways read the need's status, which the steps set: the domain keeps the one
truth of where a need stands, the process keeps who did what and when.

This module is the top of the workflows: it names the views of the steps, which call
``steps``; nothing below imports it (the queries find the flows in the app's registry,
a step finds its flow through its process). ``start`` and ``start_onboarding`` are the
doors in, for the receivers of the domain's signals and the commands.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from wagtail_heurecivique.core.enums import NeedSource, NeedStatus, VolunteerStatus

from . import steps, views
from .models import NeedProcess, OnboardingProcess


def status_is(status, subject="need"):
    """Gateway condition: the status of the process's subject (the need, or the volunteer
    being welcomed), as the step before has just saved it."""

    def condition(activation):
        record = getattr(activation.process, subject)
        record.refresh_from_db(fields=["status"])
        return record.status == status

    return condition


class NeedFlow(flow.Flow):
    process_class = NeedProcess
    process_title = _("Handling of a need")
    process_description = _("From the need's intake to its closure, with the volunteers' answers.")
    # Wait for the lock rather than fail: two référents on one need are served in turn.
    lock_impl = lock.SelectForUpdateLock(nowait=False)

    start_staff = (
        flow.StartHandle(this.start_process)
        .Annotation(title=_("Entered by the town hall"))
        .Next(this.qualify)
    )
    start_public = (
        flow.StartHandle(this.start_process)
        .Annotation(title=_("Reported on the public site"))
        .Next(this.qualify)
    )
    start_referral = (
        flow.StartHandle(this.start_process)
        .Annotation(title=_("Referred by a partner"))
        .Next(this.qualify)
    )

    qualify = (
        flow.View(views.QualifyView.as_view())
        .Annotation(title=_("Qualify the need"))
        .Permission("heurecivique_workflows.can_qualify_needprocess")
        .onCreate(this.set_deadline)
        .Next(this.check_qualification)
    )
    check_qualification = (
        flow.Switch()
        .Annotation(title=_("Qualified?"))
        .Case(this.match, status_is(NeedStatus.TO_MATCH))
        .Case(this.redirected, status_is(NeedStatus.REDIRECTED))
        .Default(this.refused)
    )

    match = (
        flow.View(views.MatchView.as_view())
        .Annotation(title=_("Propose to volunteers"))
        .Permission("heurecivique_workflows.can_match_needprocess")
        .onCreate(this.set_deadline)
        .Next(this.await_answers)
    )
    await_answers = (
        flow.Handle()
        .Annotation(title=_("Volunteers answer"))
        .Next(this.check_answers)
    )
    check_answers = (
        flow.If(status_is(NeedStatus.PLANNED))
        .Annotation(title=_("Enough volunteers?"))
        .Then(this.follow_up)
        .Else(this.match)
    )

    follow_up = (
        flow.View(views.FollowUpView.as_view())
        .Annotation(title=_("Follow up"))
        .Permission("heurecivique_workflows.can_follow_up_needprocess")
        .onCreate(this.set_deadline)
        .Next(this.check_follow_up)
    )
    check_follow_up = (
        flow.Switch()
        .Annotation(title=_("Did it happen?"))
        .Case(this.done, status_is(NeedStatus.DONE))
        .Case(this.follow_up, status_is(NeedStatus.PLANNED))
        .Default(this.match)
    )

    done = flow.End().Annotation(title=_("Closed: help given"))
    refused = flow.End().Annotation(title=_("Closed: refused"))
    redirected = flow.End().Annotation(title=_("Closed: redirected"))

    def start_process(self, activation, need, user=None):
        activation.process.need = need
        if user is not None and user.is_authenticated:
            activation.task.owner = user
        return activation.process

    def set_deadline(self, activation):
        steps.set_deadline(activation.task, activation.process.need)


class VolunteerOnboardingFlow(flow.Flow):
    """The welcome of a volunteer: the référent's interview, then active or not."""

    process_class = OnboardingProcess
    process_title = _("Welcome of a volunteer")
    process_description = _("From the signup to the interview's decision.")
    lock_impl = lock.SelectForUpdateLock(nowait=False)

    start_signup = (
        flow.StartHandle(this.start_process)
        .Annotation(title=_("Address confirmed on the public site"))
        .Next(this.interview)
    )
    start_staff = (
        flow.StartHandle(this.start_process)
        .Annotation(title=_("Entered by a référent"))
        .Next(this.interview)
    )
    interview = (
        flow.View(views.InterviewView.as_view())
        .Annotation(title=_("Interview the volunteer"))
        .Permission("heurecivique_workflows.can_interview_onboardingprocess")
        .onCreate(this.set_deadline)
        .Next(this.check_interview)
    )
    check_interview = (
        flow.Switch()
        .Annotation(title=_("Decision?"))
        .Case(this.accepted, status_is(VolunteerStatus.ACTIVE, "volunteer"))
        .Case(this.interview, status_is(VolunteerStatus.TO_INTERVIEW, "volunteer"))
        .Default(this.closed)
    )
    accepted = flow.End().Annotation(title=_("Welcomed"))
    closed = flow.End().Annotation(title=_("Closed: declined or not reachable"))

    def start_process(self, activation, volunteer, user=None):
        activation.process.volunteer = volunteer
        if user is not None and user.is_authenticated:
            activation.task.owner = user
        return activation.process

    def set_deadline(self, activation):
        steps.set_deadline(activation.task, activation.process.volunteer)


def start(need, user=None):
    """Start the handling of a new need, through the door its source names."""
    node = {
        NeedSource.PUBLIC_FORM: NeedFlow.start_public,
        NeedSource.REFERRAL: NeedFlow.start_referral,
    }.get(need.source, NeedFlow.start_staff)
    return node.run(need=need, user=user)


def start_onboarding(volunteer, user=None):
    """Start the welcome of a volunteer: after their e-mail confirmation, or entered by a référent."""
    node = VolunteerOnboardingFlow.start_staff if user is not None else VolunteerOnboardingFlow.start_signup
    return node.run(volunteer=volunteer, user=user)
