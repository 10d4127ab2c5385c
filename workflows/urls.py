"""Admin URLs of the need workflow, registered by ``wagtail_hooks`` under /admin/."""

from django.http import Http404
from django.urls import path

from . import views
from .queries import step_node


def task(request, process_pk, step, task_pk):
    """A référent's step: the view the flow's node names for it."""
    node = step_node(step)
    if node is None:
        raise Http404
    return node.view(request, node=node, process_pk=process_pk, task_pk=task_pk)


admin_urlpatterns = [
    path("heurecivique/taches/", views.InboxView.as_view(), name="heurecivique_inbox"),
    path("heurecivique/taches/<int:process_pk>/<slug:step>/<int:task_pk>/", task, name="heurecivique_task"),
    path("heurecivique/taches/<int:task_pk>/prendre/", views.TaskActionView.as_view(action="claim"),
         name="heurecivique_task_claim"),
    path("heurecivique/taches/<int:task_pk>/rendre/", views.TaskActionView.as_view(action="release"),
         name="heurecivique_task_release"),
    path("heurecivique/besoins/<int:need_pk>/suivi/", views.NeedProcessView.as_view(), name="heurecivique_need_process"),
    path("heurecivique/besoins/<int:need_pk>/annuler/", views.CancelProcessView.as_view(), name="heurecivique_need_cancel"),
]

#: Public: the volunteer's answer link (included by ``wagtail_heurecivique.urls``).
public_urlpatterns = [
    path("proposition/<str:token>/", views.ProposalAnswerView.as_view(), name="proposal_answer"),
]
