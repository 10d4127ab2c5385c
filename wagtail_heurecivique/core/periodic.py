"""The base of the periodic commands: run the job here, or hand it to the task worker."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext, gettext_lazy


class PeriodicCommand(BaseCommand):
    """A job for cron. Runs inline, or with ``--enqueue`` enqueues its django-tasks task.

    Both ways run the same task function (which calls the job's shared function) with the
    same JSON arguments, so that the worker does exactly what the command would have done.
    """

    #: The django-tasks task doing the job; it returns how many things it did.
    task = None
    #: What the job did, for the cron log: ``ngettext_lazy(singular, plural, "count")``.
    report_message = None

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true",
            help=gettext_lazy("Enqueue the job for the task worker instead of running it here."),
        )

    def task_arguments(self, **options):
        """The task's keyword arguments, JSON values only, from the command's options."""
        return {}

    def report(self, count):
        return self.report_message % {"count": count}

    def handle(self, *args, enqueue=False, **options):
        arguments = self.task_arguments(**options)
        if not enqueue:
            self.stdout.write(self.report(self.task.call(**arguments)))
            return
        result = self.task.enqueue(**arguments)
        self.stdout.write(gettext("Job enqueued as task %(id)s.") % {"id": result.id})
        # A backend that runs the task at once (the immediate one) already knows the outcome.
        if result.status == "FAILED":
            last_line = result.errors[-1].traceback.strip().splitlines()[-1] if result.errors else ""
            raise CommandError(gettext("The job failed: %(error)s") % {"error": last_line})
        if result.status == "SUCCESSFUL":
            self.stdout.write(self.report(result.return_value))
