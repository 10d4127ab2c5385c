"""The plugin's middleware, for ``MIDDLEWARE`` (README, step 2)."""

from wagtail_heurecivique.admin.core_views import CommuneScopingMiddleware

__all__ = ["CommuneScopingMiddleware"]
