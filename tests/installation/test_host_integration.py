"""The plugin as a guest in a commune's site: its language, its look, its e-mail settings."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from wagtail.actions.copy_for_translation import CopyPageForTranslationAction
from wagtail.models import Locale, Site

from tests.builders import SIGNUP
from wagtail_heurecivique.core.language import public_language
from wagtail_heurecivique.models import CommuneHomePage
from wagtail_heurecivique.notifications.delivery import sender

pytestmark = pytest.mark.django_db

TEST_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"

#: A site whose default language is English, French being its second locale.
ENGLISH_SITE = {
    "LANGUAGE_CODE": "en-us",
    "LANGUAGES": [("en-us", "English"), ("fr", "Français")],
    "WAGTAIL_CONTENT_LANGUAGES": [("en-us", "English"), ("fr", "Français")],
    "WAGTAILADMIN_PERMITTED_LANGUAGES": [("en-us", "English"), ("fr", "Français")],
}


@pytest.fixture
def pages(site_pages):
    return SimpleNamespace(**site_pages)


def _host_templates(**plugin):
    engine = {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEST_TEMPLATES]}
    return override_settings(TEMPLATES=[engine], WAGTAIL_HEURECIVIQUE=plugin)


def test_an_english_site_serves_the_programme_in_french_and_keeps_its_admin_in_english(pages, superuser):
    with override_settings(**ENGLISH_SITE):
        response = Client().get(pages.signup.url)
        content = response.content.decode()
        assert response.status_code == 200 and response["Content-Language"] == "fr"
        assert '<html lang="fr">' in content and "Je deviens volontaire" in content
        assert "Prénom" in content and "First name" not in content
        # The plugin's own URLs (no page) too.
        invalid = Client().get("/heurecivique/desabonnement/forged/")
        assert invalid.status_code == 404 and '<html lang="fr">' in invalid.content.decode()
        # The admin follows the site (and each user's preference), not the programme.
        admin = Client()
        admin.force_login(superuser)
        dashboard = admin.get("/admin/").content.decode()
        assert 'lang="en-us"' in dashboard and "Dashboard" in dashboard


def test_a_site_that_lists_only_english_still_gets_the_programme_in_french(pages):
    with override_settings(LANGUAGE_CODE="en", LANGUAGES=[("en", "English")]):
        content = Client().get(pages.report.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="fr">' in content and "Je signale un besoin" in content and "Prénom" in content


def test_an_english_sites_e_mails_are_in_french_without_djangos_prefix(pages, commit):
    with override_settings(**ENGLISH_SITE, EMAIL_SUBJECT_PREFIX="[Django] ", WAGTAIL_HEURECIVIQUE={}):
        response = commit(Client().post, pages.signup.url, SIGNUP)
    assert response.status_code == 200
    [message] = mail.outbox
    assert message.subject == "Confirmez votre adresse pour devenir volontaire"
    assert "Bonjour Inès" in message.body and message.from_email == settings.DEFAULT_FROM_EMAIL


def test_a_page_in_a_locale_the_plugin_does_not_speak_is_served_in_the_programmes_language():
    english = SimpleNamespace(locale=SimpleNamespace(language_code="en-us"))
    canadian = SimpleNamespace(locale=SimpleNamespace(language_code="fr-ca"))
    with override_settings(WAGTAIL_I18N_ENABLED=True):
        assert public_language(english) == "fr" and public_language(canadian) == "fr-ca"
        with override_settings(WAGTAIL_HEURECIVIQUE={"LANGUAGE": "fr-fr"}):
            assert public_language(english) == public_language() == "fr-fr"
    assert public_language(canadian) == "fr"  # without i18n, pages have no language of their own


def test_in_the_plugins_frame_the_styles_are_static_files(client, pages):
    content = client.get(pages.signup.url).content.decode()
    assert "<style" not in content
    assert "/static/wagtail_heurecivique/css/frame.css" in content
    assert "/static/wagtail_heurecivique/css/public.css" in content
    assert 'class="hc-skip" href="#main"' in content and 'id="main"' in content


def test_inside_the_sites_base_template_the_honeypot_stays_hidden_and_the_meta_stay(pages):
    with _host_templates(BASE_TEMPLATE="site/base.html"):
        content = Client().get(pages.signup.url).content.decode()
        link_page = Client().get(pages.signup.url + "confirmer/?jeton=forged").content.decode()
    assert "Mairie de Test — en-tête du site" in content and "Mairie de Test — pied de page" in content
    assert "frame.css" not in content and content.count("<html") == 1
    head = content.split("</head>")[0]
    assert "/static/wagtail_heurecivique/css/public.css" in head and 'name="description"' in head
    assert "Je deviens volontaire — L’Heure Civique — Mairie de Test" in head
    body = content.split("</head>")[1]
    assert re.search(r'<div class="hc-page">.*class="hc-hp".*</form>.*</div>', body, re.DOTALL)
    assert '<meta name="robots" content="noindex">' in link_page.split("</head>")[0]


def test_a_commune_sets_its_own_sender_and_reply_to(commune_a):
    assert sender(commune_a) == settings.DEFAULT_FROM_EMAIL
    with override_settings(WAGTAIL_HEURECIVIQUE={"EMAIL_FROM": "L'Heure Civique <hc@ville-exemple.fr>"}):
        assert sender() == "L'Heure Civique <hc@ville-exemple.fr>"
        commune_a.email_sender_name = "Mairie de Bois-Colombes, Heure Civique"
        assert sender(commune_a) == '"Mairie de Bois-Colombes, Heure Civique" <hc@ville-exemple.fr>'
        commune_a.email_from = "heurecivique@bois-colombes.fr"
        assert sender(commune_a) == '"Mairie de Bois-Colombes, Heure Civique" <heurecivique@bois-colombes.fr>'


def test_e_mails_leave_from_the_communes_sender_with_its_reply_to(pages, commune_a, commit):
    commune_a.email_sender_name = "Mairie de Bois-Colombes"
    commune_a.email_from = "heurecivique@bois-colombes.fr"
    commune_a.email_reply_to = "referente@bois-colombes.fr"
    commune_a.save()
    commit(Client().post, pages.signup.url, SIGNUP)
    [message] = mail.outbox
    assert message.from_email == "Mairie de Bois-Colombes <heurecivique@bois-colombes.fr>"
    assert message.reply_to == ["referente@bois-colombes.fr"]
    assert message.subject.startswith("[Heure Civique] ")  # the example site's own prefix


def test_a_commune_has_one_home_per_locale_and_a_translated_copy_is_allowed(pages, commune_a):
    root = Site.objects.get(is_default_site=True).root_page
    with pytest.raises(ValidationError) as error:
        root.add_child(instance=CommuneHomePage(title="Encore", slug="encore", commune=commune_a))
    assert "Cette commune a déjà sa page d’accueil de l’Heure Civique dans cette langue." in str(error.value)
    with override_settings(**ENGLISH_SITE):
        english = Locale.objects.create(language_code="en-us")
        copy = CopyPageForTranslationAction(pages.home, english, include_subtree=True, copy_parents=True).execute()
    assert copy.specific.commune == commune_a and copy.locale == english
    assert CommuneHomePage.objects.filter(commune=commune_a).count() == 2
    copy.refresh_from_db()  # treebeard counts children on the instance
    assert copy.get_children().count() == pages.home.get_children().count() == 2
