"""The one place the plugin is wired into the Wagtail admin."""

from wagtail_modeladmin.options import modeladmin_register

from .modeladmin import HeureCiviqueAdminGroup

modeladmin_register(HeureCiviqueAdminGroup)
