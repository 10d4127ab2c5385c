"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser)."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("HEURECIVIQUE_CHROMIUM", "/usr/bin/chromium")
#: Where the tests leave screenshots of the screens they walk through (not in git).
SCREENSHOTS = Path(os.environ.get("HEURECIVIQUE_SCREENSHOTS", Path(__file__).resolve().parents[2] / "build" / "screenshots"))

# Playwright's sync API keeps an asyncio loop on the main thread; the ORM calls made by
# the tests and by the test-database teardown are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"{CHROMIUM} is missing: CI must install Debian's chromium package.")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.nodeid.split("::")[0]:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    # A browser that asks for English: the French screens must not depend on it.
    return {**browser_context_args, "locale": "en-GB"}


@pytest.fixture
def login(page, live_server):
    def login_as(username, password="pass"):
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}/admin/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        page.get_by_role("button", name="S'identifier").click()
        page.wait_for_url(f"{live_server.url}/admin/")
        return page

    return login_as


@pytest.fixture
def page_tree(transactional_db):
    """Wagtail's locale and root page, as its migrations create them.

    Transactional tests flush every table when they end, the tree included.
    """
    from wagtail.models import Locale, Page

    Locale.objects.get_or_create(language_code="fr")
    return Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))


@pytest.fixture
def screenshot(page):
    """``screenshot("name")`` saves the whole page as build/screenshots/name.png."""

    def take(name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
