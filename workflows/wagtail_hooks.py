"""The need workflow in the Wagtail admin: URLs, the “My tasks” menu item, the dashboard panel."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from laces.components import Component
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .flows import NeedFlow
from .queries import counts, processes_for, timeline
from .urls import admin_urlpatterns


@hooks.register("register_admin_urls")
def register_workflow_urls():
    return admin_urlpatterns


class InboxMenuItem(MenuItem):
    def is_shown(self, request):
        return NeedFlow.instance.has_view_permission(request.user)


@hooks.register("register_admin_menu_item")
def register_inbox_menu_item():
    return InboxMenuItem(_("My tasks"), reverse("heurecivique_inbox"), name="heurecivique-tasks", icon_name="tasks",
                         order=290)


class TasksPanel(Component):
    name = "heurecivique_tasks"
    order = 90

    def __init__(self, user):
        self.user = user

    def render_html(self, parent_context=None):
        return render_to_string("heurecivique_workflows/panel.html", {"counts": counts(self.user)})


@hooks.register("construct_homepage_panels")
def add_tasks_panel(request, panels):
    if NeedFlow.instance.has_view_permission(request.user):
        panels.append(TasksPanel(request.user))


class TimelineSection(Component):
    """The handling of a need, on its inspect page in the back office."""

    def __init__(self, process, user):
        self.process = process
        self.user = user

    def render_html(self, parent_context=None):
        return render_to_string(
            "heurecivique_workflows/includes/inspect_section.html",
            {
                "process": self.process,
                "events": timeline(self.process, self.user),
                "process_url": reverse("heurecivique_need_process", args=[self.process.need_id]),
            },
        )


@hooks.register("heurecivique_need_inspect_sections")
def need_timeline(request, need):
    process = processes_for(request.user).filter(need=need).first()
    return TimelineSection(process, request.user) if process else None
