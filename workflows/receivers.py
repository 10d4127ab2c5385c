from django.dispatch import receiver

from wagtail_heurecivique.signals import need_received

from . import services


@receiver(need_received, dispatch_uid="heurecivique_workflows.start_need_process")
def start_need_process(sender, need, user=None, **kwargs):
    """Every need, whichever door it came through, starts its handling at once."""
    services.start(need, user=user)
