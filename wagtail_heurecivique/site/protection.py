"""Rate limits of the public forms, per IP address and per e-mail address (django-ratelimit).

django-ratelimit counts in the default cache (or ``RATELIMIT_USE_CACHE``): in production use
a shared cache with atomic increments (Redis, Memcached), or each server process counts on
its own (system check ``wagtail_heurecivique.W007``).

Behind a reverse proxy every request comes from the proxy's address: with
``TRUSTED_PROXY_HEADER`` set, the address counted is read from that header instead, as
``client_ip`` explains.
"""

import ipaddress

from django.conf import settings
from django_ratelimit.core import is_ratelimited

from wagtail_heurecivique.core.settings import get_setting


def _address(text):
    """``text`` as an IP address (``1.2.3.4``, ``1.2.3.4:5678``, ``[2001:db8::1]:443``), or ``None``."""
    text = text.strip()
    candidates = [text]
    if text.startswith("[") and "]" in text:  # [IPv6] or [IPv6]:port
        candidates.append(text[1:text.index("]")])
    elif text.count(":") == 1:  # IPv4:port
        candidates.append(text.split(":")[0])
    for candidate in candidates:
        try:
            return ipaddress.ip_address(candidate)
        except ValueError:
            continue
    return None


def client_ip(request):
    """The address of the person sending the request, as far as the site can trust it.

    Without ``TRUSTED_PROXY_HEADER``: ``REMOTE_ADDR``. With it, the header (such as
    ``HTTP_X_FORWARDED_FOR``) lists addresses, each proxy appending the one it received
    the request from. The last ``TRUSTED_PROXY_COUNT`` entries were written by the site's
    own proxies; the entry the outermost of them wrote is the client's. Anything to its
    left was sent by the client and may be forged, so it is never read. A header with fewer
    entries than proxies (a request that skipped the outer ones) gives its left-most entry,
    written by a trusted proxy; no header, or an entry that is not an address, gives
    ``REMOTE_ADDR``.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    header = get_setting("TRUSTED_PROXY_HEADER")
    if not header:
        return remote
    hops = [hop.strip() for hop in request.META.get(header, "").split(",")]
    if not any(hops):
        return remote
    count = get_setting("TRUSTED_PROXY_COUNT")
    address = _address(hops[max(0, len(hops) - count)])
    return str(address) if address is not None else remote


def _client_network(_group, request):
    """The rate-limit key: the client's address, IPv6 by /64 as django-ratelimit counts them."""
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:  # no address at all (a Unix socket without the proxy's header): one counter
        return client_ip(request) or "unknown"
    if address.version == 6:
        mask = getattr(settings, "RATELIMIT_IPV6_MASK", 64)
    else:
        mask = getattr(settings, "RATELIMIT_IPV4_MASK", 32)
    return str(ipaddress.ip_network(f"{address}/{mask}", strict=False).network_address)


def over_limit(request, group, email=""):
    """Count this submission; ``True`` when the IP or the e-mail has sent too many."""
    # Without a proxy header, django-ratelimit's own "ip" key (which follows its
    # RATELIMIT_IP_META_KEY setting, if the site has one).
    ip_key = _client_network if get_setting("TRUSTED_PROXY_HEADER") else "ip"
    by_ip = is_ratelimited(
        request, group=f"heurecivique:{group}:ip", key=ip_key, rate=get_setting("PUBLIC_FORM_RATE_PER_IP"),
        increment=True,
    )
    by_email = bool(email) and is_ratelimited(
        request, group=f"heurecivique:{group}:email", key=lambda _group, _request: email,
        rate=get_setting("PUBLIC_FORM_RATE_PER_EMAIL"), increment=True,
    )
    return by_ip or by_email
