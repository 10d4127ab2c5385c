"""The need workflow, read top to bottom as its diagram (DESIGN §4).

Three doors in (the town hall, the public site, a partner's referral), one référent
task to qualify, one to propose the need to volunteers, a wait for the volunteers'
answers (signed links, or expiry), one référent task to follow up, and three ends.
The gateways read the need's status, which the steps set: the domain keeps the one
truth of where a need stands, the process keeps who did what and when.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from wagtail_heurecivique.enums import NeedStatus, VolunteerStatus

from . import services, views
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
        .Case(this.match, status_is(NeedStatus.QUALIFIED))
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
        services.set_deadline(activation.task, activation.process.need)


class VolunteerOnboardingFlow(flow.Flow):
    """The welcome of a volunteer: the référent's interview, then active or not (DESIGN §1, §4)."""

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
        services.set_deadline(activation.task, activation.process.volunteer)
