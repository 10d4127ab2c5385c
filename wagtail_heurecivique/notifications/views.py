"""The one-click unsubscribe page of the e-mails (mounted by ``wagtail_heurecivique.urls``)."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from wagtail_heurecivique.core.models.needs import Need
from wagtail_heurecivique.core.models.people import Volunteer
from wagtail_heurecivique.notifications.links import TOPICS, read_unsubscribe_token


@method_decorator(csrf_exempt, name="dispatch")  # RFC 8058 one-click POSTs carry no CSRF token
class UnsubscribeView(TemplateView):
    """One-click unsubscribe from a kind of e-mail: the signed link is the authorisation.

    GET asks for confirmation (mail scanners follow links); POST, from the page or from
    the mail client's button (``List-Unsubscribe-Post``), records the choice.
    """

    template_name = "wagtail_heurecivique/public/unsubscribe.html"

    def dispatch(self, request, token):
        parsed = read_unsubscribe_token(token)
        self.record = None
        if parsed:
            pk, self.topic = parsed
            model_name, self.field = TOPICS[self.topic]
            self.record = _unsubscribe_targets(model_name).filter(pk=pk).first()
        if self.record is None:
            return TemplateResponse(request, "wagtail_heurecivique/public/link_invalid.html", status=404)
        return super().dispatch(request)

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.topic, **kwargs)

    def post(self, request):
        with transaction.atomic():
            if self.topic == "digest":
                # One by one, so that each membership keeps a history row of the choice.
                for membership in self.record.heurecivique_memberships.filter(wants_digest=True):
                    membership.wants_digest = False
                    membership._change_reason = gettext("Unsubscribed through the link of an e-mail")
                    membership.save(update_fields=["wants_digest"])
            elif getattr(self.record, self.field):
                setattr(self.record, self.field, False)
                self.record._change_reason = gettext("Unsubscribed through the link of an e-mail")
                self.record.save(update_fields=[self.field])
        return self.render_to_response(self.get_context_data(done=True))


def _unsubscribe_targets(model_name):
    return {"volunteer": Volunteer.objects.all(), "need": Need.objects.all(), "user": get_user_model().objects.all()}[
        model_name
    ]
