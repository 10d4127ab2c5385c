from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    body = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]

    def get_context(self, request, *args, **kwargs):
        from actualites.models import Service

        context = super().get_context(request, *args, **kwargs)
        context["services"] = Service.objects.all()
        return context
