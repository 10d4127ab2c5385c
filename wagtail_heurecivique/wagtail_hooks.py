"""Wagtail finds an app's hooks in ``<app>.wagtail_hooks``; the plugin's live in ``admin.hooks``."""

from wagtail_heurecivique.admin import hooks  # noqa: F401
