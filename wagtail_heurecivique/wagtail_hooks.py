"""The one place the plugin is wired into the Wagtail admin."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail_modeladmin.options import modeladmin_register

from .evaluation import EVALUATION_PERMISSION, EvaluationPanel, EvaluationPrintView, EvaluationReportView
from .modeladmin import HeureCiviqueAdminGroup

modeladmin_register(HeureCiviqueAdminGroup)


@hooks.register("register_admin_urls")
def register_evaluation_urls():
    return [
        path("heurecivique/evaluation/", EvaluationReportView.as_view(), name="heurecivique_evaluation"),
        path(
            "heurecivique/evaluation/results/",
            EvaluationReportView.as_view(results_only=True),
            name="heurecivique_evaluation_results",
        ),
        path("heurecivique/evaluation/print/", EvaluationPrintView.as_view(), name="heurecivique_evaluation_print"),
    ]


class EvaluationMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(EVALUATION_PERMISSION)


@hooks.register("register_reports_menu_item")
def register_evaluation_menu_item():
    return EvaluationMenuItem(
        _("Heure Civique evaluation"), reverse("heurecivique_evaluation"), name="heurecivique-evaluation", icon_name="doc-full", order=100
    )


@hooks.register("construct_homepage_panels")
def add_evaluation_panel(request, panels):
    if request.user.has_perm(EVALUATION_PERMISSION):
        panels.append(EvaluationPanel(request.user))
