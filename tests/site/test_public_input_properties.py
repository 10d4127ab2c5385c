"""Property-based tests of the public doors: whatever is typed or forged, a 4xx or a success, never a 500.

Each example runs in a savepoint rolled back afterwards, so examples do not see each
other's rows. The number of examples is the Hypothesis profile's (``conftest.py``):
bounded in the normal suite, larger with ``HYPOTHESIS_PROFILE=fuzz``.
"""

import string

import pytest
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from tests import factories
from tests.builders import SIGNUP, make_actions
from wagtail_heurecivique.core.enums import ActionKind, RegistrationStatus
from wagtail_heurecivique.core.fields import action_kind_bit
from wagtail_heurecivique.matching.criteria import LIKES_KIND
from wagtail_heurecivique.matching.engine import suggest
from wagtail_heurecivique.models import Beneficiary, Category, Consent, Need, Registration, Volunteer
from wagtail_heurecivique.notifications.links import UNSUBSCRIBE_LINK
from wagtail_heurecivique.services.intake import CONFIRM_LINK, confirm_token
from wagtail_heurecivique.services.membership import SPACE_LINK
from wagtail_heurecivique.services.registrations import REGISTRATION_CANCEL_LINK, REGISTRATION_CONFIRM_LINK
from workflows.links import ANSWER_LINK

pytestmark = pytest.mark.django_db

CLIENT_ERRORS = range(400, 500)


class Rollback(Exception):
    pass


def in_savepoint(check):
    """Run ``check()`` in a savepoint that is always rolled back, with a fresh cache (rate limits)."""
    cache.clear()
    try:
        with transaction.atomic():
            check()
            raise Rollback
    except Rollback:
        pass


def counts():
    return (Need.objects.count(), Beneficiary.objects.count(), Consent.objects.count(),
            Volunteer.objects.count(), Registration.objects.count())


# What people type: text of any kind, addresses that are valid but long, ids too large for a column.
texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=400)
long_addresses = st.builds(
    lambda local, domain: f"{local}@{domain}.fr",
    st.text(string.ascii_lowercase, min_size=1, max_size=64),
    st.lists(st.text(string.ascii_lowercase, min_size=1, max_size=63), min_size=1, max_size=5).map(".".join),
)
ids = st.one_of(st.integers(min_value=-(10**30), max_value=10**30).map(str), texts)


@pytest.fixture
def report_page(site_pages):
    return site_pages["report"]


@given(
    email=st.one_of(long_addresses, texts), name=texts, postcode=st.one_of(st.just("92270"), texts),
    category=ids, phone=texts, description=texts, for_self=st.sampled_from(["0", "1", "2", ""]),
)
def test_a_need_report_is_never_a_500_and_a_refusal_writes_nothing(
    report_page, email, name, postcode, category, phone, description, for_self
):
    data = {
        "reporter_kind": "resident", "reporter_name": name or "Paul", "reporter_email": email, "for_self": for_self,
        "beneficiary_first_name": "Jeanne", "beneficiary_phone": phone, "postcode": postcode,
        "category": category, "description": description or "Courses", "agreement": "on",
    }

    def check():
        before = counts()
        response = Client().post(report_page.url, data)
        assert response.status_code == 200 or response.status_code in CLIENT_ERRORS, response.status_code
        if response.status_code != 200:
            assert counts() == before
        else:
            assert Need.objects.filter(referrer_email=email.strip().lower()).exists()

    in_savepoint(check)


@given(email=long_addresses, skills=st.lists(ids, max_size=3), radius=ids)
def test_a_signup_is_never_a_500(site_pages, email, skills, radius):
    data = {**SIGNUP, "email": email, "skills": skills, "radius_km": radius}

    def check():
        before = counts()
        response = Client().post(site_pages["signup"].url, data)
        assert response.status_code == 200 or response.status_code in CLIENT_ERRORS, response.status_code
        if response.status_code != 200:
            assert counts() == before

    in_savepoint(check)


@pytest.fixture
def action(commune_a):
    _index, [action] = make_actions(commune_a)
    return action


@given(first_name=texts, email=st.one_of(long_addresses, texts))
def test_a_registration_is_never_a_500(action, first_name, email):
    def check():
        before = counts()
        response = Client().post(action.url, {"first_name": first_name, "email": email})
        assert response.status_code == 200 or response.status_code in CLIENT_ERRORS, response.status_code
        if response.status_code != 200:
            assert counts() == before

    in_savepoint(check)


# Signed links: any payload this site could have signed, for every kind of link.
payloads = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30) | texts,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from("pverotx"), children, max_size=3),
    max_leaves=6,
)
LINKS = [CONFIRM_LINK, REGISTRATION_CONFIRM_LINK, REGISTRATION_CANCEL_LINK, SPACE_LINK, UNSUBSCRIBE_LINK, ANSWER_LINK]


@given(link=st.sampled_from(LINKS), payload=payloads)
def test_a_signed_payload_of_another_shape_is_refused(link, payload):
    data = link.read(signing.dumps(payload, salt=link.salt))
    if data is not None:  # only a payload of the link's own shape is read
        assert set(data) == set(link.shape)
        assert all(type(data[name]) is kind for name, kind in link.shape.items())


@given(payload=payloads)
def test_signed_links_of_any_shape_are_never_a_500(site_pages, action, payload):
    pages = {
        CONFIRM_LINK: site_pages["signup"].url + "confirmer/?jeton={}",
        REGISTRATION_CONFIRM_LINK: action.url + "inscription/confirmer/?jeton={}",
        REGISTRATION_CANCEL_LINK: action.url + "inscription/annuler/?jeton={}",
        UNSUBSCRIBE_LINK: "/heurecivique/desabonnement/{}/",
        ANSWER_LINK: "/heurecivique/proposition/{}/",
    }

    def check():
        for link, url in pages.items():
            for method in ("get", "post"):
                response = getattr(Client(), method)(url.format(signing.dumps(payload, salt=link.salt)))
                assert response.status_code < 500, (url, method, response.status_code)

    in_savepoint(check)


def test_a_token_of_one_kind_is_refused_by_the_others(commune_a):
    volunteer = factories.volunteer(commune_a)
    token = confirm_token(volunteer)
    assert CONFIRM_LINK.read(token)["v"] == volunteer.pk
    assert all(link.read(token) is None for link in LINKS if link is not CONFIRM_LINK)


def test_a_need_in_a_category_without_a_usual_kind_is_one_person_helping_another(client, report_page):
    category = Category.objects.get()
    Category.objects.filter(pk=category.pk).update(action_kind="")
    response = client.post(report_page.url, {
        "reporter_kind": "resident", "reporter_name": "Paul", "reporter_email": "paul@example.org", "for_self": "1",
        "beneficiary_first_name": "Paul", "beneficiary_phone": "01 47 00 00 00", "postcode": "92270",
        "category": category.pk, "description": "Courses", "agreement": "on",
    })
    assert response.status_code == 200
    assert Need.objects.get().kind == ActionKind.INTERPERSONAL


def test_a_friendly_get_together_is_matched_and_explained(commune_a):
    need = factories.need(commune_a, kind=ActionKind.CONVIVIAL)
    volunteer = factories.volunteer(commune_a, action_kinds=1 << action_kind_bit(ActionKind.CONVIVIAL))
    [suggestion] = [s for s in suggest(need, limit=None) if s.volunteer == volunteer]
    assert LIKES_KIND[ActionKind.CONVIVIAL]() in suggestion.explanation


def test_two_signups_of_one_address_at_once_are_one_signup(site_pages, commit):
    """A double click: the other click's row is written after this signup looked for one, before it saves."""
    from unittest import mock

    from wagtail_heurecivique.site.forms import VolunteerSignupForm

    page = site_pages["signup"]
    save = VolunteerSignupForm.save
    competing = []

    def the_other_click_first(form, commit=True):
        competing.append(Volunteer.objects.create(
            commune=page.commune, first_name="Inès", last_name="Roux", email=form.cleaned_data["email"],
            postcode="92270", status="pending",
        ))
        return save(form, commit=commit)

    with mock.patch.object(VolunteerSignupForm, "save", the_other_click_first):
        response = commit(Client().post, page.url, SIGNUP)
    assert response.status_code == 200 and "Vérifiez votre boîte" in response.content.decode()
    assert list(Volunteer.objects.all()) == competing


def test_the_registration_statuses_are_untouched_by_refused_links(action):
    registration = Registration.objects.create(action=action, commune=action.commune, first_name="Inès",
                                               email="ines@example.org")
    forged = signing.dumps({"r": str(registration.pk), "h": "0" * 24}, salt=REGISTRATION_CANCEL_LINK.salt)
    response = Client().post(action.url + f"inscription/annuler/?jeton={forged}")
    assert response.status_code == 400
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING
