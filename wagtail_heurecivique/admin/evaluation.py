"""The "Évaluation" report and dashboard panel of the Wagtail admin.

Thin admin views over ``indicators.compute``: the report filters by period, département,
commune and kind of action, and exports CSV / XLSX through Wagtail's own spreadsheet export.
"""

import django_filters
from django import forms
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import PermissionCheckedMixin
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets import AdminDateInput, Button
from wagtail.permission_policies import ModelPermissionPolicy

from wagtail_heurecivique.admin.charts import charts_from
from wagtail_heurecivique.admin.spreadsheets import FormulaSafeExportMixin
from wagtail_heurecivique.core.enums import (
    ActionKind,
    NeedStatus,
    ProposalStatus,
    RegistrationStatus,
    VolunteerStatus,
)
from wagtail_heurecivique.core.models.needs import HoursRecord, Need, Proposal
from wagtail_heurecivique.core.models.people import Volunteer
from wagtail_heurecivique.core.scoping import communes_for_user
from wagtail_heurecivique.reporting.indicators import compute, default_period, held_actions, period_bounds

EVALUATION_PERMISSION = "wagtail_heurecivique.view_need"
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_PERIOD_DAYS = 3660


class EvaluationFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        for name in ("start", "end"):
            day = cleaned.get(name)
            if day and not MIN_YEAR <= day.year <= MAX_YEAR:
                self.add_error(name, _("Choose a date between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR})
                return cleaned
        if start and end and end < start:
            self.add_error("end", _("The end of the period cannot be before its start."))
        elif start and end and (end - start).days > MAX_PERIOD_DAYS:
            self.add_error("end", _("Choose a period of ten years at most."))
        return cleaned


class EvaluationFilterSet(WagtailFilterSet):
    start = django_filters.DateFilter(label=pgettext_lazy("period", "From"), method="keep", widget=AdminDateInput)
    end = django_filters.DateFilter(label=pgettext_lazy("period", "To"), method="keep", widget=AdminDateInput)
    departement = django_filters.ChoiceFilter(
        label=_("Département"),
        choices=lambda: [],  # set per reader in __init__: the départements of their communes
        method="keep",
        empty_label=_("All my départements"),
    )
    commune = django_filters.ModelChoiceFilter(
        label=_("Commune"),
        queryset=lambda request: communes_for_user(request.user),
        method="keep",
        empty_label=_("All my communes"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of action"), choices=ActionKind.choices, method="keep", empty_label=_("All kinds")
    )

    class Meta:
        model = Need
        fields = []
        form = EvaluationFilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = communes_for_user(self.request.user).order_by("departement").values_list("departement", flat=True)
        self.filters["departement"].extra["choices"] = [(code, code) for code in dict.fromkeys(codes)]

    def keep(self, queryset, name, value):
        # The filters choose what ``compute`` reads; they do not filter a listing.
        return queryset


class EvaluationScopeMixin:
    """Period, communes and kind of action chosen through ``EvaluationFilterSet``."""

    @cached_property
    def scope_filters(self):
        return EvaluationFilterSet(self.request.GET, Need.objects.none(), request=self.request)

    @property
    def period(self):
        start, end = default_period()
        if self.scope_filters.is_valid():
            data = self.scope_filters.form.cleaned_data
            start, end = data.get("start") or start, data.get("end") or end
        return start, end

    @cached_property
    def scope(self):
        """``(communes, kind)`` as the reader may see them; ``None`` if the filters are invalid."""
        if not self.scope_filters.is_valid():
            return None
        data = self.scope_filters.form.cleaned_data
        communes = communes_for_user(self.request.user)
        if data.get("departement"):
            communes = communes.filter(departement=data["departement"])
        if data.get("commune"):
            communes = communes.filter(pk=data["commune"].pk)
        return communes, data.get("kind") or None

    def indicators(self):
        if self.scope is None:
            return []
        communes, kind = self.scope
        start, end = self.period
        return compute(communes, start, end, kind=kind)


class EvaluationReportView(EvaluationScopeMixin, FormulaSafeExportMixin, ReportView):
    page_title = _("Evaluation")
    header_icon = "doc-full"
    filterset_class = EvaluationFilterSet
    index_url_name = "heurecivique_evaluation"
    index_results_url_name = "heurecivique_evaluation_results"
    paginate_by = None
    columns = [
        Column("label", label=_("Indicator")),
        Column("display", label=_("Value")),
    ]
    list_export = ["label", "value", "unit"]
    export_headings = {"label": _("Indicator"), "value": _("Value"), "unit": _("Unit")}
    # Whoever may read needs may read the figures of their communes.
    permission_policy = ModelPermissionPolicy(Need)
    permission_required = "view"

    def get_queryset(self):
        return Need.objects.for_user(self.request.user)

    def get_filename(self):
        start, end = self.period
        return f"evaluation-heure-civique-{start:%Y-%m-%d}-{end:%Y-%m-%d}"

    @cached_property
    def scope_filters(self):
        return self.filters  # the listing's own filter form, errors shown in its panel

    def get_filtered_queryset(self):
        return self.indicators()

    results_template_name = "wagtail_heurecivique/admin/evaluation_results.html"

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        # Drawn from the indicators already computed: no query of their own.
        context["charts"] = charts_from(context["object_list"]) if context.get("object_list") else []
        return context

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons.copy()
        query = self.request.GET.copy()
        query.pop("export", None)
        buttons.append(
            Button(
                _("Printable report with charts"),
                url=f"{reverse('heurecivique_evaluation_print')}?{query.urlencode()}",
                icon_name="doc-full",
                priority=80,
            )
        )
        return buttons


class EvaluationPrintView(EvaluationScopeMixin, PermissionCheckedMixin, TemplateView):
    """The evaluation for the municipal council or the département, ready to print."""

    template_name = "wagtail_heurecivique/evaluation_report.html"
    permission_policy = ModelPermissionPolicy(Need)
    permission_required = "view"

    def get_context_data(self, **kwargs):
        indicators = self.indicators()
        start, end = self.period
        communes = self.scope[0] if self.scope else communes_for_user(self.request.user).none()
        return super().get_context_data(
            indicators=indicators,
            charts=charts_from(indicators),
            communes=list(communes.values_list("name", flat=True)),
            kind=ActionKind(self.scope[1]).label if self.scope and self.scope[1] else "",
            start=start,
            end=end,
            errors=self.scope_filters.errors if self.scope is None else None,
            generated_at=timezone.localtime(),
            **kwargs,
        )


class EvaluationPanel(Component):
    """Dashboard panel: this month's pulse of the reader's communes."""

    name = "heurecivique_evaluation"
    order = 150
    template_name = "wagtail_heurecivique/admin/evaluation_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        today = timezone.localdate()
        month_start = today.replace(day=1)
        communes = communes_for_user(self.user).values("pk")
        volunteers = Volunteer.objects.filter(commune__in=communes, status=VolunteerStatus.ACTIVE).count()
        minutes = (
            HoursRecord.objects.filter(volunteer__commune__in=communes, date__gte=month_start).aggregate(
                total=Sum("minutes")
            )["total"]
            or 0
        )
        open_needs = Need.objects.filter(
            commune__in=communes, status__in=(NeedStatus.NEW, NeedStatus.TO_MATCH, NeedStatus.AWAITING_ANSWERS)
        ).count()
        waiting = Proposal.objects.filter(need__commune__in=communes, status=ProposalStatus.PROPOSED).count()
        actions = held_actions(communes, *period_bounds(month_start, today)).aggregate(
            held=Count("pk", distinct=True),
            places=Count("registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)),
        )
        return {
            "figures": [
                (_("active volunteers"), volunteers),
                (_("hours given this month"), round(minutes / 60, 1)),
                (_("needs waiting for a volunteer"), open_needs),
                (_("proposals awaiting an answer"), waiting),
                (_("actions held this month"), actions["held"]),
                (_("participants in these actions"), actions["places"]),
            ],
        }
