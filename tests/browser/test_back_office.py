"""A référent's day in the back office, in a real browser."""

from unittest import mock

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests import factories
from wagtail_heurecivique.models import Volunteer


@pytest.mark.django_db(transaction=True)
def test_referent_edits_then_deletes_a_volunteer_and_reads_the_history(login, live_server, page):
    commune = factories.commune()
    factories.referent(commune, "claire", first_name="Claire", last_name="Martin")
    volunteer = factories.volunteer(commune, first_name="Inès", last_name="Roux", status="pending")
    login("claire")

    page.get_by_role("button", name="Heure Civique").click()
    page.get_by_role("link", name="Volontaires").click()
    expect(page.get_by_role("heading", name="Volontaires")).to_be_visible()
    page.get_by_role("link", name="Modifier").first.click()

    page.get_by_label("Statut").select_option(label="Actif")
    page.get_by_label("samedi matin").check()
    page.get_by_role("button", name="Enregistrer").first.click()
    expect(page.get_by_text("modifié")).to_be_visible()

    page.goto(f"{live_server.url}/admin/wagtail_heurecivique/volunteer/history/{volunteer.pk}/")
    row = page.locator("table.heurecivique-history tbody tr").first
    expect(row).to_contain_text("Claire Martin")
    expect(row).to_contain_text("Modification dans le back-office")
    expect(row.locator("del")).to_contain_text(["En attente"])
    expect(row.locator("ins").first).to_have_text("samedi matin")

    page.goto(f"{live_server.url}/admin/wagtail_heurecivique/volunteer/delete/{volunteer.pk}/")
    page.get_by_role("button", name="Oui, supprimer").click()
    expect(page.get_by_text("Indiquez pourquoi cette fiche est supprimée.")).to_be_visible()
    page.get_by_label("Motif de la suppression").fill("A quitté la commune")
    page.get_by_role("button", name="Oui, supprimer").click()
    expect(page.get_by_text("supprimé")).to_be_visible()
    assert not Volunteer.objects.exists()
    assert Volunteer.history.filter(history_type="-", history_change_reason__contains="A quitté la commune").exists()


@pytest.mark.django_db(transaction=True)
def test_history_table_is_accessible(login, live_server, page):
    commune = factories.commune()
    factories.referent(commune, "claire")
    volunteer = factories.volunteer(commune)
    volunteer.neighbourhood = "Centre"
    volunteer.save()
    login("claire")
    page.goto(f"{live_server.url}/admin/wagtail_heurecivique/volunteer/history/{volunteer.pk}/")
    results = Axe().run(page, context="table.heurecivique-history")
    assert results.response["violations"] == [], results.generate_report()


@pytest.mark.django_db(transaction=True)
def test_a_need_from_the_inbox_to_the_volunteers_acceptance(login, live_server, page, screenshot):
    from wagtail_heurecivique.core.signals import need_received
    from wagtail_heurecivique.models import Proposal, Skill
    from workflows.links import answer_path

    commune = factories.commune()
    factories.referent(commune, "claire")
    category = factories.category("Courses")
    skill = Skill.objects.create(name="Courses", slug="courses", category=category)
    beneficiary = factories.beneficiary(commune, first_name="Jeanne", phone="06 11 22 33 44")
    need = factories.need(commune, category=category, title="Courses de Mme Blanc", beneficiary=beneficiary)
    need.skills.set([skill])
    volunteer = factories.volunteer(commune, first_name="Inès", last_name="Roux")
    volunteer.skills.set([skill])
    need_received.send(sender=type(need), need=need, user=None)
    login("claire")

    page.get_by_role("link", name="Mes tâches").first.click()
    expect(page.get_by_role("heading", name="Mes tâches")).to_be_visible()
    results = Axe().run(page, context="table.heurecivique-inbox")
    assert results.response["violations"] == [], results.generate_report()
    screenshot("admin-mes-taches")
    page.get_by_role("button", name="Prendre en charge").click()
    expect(page.get_by_text("La tâche est à vous.")).to_be_visible()
    page.get_by_label("Accepter : chercher des volontaires").check()
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_text("« Qualifier le besoin » fait pour Courses de Mme Blanc.")).to_be_visible()

    page.get_by_role("button", name="Prendre en charge").click()
    row = page.locator("table.heurecivique-suggestions tbody tr").first
    expect(row).to_contain_text("compétences : Courses")
    row.get_by_label("Inès Roux").check()
    screenshot("admin-proposer")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_text("« Proposer aux volontaires » fait pour Courses de Mme Blanc.")).to_be_visible()
    proposal = Proposal.objects.get()
    assert proposal.volunteer == volunteer and "compétences : Courses" in proposal.score_explanation

    # The volunteer follows the link from the e-mail.
    page.goto(f"{live_server.url}{answer_path(proposal)}")
    expect(page.get_by_role("heading", name="Bonjour Inès,")).to_be_visible()
    expect(page.get_by_text("06 11 22 33 44")).to_have_count(0)
    page.get_by_role("button", name="J’accepte").click()
    expect(page.get_by_text("Votre accord est enregistré")).to_be_visible()
    expect(page.get_by_text("06 11 22 33 44")).to_be_visible()
    results = Axe().run(page)
    assert results.response["violations"] == [], results.generate_report()


@pytest.mark.django_db(transaction=True)
def test_the_evaluation_page_shows_its_charts_with_their_tables(page_tree, login, live_server, page, screenshot):
    from django.core.management import call_command
    from django.urls import reverse

    call_command("load_demo", stdout=mock.Mock())
    login("referente.bois", "changeme")
    page.goto(live_server.url + reverse("heurecivique_evaluation"))
    charts = page.get_by_role("region", name="En un coup d’œil")
    expect(charts.get_by_role("figure", name="Actions menées par type")).to_be_visible()
    expect(charts.get_by_role("table").first).to_be_visible()
    results = Axe().run(page, context=".heurecivique-charts")
    assert results.response["violations"] == [], results.generate_report()
    screenshot("admin-evaluation")
