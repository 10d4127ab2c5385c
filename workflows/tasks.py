"""The need workflow's periodic jobs as tasks, so that cron can hand them to the worker.

Each task calls the function its management command runs; arguments are JSON values.
"""

import datetime

from wagtail_heurecivique.notifications.tasks import task

from . import jobs


@task()
def expire_proposals_job():
    """Expire the proposals left unanswered past their commune's limit; return how many."""
    return jobs.expire_proposals()


@task()
def escalate_overdue_job():
    """Record, once each, the tasks that outlived their time limit; return how many."""
    return jobs.escalate_overdue()


@task()
def send_reminders_job(today=None):
    """Day-before reminders and "did it happen?" e-mails as on ``today`` (ISO date; default: the day it runs)."""
    return jobs.send_reminders(datetime.date.fromisoformat(today) if today else None)


@task()
def send_referent_digests_job():
    """Each référent's daily digest, when there is something to say; return how many."""
    return jobs.send_referent_digests()
