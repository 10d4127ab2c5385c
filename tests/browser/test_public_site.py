"""The example site's public home page, in French and accessible (axe-core)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from example_site.home.demo import DemoBuilder

from .. import factories


@pytest.mark.django_db(transaction=True)
def test_home_page_is_french_and_accessible(page_tree, live_server, page):
    DemoBuilder().build_site()
    commune = factories.commune()
    for _ in range(6):
        factories.volunteer(commune)
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("L'Heure Civique")
    counters = page.get_by_role("region", name="L’Heure Civique à Bois-Colombes")
    expect(counters).to_contain_text("Volontaires actifs")
    expect(counters.locator("dd").first).to_have_text("6")
    results = Axe().run(page)
    assert results.response["violations"] == [], results.generate_report()
