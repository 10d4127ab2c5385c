"""The Wagtail admin's own Content-Security-Policy (production settings).

The site's policy (``SECURE_CSP`` on Django 6, django-csp's ``CONTENT_SECURITY_POLICY`` on
5.2) is strict: no inline script or style. The Wagtail admin cannot take it (inline date
chooser scripts, style attributes), so under the admin's URL this middleware sets the
``CSP_ADMIN`` policy of the settings first; both CSP middlewares leave a policy already set
alone. Put it after the CSP middleware in ``MIDDLEWARE``.
"""

from django.conf import settings
from django.urls import reverse

HEADER = "Content-Security-Policy"


def render(policy):
    """``{"default-src": ["'self'"], …}`` as a header value."""
    return "; ".join(" ".join([directive, *values]) for directive, values in policy.items())


class AdminContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.header = render(settings.CSP_ADMIN)

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(reverse("wagtailadmin_home")) and HEADER not in response:
            response[HEADER] = self.header
        return response
