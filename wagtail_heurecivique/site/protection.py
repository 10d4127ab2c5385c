"""Rate limits of the public forms, per IP address and per e-mail address (django-ratelimit).

django-ratelimit counts in the default cache: in production use a shared cache with
atomic increments (Redis, Memcached), or each server process counts on its own.
"""

from django_ratelimit.core import is_ratelimited

from wagtail_heurecivique.core.settings import get_setting


def over_limit(request, group, email=""):
    """Count this submission; ``True`` when the IP or the e-mail has sent too many."""
    by_ip = is_ratelimited(
        request, group=f"heurecivique:{group}:ip", key="ip", rate=get_setting("PUBLIC_FORM_RATE_PER_IP"),
        increment=True,
    )
    by_email = bool(email) and is_ratelimited(
        request, group=f"heurecivique:{group}:email", key=lambda _group, _request: email,
        rate=get_setting("PUBLIC_FORM_RATE_PER_EMAIL"), increment=True,
    )
    return by_ip or by_email
