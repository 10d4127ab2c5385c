"""Nothing of the workflows in the Django admin.

viewflow registers its processes and tasks in the site's Django admin, where they are not
scoped by commune; the référents work in the Wagtail admin. Importing viewflow's admin
module first makes the order of INSTALLED_APPS irrelevant.
"""

from django.contrib import admin
from viewflow.workflow import admin as viewflow_admin  # noqa: F401  (registers them)
from viewflow.workflow.models import Process, Task

for model in (Process, Task):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
