"""The Évaluation report and dashboard panel: scoped, filtered, exported."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from . import factories
from .test_indicators import END, START, dataset  # noqa: F401  (the hand-built dataset)

URL = reverse("heurecivique_evaluation")


def period(**extra):
    return {"start": START.isoformat(), "end": END.isoformat(), **extra}


@pytest.mark.django_db
def test_referent_reads_the_figures_of_their_commune_only(client, dataset, referent_a, referent_b):  # noqa: F811
    client.force_login(referent_a)
    response = client.get(URL, period())
    content = response.content.decode()
    assert response.status_code == 200
    assert "Heures données" in content and "3,0 h" in content

    client.force_login(referent_b)  # commune B: 10 h given, none of A's
    content = client.get(URL, period()).content.decode()
    assert "10,0 h" in content and "3,0 h" not in content
    response = client.get(URL, period(commune=dataset.pk))
    assert "3,0 h" not in response.content.decode()  # commune A is not a choice for B


@pytest.mark.django_db
def test_exports_through_wagtails_spreadsheet_export(client, dataset, referent_a):  # noqa: F811
    client.force_login(referent_a)
    csv = b"".join(client.get(URL, period(export="csv")).streaming_content).decode()
    assert csv.splitlines()[0] == "Indicateur,Valeur,Unité"
    assert "Heures données,3.0, h" in csv
    response = client.get(URL, period(export="xlsx"))
    assert "evaluation-heure-civique-2026-09-01-2026-10-31.xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Volontaires inscrits"] == 3


@pytest.mark.django_db
def test_bad_period_is_explained_not_a_500(client, referent_a):
    client.force_login(referent_a)
    response = client.get(URL, {"start": "2026-10-01", "end": "2026-09-01"})
    assert response.status_code == 200
    assert "La fin de la période ne peut pas précéder son début." in response.content.decode()
    response = client.get(URL, {"start": "pas une date"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_only_staff_who_read_needs_see_the_report_and_panel(client, referent_a, commune_a):
    editor = factories.user("editor", groups=("editors",))
    client.force_login(editor)
    assert client.get(URL).status_code in (302, 403)
    assert "Heure Civique ce mois-ci" not in client.get("/admin/").content.decode()
    client.force_login(referent_a)
    factories.volunteer(commune_a)
    content = client.get("/admin/").content.decode()
    assert "Heure Civique ce mois-ci" in content
    assert "<strong>1</strong> volontaires actifs" in content
