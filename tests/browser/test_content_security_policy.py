"""The public pages under the production Content-Security-Policy, in Chromium: nothing blocked, scripts work.

The live server's middleware is loaded when it starts, so the production policy is put on
each page the browser loads by Playwright (the headers themselves are tested through the
test client in tests/installation/test_production.py).
"""

import importlib
import os
import sys
from unittest import mock

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from example_site.home.demo import DemoBuilder
from example_site.middleware import render
from tests import factories

MODULE = "example_site.settings.production"


def production_policy():
    env = {"SECRET_KEY": "x" * 50, "DATABASE_URL": "sqlite:///unused", "ALLOWED_HOSTS": "localhost"}
    with mock.patch.dict(os.environ, env):
        sys.modules.pop(MODULE, None)
        try:
            return render(importlib.import_module(MODULE).CSP_PUBLIC)
        finally:
            sys.modules.pop(MODULE, None)


@pytest.fixture
def strict(page, live_server):
    """Every page of the live server served with the public pages' policy; the violations Chromium reports."""
    header = production_policy()
    assert "'unsafe-inline'" not in header

    def serve(route):
        if route.request.resource_type != "document":
            return route.continue_()
        response = route.fetch(max_redirects=0)
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": header})

    page.route(f"{live_server.url}/**", serve)
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    page.set_default_timeout(10_000)
    return violations


@pytest.mark.django_db(transaction=True)
def test_signup_errors_are_focused_by_the_static_script_under_the_strict_policy(page_tree, live_server, page, strict):
    from wagtail_heurecivique.models import Skill

    home = DemoBuilder().build_site()
    commune = factories.commune()
    factories.category("Courses")
    Skill.objects.create(name="Bricolage", slug="bricolage")
    DemoBuilder()._commune_pages(home, commune)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Bois-Colombes").click()
    page.get_by_role("link", name="Je deviens volontaire").click()
    page.get_by_label("Adresse e-mail").fill("ines.roux@example")
    page.get_by_role("button", name="Je m’inscris").click()
    # The summary gets the focus from wagtail_heurecivique/js/form-errors.js, which the
    # policy lets run (an inline script would be refused, and the focus would stay put).
    expect(page.get_by_role("alert")).to_be_focused()
    page.goto(live_server.url + "/bois-colombes/je-signale-un-besoin/")
    page.get_by_role("button", name="Signaler le besoin").click()
    expect(page.get_by_role("alert")).to_be_focused()
    assert strict == []


@pytest.mark.django_db(transaction=True)
def test_the_printable_report_prints_from_its_static_script_under_the_strict_policy(live_server, page, strict, login):
    commune = factories.commune()
    factories.referent(commune, "claire")
    page.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; };")
    login("claire")
    # The admin itself is not held to this policy (production gives it CSP_ADMIN): only the
    # report's own page counts here.
    strict.clear()
    page.goto(f"{live_server.url}{reverse('heurecivique_evaluation_print')}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rapport d’évaluation")
    page.get_by_role("button", name="Imprimer").click()
    assert page.evaluate("window.printed") == 1  # wagtail_heurecivique/js/print.js, no onclick attribute
    assert [text for text in strict if "script-src" in text] == []
    # What is left is the charts' own styling: pygal writes a style element into each SVG
    # (an admin page: CSP_ADMIN allows inline styles).
    assert all("style-src" in text for text in strict)
