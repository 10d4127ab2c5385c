"""A département provisions its communes from one CSV file, through the management command."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Page, Site

from wagtail_heurecivique.models import Commune, CommuneHomePage, CommuneMembership

pytestmark = pytest.mark.django_db

CSV = """insee_code;name;postcodes;departement;hostname;referents;editors
27681;Vernon;27200;27;heurecivique.vernon.test;referente@vernon.test;com@vernon.test
27056;Bernay;27300;27;;referent@bernay.test referente2@bernay.test;
27229;Évreux;27000, 27180;27;;;
"""


def run(tmp_path, text, *args):
    path = tmp_path / "communes.csv"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("heurecivique_provision", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot():
    return (
        list(Commune.objects.order_by("insee_code").values_list("insee_code", "name", "postcodes")),
        Page.objects.count(),
        list(Site.objects.order_by("hostname").values_list("hostname", "port", "root_page_id")),
        CommuneMembership.objects.count(),
        get_user_model().objects.count(),
        Commune.history.count(),
    )


def test_three_communes_then_the_same_file_again_changes_nothing(tmp_path):
    out, _err = run(tmp_path, CSV)
    assert "3 communes lues — modifiées : 3, inchangées : 0, non appliquées : 0." in out
    vernon = Commune.objects.get(insee_code="27681")
    assert [c.name for c in Commune.objects.order_by("name")] == ["Bernay", "Vernon", "Évreux"]
    assert Commune.objects.get(insee_code="27229").postcodes == "27000, 27180"
    # Vernon has its own site; the others sit under the default site's home.
    site = Site.objects.get(hostname="heurecivique.vernon.test")
    home = CommuneHomePage.objects.get(commune=vernon)
    assert site.root_page_id == home.pk and home.live and vernon.root_page_id == home.pk
    assert Page.objects.child_of(home).live().count() == 5
    default_root = Site.objects.get(is_default_site=True).root_page
    assert CommuneHomePage.objects.child_of(default_root).count() == 2
    roles = set(CommuneMembership.objects.values_list("commune__insee_code", "user__email", "role"))
    assert roles == {
        ("27681", "referente@vernon.test", "referent"), ("27681", "com@vernon.test", "editor"),
        ("27056", "referent@bernay.test", "referent"), ("27056", "referente2@bernay.test", "referent"),
    }
    assert not get_user_model().objects.get(email="com@vernon.test").has_usable_password()

    before = snapshot()
    out, _err = run(tmp_path, CSV)
    assert "3 communes lues — modifiées : 0, inchangées : 3, non appliquées : 0." in out
    assert snapshot() == before


def test_a_renamed_commune_is_updated_and_the_others_left(tmp_path):
    run(tmp_path, CSV)
    out, _err = run(tmp_path, CSV.replace("27056;Bernay;", "27056;Bernay-en-Normandie;"))
    assert "27056 : commune mise à jour : name" in out
    assert Commune.objects.get(insee_code="27056").name == "Bernay-en-Normandie"


def test_a_bad_line_is_refused_whole_and_the_good_ones_applied(tmp_path):
    bad = CSV + "2A004;Ajaccio;20000;2A;;pas-une-adresse;\n99999;;;;;;\n"
    with pytest.raises(CommandError, match="2 communes n’ont pas été appliquées"):
        run(tmp_path, bad)
    assert set(Commune.objects.values_list("insee_code", flat=True)) == {"27681", "27056", "27229"}
    assert not Page.objects.filter(title__contains="Ajaccio").exists()


def test_a_dry_run_changes_nothing(tmp_path):
    before = snapshot()
    out, _err = run(tmp_path, CSV, "--dry-run")
    assert "3 communes lues — modifiées : 3" in out and "Simulation : rien n’a été modifié." in out
    assert snapshot() == before


def test_a_file_without_the_required_columns_is_refused(tmp_path):
    with pytest.raises(CommandError, match="Colonnes absentes du fichier : departement"):
        run(tmp_path, "insee_code,name,postcodes\n27681,Vernon,27200\n")
