"""A commune's public version: what the cached parts of its public pages are keyed by.

Its public figures (``reporting.public``) and its home's lists (``site.homes``) are cached
under keys that hold this version; ``bump(commune_id)`` gives the commune a new one, and its
next view reads the database again. ``reporting.receivers`` bumps it when the commune's data
or pages change; entries also expire after ``PUBLIC_FIGURES_CACHE_SECONDS``, for the writes that
send no signal. A version lost from the cache reads as "0": what was cached under "0" is then at
most that TTL old.
"""

import uuid

from django.core.cache import cache

VERSION_KEY = "heurecivique:public:version:{pk}"


def versions(commune_ids):
    """``{commune pk: its version}``, in one cache read."""
    found = cache.get_many([VERSION_KEY.format(pk=pk) for pk in commune_ids])
    return {pk: found.get(VERSION_KEY.format(pk=pk), "0") for pk in commune_ids}


def bump(commune_id):
    """The commune's public data changed: what is cached of it is no longer read."""
    if commune_id is not None:
        cache.set(VERSION_KEY.format(pk=commune_id), uuid.uuid4().hex, None)
