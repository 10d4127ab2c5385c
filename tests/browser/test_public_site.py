"""The example site's public home page, in French and accessible (axe-core)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from example_site.home.demo import DemoBuilder
from tests import factories


@pytest.mark.django_db(transaction=True)
def test_home_page_is_french_and_accessible(page_tree, live_server, page, screenshot):
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
    screenshot("site-accueil")


def _commune_site():
    from wagtail_heurecivique.models import Skill

    home = DemoBuilder().build_site()
    commune = factories.commune()
    factories.category("Courses")
    Skill.objects.create(name="Bricolage", slug="bricolage")
    return DemoBuilder()._commune_pages(home, commune) or commune


@pytest.mark.django_db(transaction=True)
def test_a_resident_signs_up_fixes_an_error_and_confirms(page_tree, live_server, page, screenshot):
    import re

    from django.core import mail

    from wagtail_heurecivique.models import Volunteer

    _commune_site()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Bois-Colombes").click()
    assert Axe().run(page).response["violations"] == []
    screenshot("commune-accueil")
    page.get_by_role("link", name="Je deviens volontaire").click()
    results = Axe().run(page)
    assert results.response["violations"] == [], results.generate_report()

    page.get_by_label("Prénom").fill("Inès")
    page.get_by_label(re.compile(r"^Nom")).fill("Roux")
    page.get_by_label("Adresse e-mail").fill("ines.roux@example")
    page.get_by_label("Code postal").fill("92270")
    page.get_by_label("lundi matin").check()
    page.get_by_label("J’ai lu la charte du volontaire et je l’accepte").check()
    page.get_by_role("button", name="Je m’inscris").click()

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Adresse e-mail")
    expect(page.get_by_label("Prénom")).to_have_value("Inès")  # nothing typed is lost
    expect(page.get_by_label("lundi matin")).to_be_checked()
    results = Axe().run(page)
    assert results.response["violations"] == [], results.generate_report()
    screenshot("inscription-erreurs")

    page.get_by_label("Adresse e-mail").fill("ines.roux@example.org")
    page.get_by_label("J’accepte que la mairie conserve ces informations pour organiser l’Heure Civique").check()
    page.get_by_role("button", name="Je m’inscris").click()
    expect(page.get_by_role("status")).to_contain_text("Vérifiez votre boîte")

    link = re.search(r"http://[^/]+(/\S+)", mail.outbox[-1].body).group(1)
    page.goto(live_server.url + link)
    page.get_by_role("button", name="Je confirme mon adresse").click()
    expect(page.get_by_role("status")).to_contain_text("votre adresse est confirmée")
    assert Volunteer.objects.get().status == "to_interview"


@pytest.mark.django_db(transaction=True)
def test_a_referrer_reports_a_need(page_tree, live_server, page, screenshot):
    from wagtail_heurecivique.models import Need

    _commune_site()
    page.goto(live_server.url + "/bois-colombes/je-signale-un-besoin/")
    results = Axe().run(page)
    assert results.response["violations"] == [], results.generate_report()
    page.get_by_label("Je suis un professionnel ou une association (médecin, infirmier, CCAS…)").check()
    page.get_by_label("Votre nom").fill("Dr Durand")
    page.get_by_label("Votre structure (cabinet, CCAS, association)").fill("Cabinet des Lilas")
    page.get_by_label("Votre adresse e-mail").fill("cabinet@example.org")
    page.get_by_label("Quelqu’un d’autre (un voisin, un patient…)").check()
    page.get_by_label("Prénom de la personne à aider").fill("Jeanne")
    page.get_by_label("Téléphone de la personne à aider").fill("01 47 00 00 00")
    page.get_by_label("Code postal").fill("92270")
    page.get_by_label("Quel type d’aide ?").select_option(label="Courses")
    page.get_by_label("Décrivez le besoin").fill("Courses une fois par semaine.")
    page.get_by_label("La personne à aider accepte que la mairie enregistre ce besoin et la contacte").check()
    page.get_by_role("button", name="Signaler le besoin").click()
    need = Need.objects.get()
    expect(page.get_by_role("status")).to_contain_text(need.reference)
    screenshot("besoin-signale")
    assert need.source == "referral" and need.referrer_name == "Dr Durand (Cabinet des Lilas)"


@pytest.mark.django_db(transaction=True)
def test_register_to_an_action_until_full_then_the_waiting_list(page_tree, live_server, page, screenshot):
    import datetime
    import re

    from django.core import mail
    from django.utils import timezone

    from wagtail_heurecivique.models import ActionIndexPage, ActionPage, CommuneHomePage, Registration

    _commune_site()
    index = ActionIndexPage.objects.child_of(CommuneHomePage.objects.get()).get()  # the demo's plan
    index.add_child(instance=ActionPage(
        title="Goûter des voisins", slug="gouter", kind="convivial", place="Salle des fêtes", capacity=1,
        start=timezone.now() + datetime.timedelta(days=5),
    ))
    page.goto(live_server.url + "/bois-colombes/actions/")
    page.get_by_role("link", name="Goûter des voisins").click()
    results = Axe().run(page)
    assert results.response["violations"] == [], results.generate_report()
    screenshot("action-page")
    for first_name, email in (("Inès", "ines@example.org"), ("Paul", "paul@example.org")):
        page.goto(live_server.url + "/bois-colombes/actions/gouter/")
        page.get_by_label("Prénom").fill(first_name)
        page.get_by_label("Adresse e-mail").fill(email)
        page.get_by_role("button", name="Je m’inscris").click()
        expect(page.get_by_role("status")).to_contain_text("Vérifiez votre boîte")
        link = re.search(r"http://[^/]+(/\S+)", mail.outbox[-1].body).group(1)
        page.goto(live_server.url + link)
        page.get_by_role("button", name="Je confirme mon inscription").click()
    expect(page.get_by_role("status")).to_contain_text("liste d’attente")
    screenshot("action-liste-d-attente")
    assert dict(Registration.objects.values_list("first_name", "status")) == {"Inès": "registered", "Paul": "waiting"}


@pytest.mark.django_db(transaction=True)
def test_a_volunteer_opens_their_space_by_the_e_mailed_link(page_tree, live_server, page, screenshot):
    import datetime
    import re

    from django.core import mail
    from django.utils import timezone

    from wagtail_heurecivique.models import ErasureRequest, Volunteer

    commune = _commune_site()
    volunteer = factories.volunteer(commune, first_name="Inès", email="ines@example.org", postcode="92270")
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Bois-Colombes").click()
    page.get_by_role("link", name="Ouvrir mon espace bénévole").click()
    page.get_by_label("Votre adresse e-mail").fill("ines@")
    page.get_by_role("button", name="Envoyez-moi le lien").click()
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_label("Votre adresse e-mail")).to_have_value("ines@")
    results = Axe().run(page)
    assert results.response["violations"] == [], results.generate_report()
    page.get_by_label("Votre adresse e-mail").fill("ines@example.org")
    page.get_by_role("button", name="Envoyez-moi le lien").click()
    expect(page.get_by_role("status")).to_contain_text("Vérifiez votre boîte")

    link = re.search(r"http://[^/]+(/\S+)", mail.outbox[-1].body).group(1)
    page.goto(live_server.url + link)
    page.get_by_role("button", name="Ouvrir mon espace").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace bénévole")
    expect(page.get_by_text("Bonjour Inès")).to_be_visible()
    results = Axe().run(page)
    assert results.response["violations"] == [], results.generate_report()
    screenshot("mon-espace-tableau-de-bord")

    page.get_by_role("link", name="Modifier mes coordonnées, disponibilités et préférences de courriels").click()
    page.get_by_label("Quartier").fill("La Gare")
    page.get_by_label("À quelle fréquence je reçois les nouvelles").select_option("quarterly")
    results = Axe().run(page)
    assert results.response["violations"] == [], results.generate_report()
    screenshot("mon-espace-coordonnees")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Vos modifications sont enregistrées")

    until = timezone.localdate() + datetime.timedelta(days=20)
    page.get_by_label("Aucune proposition jusqu’au (inclus)").fill(until.isoformat())
    page.get_by_role("button", name="Faire une pause").click()
    expect(page.get_by_role("status")).to_contain_text("Votre pause est enregistrée")
    volunteer.refresh_from_db()
    assert (volunteer.neighbourhood, volunteer.message_frequency, volunteer.paused_until) == ("La Gare", "quarterly", until)

    page.get_by_role("link", name="Quitter L’Heure Civique").click()
    page.get_by_label("Je quitte L’Heure Civique et demande l’effacement de mes données personnelles").check()
    page.get_by_role("button", name="Je quitte L’Heure Civique").click()
    expect(page.get_by_role("status")).to_contain_text("Vous ne recevrez plus de propositions")
    screenshot("mon-espace-depart")
    assert Volunteer.objects.get(pk=volunteer.pk).status == "left" and ErasureRequest.objects.count() == 1
