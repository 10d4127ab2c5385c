"""One Wagtail Site per commune, each with its own host name: links go to the right one."""

import re

import pytest
from django.core import mail
from django.test import Client
from wagtail.models import Page, Site

from tests.builders import SIGNUP, make_actions
from wagtail_heurecivique.models import CommuneHomePage, VolunteerSignupPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_sites(commune_a, commune_b):
    """Bois-Colombes and Beaumont-sur-Oise, each the root of its own Site."""
    root = Page.get_first_root_node()
    sites = {}
    for commune, hostname in ((commune_a, "heurecivique.bois-colombes.test"), (commune_b, "heurecivique.beaumont.test")):
        home = root.add_child(instance=CommuneHomePage(title=f"L'Heure Civique à {commune.name}",
                                                       slug=f"hc-{commune.insee_code}", commune=commune))
        Site.objects.create(hostname=hostname, port=80, root_page=home, site_name=commune.name)
        signup = home.add_child(instance=VolunteerSignupPage(title="Je deviens volontaire", slug="volontaire",
                                                             charter="<p>Je respecte les personnes aidées.</p>"))
        signup.save_revision().publish()
        make_actions(commune, root=root)
        sites[commune.insee_code] = (hostname, signup)
    return sites


def test_e_mail_links_point_to_the_communes_own_site(two_sites, commit):
    for insee_code, (hostname, signup) in two_sites.items():
        mail.outbox.clear()
        client = Client(HTTP_HOST=hostname)
        assert signup.get_url(request=None) == f"http://{hostname}/volontaire/"
        response = commit(client.post, "/volontaire/", {**SIGNUP, "email": f"ines.{insee_code}@example.org"})
        assert response.status_code == 200, insee_code
        [message] = mail.outbox
        link = re.search(r"https?://\S+confirmer/\?jeton=\S+", message.body).group(0)
        assert link.startswith(f"http://{hostname}/volontaire/confirmer/?jeton="), link
        assert "http://localhost" not in message.body and "testserver/http" not in message.body


def test_feeds_link_to_the_pages_on_their_own_site(two_sites):
    for insee_code, (hostname, _signup) in two_sites.items():
        # Asked from the other commune's host name: the links are still the page's own.
        other = next(name for code, (name, _page) in two_sites.items() if code != insee_code)
        body = Client(HTTP_HOST=other).get(f"/heurecivique/{insee_code}/actions.rss").content.decode()
        items = re.findall(r"<link>(\S+)</link>", body)
        assert items and all(link.startswith(f"http://{hostname}/") for link in items), items
