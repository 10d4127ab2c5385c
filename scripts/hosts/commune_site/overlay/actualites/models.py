"""The commune's own content: its news and the opening hours of its services."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet


class NewsIndexPage(Page):
    intro = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["actualites.NewsPage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["news"] = NewsPage.objects.child_of(self).live().order_by("-date")
        return context


class NewsPage(Page):
    date = models.DateField("date de publication")
    body = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("date"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["actualites.NewsIndexPage"]


@register_snippet
class Service(models.Model):
    """A town hall service and when it is open (shown on the home page)."""

    name = models.CharField("service", max_length=120)
    opening_hours = models.TextField("horaires d'ouverture")
    phone = models.CharField("téléphone", max_length=20, blank=True)

    panels = [FieldPanel("name"), FieldPanel("opening_hours"), FieldPanel("phone")]

    class Meta:
        ordering = ["name"]
        verbose_name = "service de la mairie"
        verbose_name_plural = "services de la mairie"

    def __str__(self):
        return self.name
