"""Signed links: the one helper behind every link the programme e-mails (no login behind them).

Each kind of link has its purpose (the signing salt: a token made for one kind is
refused by every other), its lifetime, and its shape — the names and types of what it
carries — so that a token this site signed with any other payload is refused as a forged
one would be, and never reaches a database lookup (a list or a 30-digit number there
was a 500).

Every kind states its lifetime (``max_age`` has no default), and a salt serves one kind
only: two kinds sharing one would read each other's tokens (``SignedLink.kinds`` lists
them all, by salt).

A signed value is signed, not hidden: anyone who sees the link (a proxy's log, a shared
screen) can decode it. Links carry ids and fingerprints (``fingerprint``), never an e-mail address.
"""

import datetime
from collections.abc import Callable

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from wagtail_heurecivique.core.validators import is_pk


def fingerprint(salt: str, *values) -> str:
    """A short keyed digest of ``values``: ties a link to them without showing them.

    A link carrying the fingerprint of an address and of the round it was made for is
    refused once either changes (the address was corrected, the person registered again).
    """
    return salted_hmac(salt, "\x1f".join(str(v) for v in values), algorithm="sha256").hexdigest()[:24]


def same_fingerprint(given: str, salt: str, *values) -> bool:
    return constant_time_compare(given, fingerprint(salt, *values))


def _holds(kind, value):
    if kind is int:  # an id: a positive integer a column can hold (and not a boolean)
        return type(value) is int and is_pk(value)
    return isinstance(value, kind)


class SignedLink:
    """The tokens of one kind of link: ``make(**values)`` and ``read(token)``.

    ``shape`` maps each value's name to its type (``int`` for ids, ``str``); ``max_age``
    is a ``timedelta``, a callable returning one (read when a token is read, so that a
    setting can hold it), or ``None`` for a link that never expires — said explicitly.
    """

    #: Every kind of link made so far, by salt.
    kinds: dict[str, "SignedLink"] = {}

    def __init__(self, salt: str, shape: dict[str, type], *,
                 max_age: datetime.timedelta | Callable[[], datetime.timedelta] | None):
        if salt in SignedLink.kinds:
            raise ValueError(f"the salt {salt!r} already serves another kind of link")
        SignedLink.kinds[salt] = self
        self.salt = salt
        self.shape = shape
        self.max_age = max_age

    def make(self, **values) -> str:
        assert set(values) == set(self.shape), f"a {self.salt} token carries {sorted(self.shape)}"
        return signing.dumps(values, salt=self.salt)

    def lifetime(self) -> datetime.timedelta | None:
        """How long a token of this kind is read, now (``None``: always)."""
        return self.max_age() if callable(self.max_age) else self.max_age

    def read(self, token: str) -> dict | None:
        """What the token carries, or ``None`` when it is forged, expired, of another kind or shape."""
        try:
            data = signing.loads(token, salt=self.salt, max_age=self.lifetime())
        except signing.BadSignature:  # SignatureExpired included
            return None
        if not isinstance(data, dict) or set(data) != set(self.shape):
            return None
        if not all(_holds(kind, data[name]) for name, kind in self.shape.items()):
            return None
        return data
