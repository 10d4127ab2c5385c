"""Provisioning one commune from the back office: the form of a row of ``heurecivique_provision``.

The view is wired by the communes' model admin (``modeladmin``); it goes through the same
``provisioning.provision_row`` as the command, so that both create and update the same
things, all or nothing, with a dry run that says what would change.
"""

from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import AdminPageChooser
from wagtail.models import Page, Site

from wagtail_heurecivique.core.models.communes import Commune
from wagtail_heurecivique.core.scoping import sees_all_communes
from wagtail_heurecivique.site.homes import CommuneHomePage
from wagtail_heurecivique.tenancy.provisioning import OPTIONAL, REQUIRED, ROLES, default_parent, provision_row

LABEL = _("Provision a commune")

#: What provisioning writes: communes, their staff's memberships (and accounts, pages, a site).
PERMISSIONS = (
    "wagtail_heurecivique.add_commune",
    "wagtail_heurecivique.change_commune",
    "wagtail_heurecivique.add_communemembership",
)


def may_provision(user):
    """Département coordinators and superusers: a commune's own staff provision nothing."""
    return sees_all_communes(user) and user.has_perms(PERMISSIONS)


ADDRESSES_HELP = _(
    "Separated by commas, semicolons or spaces. An address without an account gets one, without a "
    "password: its holder chooses one with the login page's forgotten password link. People are "
    "added, never removed."
)


class ProvisionCommuneForm(forms.Form):
    """One row of the provisioning file; the commune's fields are the model's own."""

    insee_code = Commune._meta.get_field("insee_code").formfield(
        help_text=_("A commune of this INSEE code is updated; otherwise it is created.")
    )
    name = Commune._meta.get_field("name").formfield()
    postcodes = Commune._meta.get_field("postcodes").formfield()
    departement = Commune._meta.get_field("departement").formfield()
    hostname = forms.CharField(
        label=_("Host name"),
        required=False,
        max_length=255,
        help_text=_(
            "Optional: the commune's own address, for example heurecivique.vernon.fr. Its home is then the "
            "root of a site of its own; empty, the home goes under the parent page."
        ),
    )
    referents = forms.CharField(
        label=_("Référents' e-mail addresses"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=ADDRESSES_HELP,
    )
    editors = forms.CharField(
        label=_("Editors' e-mail addresses"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=ADDRESSES_HELP,
    )
    parent_page = forms.ModelChoiceField(
        queryset=Page.objects.all(),
        required=False,
        widget=AdminPageChooser(),
        label=_("Parent page"),
        help_text=_(
            "Where the commune's home goes when it has no host name: by default, the home page of the "
            "default site. A commune that has its home already keeps it where it is."
        ),
    )

    def row(self):
        """The form as a row of the provisioning file."""
        return {column: (self.cleaned_data.get(column) or "").strip() for column in REQUIRED + OPTIONAL}

    def add_row_errors(self, field_errors):
        """Provisioning's errors, each next to its field (the others above the form)."""
        for column, messages_ in field_errors.items():
            self.add_error(column if column in self.fields else None, list(messages_))


def _initial_for(commune):
    """The form as provisioning this commune again would change nothing."""
    home = CommuneHomePage.objects.filter(commune=commune).order_by("pk").first()
    initial = {field: getattr(commune, field) for field in REQUIRED}
    for column, role in ROLES.items():
        emails = commune.memberships.filter(role=role).exclude(user__email="").order_by("user__email")
        initial[column] = ", ".join(emails.values_list("user__email", flat=True))
    if home is not None:
        initial["parent_page"] = home.get_parent()
        site = Site.objects.filter(root_page=home).order_by("pk").first()
        if site is not None:
            initial["hostname"] = site.hostname if site.port == 443 else f"{site.hostname}:{site.port}"
    return initial


class ProvisionCommuneView(WagtailAdminTemplateMixin, FormView):
    """Provision a commune (GET: the form, prefilled for a commune's own button; POST: do or check)."""

    template_name = "wagtail_heurecivique/admin/provision_commune.html"
    form_class = ProvisionCommuneForm
    page_title = LABEL
    header_icon = "home"
    #: The communes' ``AdminURLHelper``, given by their model admin.
    url_helper = None

    def dispatch(self, request, instance_pk=None):
        self.commune = None
        if not may_provision(request.user):
            # A 403 in the admin's frame: Wagtail would turn ``PermissionDenied`` into a
            # redirect to the dashboard, which reads as if the page did not exist.
            context = self.get_context_data(cancel_url=self.url_helper.index_url)
            return TemplateResponse(request, "wagtail_heurecivique/admin/provision_refused.html", context, status=403)
        if instance_pk is not None:
            if not str(instance_pk).isdigit():
                raise Http404
            self.commune = get_object_or_404(Commune.objects.for_user(request.user), pk=instance_pk)
        return super().dispatch(request)

    def get_breadcrumbs_items(self):
        items = [{"url": self.url_helper.index_url, "label": capfirst(Commune._meta.verbose_name_plural)}]
        if self.commune is not None:
            inspect_url = self.url_helper.get_action_url("inspect", self.commune.pk)
            items.append({"url": inspect_url, "label": str(self.commune)})
        return self.breadcrumbs_items + items + [{"url": "", "label": self.get_page_title()}]

    def get_page_subtitle(self):
        return str(self.commune) if self.commune is not None else ""

    def get_initial(self):
        initial = _initial_for(self.commune) if self.commune is not None else {}
        initial.setdefault("parent_page", default_parent())
        return initial

    def get_context_data(self, **kwargs):
        kwargs.setdefault("cancel_url", self._back_url(self.commune))
        context = super().get_context_data(**kwargs)
        context["media"] = context["form"].media
        return context

    def _back_url(self, commune):
        if commune is None:
            return self.url_helper.index_url
        return self.url_helper.get_action_url("inspect", commune.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        dry_run = "dry_run" in self.request.POST
        result = provision_row(
            form.row(),
            parent=form.cleaned_data.get("parent_page") or default_parent(),
            user=self.request.user,
            dry_run=dry_run,
            reason=gettext("Provisioned in the back office"),
        )
        if result.field_errors:
            form.add_row_errors(result.field_errors)
            return self.form_invalid(form)
        if dry_run:
            return self.render_to_response(self.get_context_data(form=form, checked=result))
        commune = Commune.objects.get(insee_code=result.insee_code)
        if result.changes:
            message = gettext("%(commune)s provisioned: %(changes)s.")
            messages.success(self.request, message % {"commune": commune, "changes": ", ".join(result.changes)})
        else:
            message = gettext("%(commune)s is already provisioned as described: nothing changed.")
            messages.info(self.request, message % {"commune": commune})
        return redirect(self._back_url(commune))
