"""Commands of the workflows app.

viewflow creates the permissions of flow nodes (``.Permission(auto_create=True)``) in a
``post_migrate`` handler that Django connects only for its frontend app "viewflow", which
the plugin does not install: importing it here connects it for ``migrate``.
"""

import viewflow.management  # noqa: F401
