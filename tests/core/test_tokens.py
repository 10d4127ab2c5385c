"""Signed links: each kind its own purpose and a lifetime someone decided."""

import datetime
import time
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.test import Client

# Every module that makes a kind of link, so that SignedLink.kinds holds them all.
import wagtail_heurecivique.notifications.links
import wagtail_heurecivique.services.intake
import wagtail_heurecivique.services.membership
import wagtail_heurecivique.services.registrations
import workflows.links  # noqa: F401
from tests import factories
from wagtail_heurecivique.core.tokens import SignedLink
from wagtail_heurecivique.notifications.links import unsubscribe_url

pytestmark = pytest.mark.django_db

DAYS = datetime.timedelta(days=1)


def test_every_kind_of_link_has_the_lifetime_decided_for_it():
    """A new kind of link, or a changed lifetime, is a decision this table records."""
    assert {salt: link.lifetime() for salt, link in SignedLink.kinds.items()} == {
        "heurecivique.signup-confirm": 7 * DAYS,  # SIGNUP_LINK_DAYS
        "heurecivique.registration-confirm": 3 * DAYS,  # REGISTRATION_LINK_DAYS
        "heurecivique.registration-cancel": 366 * DAYS,  # and only until the action starts
        "heurecivique.volunteer-space": datetime.timedelta(minutes=60),  # SPACE_LINK_MINUTES, and once
        "heurecivique.proposal-answer": 60 * DAYS,
        "heurecivique.unsubscribe": None,  # any e-mail kept must let one stop the next ones
    }


def test_a_salt_serves_one_kind_of_link():
    with pytest.raises(ValueError, match="already serves"):
        SignedLink("heurecivique.registration-confirm", {"r": int, "h": str}, max_age=DAYS)
    assert SignedLink.kinds["heurecivique.registration-confirm"] is wagtail_heurecivique.services.registrations.REGISTRATION_CONFIRM_LINK
    with pytest.raises(TypeError):
        SignedLink("heurecivique.test-no-lifetime", {"r": int})  # the lifetime has no default
    assert "heurecivique.test-no-lifetime" not in SignedLink.kinds


def test_an_unsubscribe_link_years_old_still_stops_the_e_mails(commune_a):
    volunteer = factories.volunteer(commune_a)
    assert volunteer.wants_reminders
    path = urlsplit(unsubscribe_url(volunteer, "reminders")).path
    with mock.patch("django.core.signing.time.time", return_value=time.time() + 5 * 366 * 24 * 3600):
        response = Client().post(path)
    assert response.status_code == 200
    volunteer.refresh_from_db()
    assert volunteer.wants_reminders is False
