from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from wagtail_heurecivique.models import Commune
from wagtail_heurecivique.reporting.indicators import default_period
from wagtail_heurecivique.reporting.public import public_counters


class HomePage(Page):
    """The example site's home page, with each commune's public counters."""

    intro = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    max_count = 1
    subpage_types = ["wagtail_heurecivique.CommuneHomePage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        communes = list(Commune.objects.filter(is_active=True).select_related("root_page"))
        context["communes"] = communes
        # Every commune's counters at once: two cache reads, six queries for those not cached.
        context["figures"] = public_counters(communes, *default_period())
        return context
