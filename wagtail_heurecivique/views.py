"""Public views of the plugin (mounted by the host site through ``wagtail_heurecivique.urls``)."""

from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from .indicators import SMALL_COUNT, default_period, public_figures
from .models import Commune, Need, Volunteer
from .notifications.links import TOPICS, read_unsubscribe_token


@require_GET
def commune_indicators(request, insee_code):
    """Open data: the commune's aggregated indicators over the last twelve months, as JSON."""
    commune = get_object_or_404(Commune, insee_code=insee_code.upper(), is_active=True)
    start, end = default_period()
    response = JsonResponse(
        {
            "commune": {"name": commune.name, "insee_code": commune.insee_code, "departement": commune.departement},
            "period": {"start": start.isoformat(), "end": end.isoformat()},
            "small_count_threshold": SMALL_COUNT,
            "indicators": public_figures(commune, start, end),
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=3600)
    return response


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
    from django.contrib.auth import get_user_model

    return {"volunteer": Volunteer.objects.all(), "need": Need.objects.all(), "user": get_user_model().objects.all()}[
        model_name
    ]
