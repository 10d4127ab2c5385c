"""Editor panels of the plugin's page types."""

from wagtail.admin.panels import Panel


class ConsentStatusPanel(Panel):
    """On a success story: who or what still lacks a recorded consent (saved content)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "wagtail_heurecivique/admin/panels/consent_status.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            saved = self.instance.pk and type(self.instance).objects.filter(pk=self.instance.pk).first()
            context["saved"] = bool(saved)
            context["missing"] = saved.get_latest_revision_as_object().missing_consents() if saved else []
            return context
