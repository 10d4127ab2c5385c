"""The Évaluation report and dashboard panel: scoped, filtered, exported."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests import factories
from tests.builders import END, START, action, registrations
from wagtail_heurecivique.core.enums import ActionKind

URL = reverse("heurecivique_evaluation")


def french(message):
    """``message`` as the French reader sees it, whether the catalogue translates it yet or not."""
    with translation.override("fr"):
        return gettext(message)


def period(**extra):
    return {"start": START.isoformat(), "end": END.isoformat(), **extra}


@pytest.mark.django_db
def test_referent_reads_the_figures_of_their_commune_only(client, dataset, referent_a, referent_b):
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
def test_exports_through_wagtails_spreadsheet_export(client, dataset, referent_a):
    client.force_login(referent_a)
    csv = b"".join(client.get(URL, period(export="csv")).streaming_content).decode()
    assert csv.splitlines()[0] == "Indicateur,Valeur,Unité"
    assert "Heures données,3.0, h" in csv
    response = client.get(URL, period(export="xlsx"))
    assert "evaluation-heure-civique-2026-09-01-2026-10-31.xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Volontaires inscrits"] == 3
    assert rows[french("Actions held")] == 2
    assert rows[french("Participants in the actions held (places taken)")] == 5
    assert rows[french("Different people who took part in the actions held")] == 3
    assert rows[french("Beneficiaries' satisfaction (average rating out of 5)")] == 4.0
    assert rows[french("Volunteers' satisfaction (average rating out of 5)")] == 3.0
    assert rows[french("Volunteers' ratings of %(rating)s/5") % {"rating": 2}] == 1
    assert f'{french("Actions held")},2,' in csv.splitlines()


@pytest.mark.django_db
def test_a_referent_exports_the_actions_of_their_commune_only(client, dataset, referent_b):
    client.force_login(referent_b)  # commune B: one action held, four places taken
    csv = b"".join(client.get(URL, period(export="csv")).streaming_content).decode().splitlines()
    assert f'{french("Actions held")},1,' in csv
    assert f'{french("Participants in the actions held (places taken)")},4,' in csv


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


@pytest.mark.django_db
def test_the_panel_counts_this_months_actions_held_and_their_participants(client, referent_a, commune_a, commune_b):
    now = timezone.now()
    month_start = timezone.make_aware(datetime.datetime.combine(timezone.localdate().replace(day=1), datetime.time.min))
    earlier_this_month = month_start + (now - month_start) / 2
    registrations(action(commune_a, "Café des voisins", earlier_this_month, kind=ActionKind.CONVIVIAL), "Ana", "Zoé", "Noé")
    registrations(action(commune_a, "Repair café", month_start - datetime.timedelta(days=1)), "Ana")  # last month
    registrations(action(commune_a, "Plantations", now + datetime.timedelta(hours=2)), "Ana")  # still to come
    registrations(action(commune_b, "Ailleurs", earlier_this_month), "Ana", "Zoé")
    client.force_login(referent_a)
    content = client.get("/admin/").content.decode()
    assert f'<strong>1</strong> {french("actions held this month")}' in content
    assert f'<strong>3</strong> {french("participants in these actions")}' in content


PRINT_URL = reverse("heurecivique_evaluation_print")


@pytest.mark.django_db
def test_printable_report_has_charts_with_data_tables(client, dataset, referent_a, django_assert_max_num_queries):
    client.force_login(referent_a)
    with django_assert_max_num_queries(30):
        response = client.get(PRINT_URL, period())
    content = response.content.decode()
    assert response.status_code == 200
    assert "Rapport d’évaluation — L’Heure Civique" in content
    assert "Du 1 septembre 2026 au 31 octobre 2026" in content and dataset.name in content
    assert content.count("<svg") == 5
    assert f'<figcaption id="chart-actions_kind">{french("Actions held by kind")}</figcaption>' in content
    collective, convivial = (french(label) for label in ("Collective", "Friendly get-together"))
    assert f'<th scope="row">{collective}</th><td>1</td>' in content
    assert f'<th scope="row">{convivial}</th><td>1</td>' in content
    # Satisfaction from both sides: a column each, beneficiaries gave 5 and 3, volunteers 4 and 2.
    assert f'<th scope="col">{french("By beneficiaries")}</th><th scope="col">{french("By volunteers")}</th>' in content
    assert '<th scope="row">5/5</th><td>1</td><td>0</td>' in content
    assert '<th scope="row">4/5</th><td>0</td><td>1</td>' in content
    assert '<th scope="row">2/5</th><td>0</td><td>1</td>' in content
    # No script in the body, no event handler attribute: the Print button's script is a static file.
    assert "<script" not in content.split("</head>")[1] and "onclick" not in content
    assert "wagtail_heurecivique/js/print.js" in content.split("</head>")[0]
    assert "http://" not in content.replace("http://www.w3.org", "").replace("http://pygal.org", "").replace("http://github.com/Kozea/pygal", "")
    assert '<th scope="row">sept. 2026</th><td>2.0 h</td>' in content.replace("2,0", "2.0")
    assert "report.css" in content
    # The evaluation page links to it, keeping the chosen filters, and shows the same charts.
    listing = client.get(URL, period()).content.decode()
    assert f"{PRINT_URL}?start=2026-09-01" in listing
    assert listing.count("<svg") - listing.count('<svg class="icon') >= 5 and "charts.css" in listing
    assert f'<figcaption id="chart-actions_kind">{french("Actions held by kind")}</figcaption>' in listing
    assert '<th scope="row">5/5</th><td>1</td><td>0</td>' in listing
    # The charts follow the filters when the listing refreshes its results alone.
    results = client.get(reverse("heurecivique_evaluation_results"), period()).content.decode()
    assert '<figcaption id="chart-actions_kind">' in results


@pytest.mark.django_db
def test_printable_report_is_scoped_and_explains_bad_filters(client, dataset, referent_b):
    client.force_login(referent_b)
    content = client.get(PRINT_URL, period()).content.decode()
    assert dataset.name not in content
    content = client.get(PRINT_URL, {"start": "2026-10-01", "end": "2026-09-01"}).content.decode()
    assert "La fin de la période ne peut pas précéder son début." in content


@pytest.mark.django_db
def test_report_and_dashboard_queries_are_bounded_from_10_to_10000_needs(client, commune_a, referent_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wagtail_heurecivique.models import Need

    category = factories.category()

    def add_needs(count):
        Need.objects.bulk_create(
            Need(commune=commune_a, title=f"Besoin {n}", kind="interpersonal", category=category, description="…")
            for n in range(count)
        )

    def add_actions(count):
        for n in range(count):
            held = action(commune_a, f"Action {n} {count}", timezone.now() - datetime.timedelta(days=n + 1))
            registrations(held, *(f"Personne {n} {p}" for p in range(count)))

    def queries():
        counts = []
        for page in (URL, PRINT_URL, "/admin/"):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(page).status_code == 200
            counts.append(len(captured))
        return counts

    client.force_login(referent_a)
    add_needs(10)
    add_actions(2)
    queries()  # the first request fills caches (content types, site, user profile)
    few = queries()
    add_needs(9_990)
    add_actions(12)
    assert queries() == few


@pytest.mark.django_db
def test_coordinator_filters_by_departement(client, dataset, commune_b, coordinator):
    client.force_login(coordinator)
    content = client.get(URL, period()).content.decode()
    assert "13,0 h" in content  # both communes: 3 h in A (92), 10 h in B (95)
    content = client.get(URL, period(departement="95")).content.decode()
    assert "10,0 h" in content and "13,0 h" not in content
    response = client.get(URL, period(departement="13"))  # not one of the choices
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()


@pytest.mark.django_db
def test_extreme_evaluation_periods_are_refused_in_french(client, referent_a):
    client.force_login(referent_a)
    out_of_range, too_long = "Choisissez une date entre 2000 et 2100.", "dix ans au plus"
    cases = [({"start": "0001-01-01"}, out_of_range), ({"end": "9999-12-31"}, out_of_range),
             ({"start": "1990-01-01", "end": "2026-01-01"}, out_of_range),
             ({"start": "2001-01-01", "end": "2026-01-01"}, too_long)]
    for params, message in cases:
        for name in ("heurecivique_evaluation", "heurecivique_evaluation_print"):
            response = client.get(reverse(name), params)
            assert response.status_code == 200, (name, params)
            assert message in response.content.decode(), (name, params)
