import os

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, settings

from tests import builders, factories

# Property-based tests: a bounded number of examples in the normal suite, many more with
# HYPOTHESIS_PROFILE=fuzz (``make fuzz``). Examples share their test's database fixtures
# (each runs in a rolled-back savepoint), hence the health check left out.
settings.register_profile(
    "suite", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "fuzz", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))


@pytest.fixture
def commune_a(db):
    return factories.commune()


@pytest.fixture
def commune_b(db):
    return factories.commune(name="Beaumont-sur-Oise", insee_code="95052", postcodes="95260", departement="95")


@pytest.fixture
def referent_a(commune_a):
    return factories.referent(commune_a, "referent_a")


@pytest.fixture
def referent_b(commune_b):
    return factories.referent(commune_b, "referent_b")


@pytest.fixture
def coordinator(db):
    return factories.coordinator("coordinator")


@pytest.fixture
def superuser(db):
    return factories.user("root", superuser=True, is_staff=True)


@pytest.fixture
def dataset(commune_a, commune_b):
    """The indicators' hand-built dataset with known answers (``builders.build_dataset``)."""
    return builders.build_dataset(commune_a, commune_b)


@pytest.fixture
def site_pages(commune_a):
    """Commune A's home with its signup and need report pages."""
    return builders.site_pages(commune_a)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what the code left for after commit (the e-mail tasks), as a real commit would."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache: rate-limit counters and Wagtail's site root paths
    would otherwise leak from one test to the next (their transactions roll back, the cache does not)."""
    cache.clear()
    yield
    cache.clear()


def pytest_collection_modifyitems(config, items):
    """Only the browser tests may ask for pytest-playwright's ``page`` fixture: a test elsewhere
    with a ``page`` argument gets a browser, is run among the browser tests with their live
    server, whose flush empties the database under the tests after it."""
    strays = [item.nodeid for item in items
              if "page" in getattr(item, "fixturenames", ()) and "/browser/" not in item.nodeid.replace("\\", "/")]
    if strays:
        raise pytest.UsageError("pytest-playwright's `page` fixture outside tests/browser/ (rename the argument): "
                                + ", ".join(strays))
