"""A référent's day in the back office, in a real browser."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from wagtail_heurecivique.models import Volunteer

from .. import factories


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
def test_referent_proposes_a_need_to_the_first_suggested_volunteer(login, live_server, page):
    from wagtail_heurecivique.models import Proposal, Skill

    commune = factories.commune()
    factories.referent(commune, "claire")
    category = factories.category("Courses")
    skill = Skill.objects.create(name="Courses", slug="courses", category=category)
    need = factories.need(commune, category=category, title="Courses de Mme Blanc")
    need.skills.set([skill])
    volunteer = factories.volunteer(commune, first_name="Inès", last_name="Roux")
    volunteer.skills.set([skill])
    login("claire")

    page.goto(f"{live_server.url}/admin/wagtail_heurecivique/need/")
    page.get_by_role("link", name="Suggestions").first.click()
    expect(page.get_by_role("heading", name="Volontaires suggérés")).to_be_visible()
    row = page.locator("table.heurecivique-suggestions tbody tr").first
    expect(row).to_contain_text("compétences : Courses")
    row.get_by_role("button", name="Proposer à Inès Roux").click()
    expect(page.get_by_text("Mise en relation proposée à Inès Roux.")).to_be_visible()
    proposal = Proposal.objects.get()
    assert proposal.volunteer == volunteer
    assert "compétences : Courses" in proposal.score_explanation
