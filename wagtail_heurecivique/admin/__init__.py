"""The back office in the Wagtail admin (wagtail-modeladmin stays inside this package).

This package imports nothing when imported, so that ``django.contrib.admin``'s
autodiscovery, if the host site uses it, finds nothing to register here.
"""
