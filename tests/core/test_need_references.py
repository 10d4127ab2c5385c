"""Tracking references: numbered per commune and per year, taken without a race, searchable."""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection
from django.urls import reverse
from django.utils import timezone

from tests import factories
from wagtail_heurecivique.models import Need, NeedReferenceCounter


def test_references_are_numbered_per_commune_and_year(commune_a, commune_b):
    year = timezone.localdate().year
    a1, b1, a2 = factories.need(commune_a), factories.need(commune_b), factories.need(commune_a)
    assert [a1.reference, a2.reference] == [f"HC-92009-{year}-0001", f"HC-92009-{year}-0002"]
    assert b1.reference == f"HC-95052-{year}-0001"  # nothing tells commune B of commune A's volume
    a1.title = "Courses du mardi"
    a1.save()
    a1.refresh_from_db()
    assert a1.reference == f"HC-92009-{year}-0001"  # saved again, it keeps its number


def test_a_new_year_starts_again_at_one(commune_a):
    last_year = timezone.localdate().year - 1
    NeedReferenceCounter.objects.create(commune=commune_a, year=last_year, last=41)
    assert NeedReferenceCounter.take(commune_a, last_year) == [f"HC-92009-{last_year}-0042"]
    assert factories.need(commune_a).reference == f"HC-92009-{last_year + 1}-0001"


def test_needs_created_in_bulk_are_numbered_too(commune_a, commune_b):
    factories.need(commune_a)
    category = factories.category()
    created = Need.objects.bulk_create(
        Need(commune=commune, title=f"Besoin {n}", kind="interpersonal", category=category, description="x")
        for n, commune in enumerate([commune_a, commune_b, commune_a])
    )
    numbers = [need.reference.split("-", 2)[1] + "-" + need.reference.rsplit("-", 1)[1] for need in created]
    assert numbers == ["92009-0002", "95052-0001", "92009-0003"]


def test_a_need_that_fails_to_save_takes_no_number(commune_a):
    factories.need(commune_a)
    with pytest.raises(IntegrityError):
        factories.need(commune_a, title=None)  # NOT NULL: the insert fails
    assert NeedReferenceCounter.objects.get(commune=commune_a).last == 1
    assert factories.need(commune_a).reference.endswith("-0002")


def test_the_reference_is_in_the_history_row(commune_a):
    need = factories.need(commune_a)
    assert need.history.get().reference == need.reference


def test_the_needs_list_finds_and_shows_a_need_by_its_reference(client, commune_a, referent_a):
    wanted, other = factories.need(commune_a, title="Courses de Mme Lambert"), factories.need(commune_a, title="Jardin")
    client.force_login(referent_a)
    page = client.get(reverse("wagtail_heurecivique_need_modeladmin_index"), {"q": wanted.reference})
    content = page.content.decode()
    assert page.status_code == 200
    assert "Courses de Mme Lambert" in content and "Jardin" not in content
    assert wanted.reference in content and other.reference not in content
    inspect = client.get(reverse("wagtail_heurecivique_need_modeladmin_inspect", args=[wanted.pk]))
    assert "Référence de suivi" in inspect.content.decode() and wanted.reference in inspect.content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers: no real race")
def test_needs_recorded_at_once_get_different_numbers():
    commune = factories.commune()
    category = factories.category()
    barrier = threading.Barrier(12)
    errors = []

    def report(n):
        try:
            barrier.wait()
            factories.need(commune, category=category, title=f"Besoin {n}")
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=report, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    numbers = sorted(int(r.rsplit("-", 1)[1]) for r in Need.objects.values_list("reference", flat=True))
    assert numbers == list(range(1, 13))
    assert NeedReferenceCounter.objects.get().last == 12


def test_the_year_is_the_commune_s_not_utc_s(commune_a, monkeypatch):
    """Half past midnight on New Year's Day in Paris is still the old year in UTC."""
    just_after = timezone.make_aware(datetime.datetime(2031, 1, 1, 0, 30))
    assert just_after.astimezone(datetime.UTC).year == 2030
    monkeypatch.setattr(timezone, "now", lambda: just_after)
    assert factories.need(commune_a).reference == "HC-92009-2031-0001"
