"""The e-mail task and the periodic e-mail jobs, for whichever task framework the Django version ships.

Tasks take only JSON values (dates as ISO strings): the database backend stores them.
The jobs import what they run when they run: ``notify()`` (``notifications/__init__``)
enqueues ``send_notification``, so this module is imported by the ledger it serves.
"""

try:  # Django 6.0 and later
    from django.tasks import task
except ImportError:  # Django 5.2, with the django-tasks package Wagtail installs
    from django_tasks import task


@task()
def send_notification(notification_id):
    from wagtail_heurecivique.notifications.delivery import deliver

    return deliver(notification_id)


@task()
def send_monthly_messages_job(month):
    """The news message of ``month`` ("YYYY-MM"); return how many were recorded."""
    import datetime

    from wagtail_heurecivique.notifications.monthly import send_monthly_messages

    return send_monthly_messages(datetime.date.fromisoformat(f"{month}-01"))


@task()
def resend_pending_job(max_attempts=5):
    """Enqueue again the e-mails that failed or were lost; return how many."""
    from wagtail_heurecivique.notifications import resend_pending

    return resend_pending(max_attempts=max_attempts)
