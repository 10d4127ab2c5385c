"""The e-mail task, for whichever task framework the Django version ships."""

try:  # Django 6.0 and later
    from django.tasks import task
except ImportError:  # Django 5.2, with the django-tasks package Wagtail installs
    from django_tasks import task


@task()
def send_notification(notification_id):
    from .delivery import deliver

    return deliver(notification_id)
