"""The Mairie de Vernon's users and content, made before the plugin is installed.

Run in the project directory with the host's Python: `python populate.py`. Idempotent
only in the sense that it refuses to run twice (the host is built from scratch each time).
"""

import datetime
import os
import sys

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "communesite.settings.ci")

import django

django.setup()

from actualites.models import NewsIndexPage, NewsPage, Service
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Locale, Site

PASSWORD = "vernon-ci-password"
User = get_user_model()

if User.objects.exists():
    sys.exit("populate: the host already has users; build it again from scratch")

User.objects.create_superuser("admin.vernon", "informatique@vernon.fr", PASSWORD, first_name="Claire",
                              last_name="Admin")
# A communication officer: Wagtail's "Editors" group (admin access, page permissions), no
# more. The plugin adds dashboard panels and menus only for holders of its permissions, so
# this user's dashboard must not change when it is installed.
editor = User.objects.create_user("redaction", "communication@vernon.fr", PASSWORD, first_name="Marc",
                                  last_name="Rédacteur")
editor.groups.add(Group.objects.get(name="Editors"))

Locale.objects.get_or_create(language_code="fr")

# A site in production has its Wagtail Site on its public address, not wagtail start's
# localhost:80: the programme's e-mails link to pages there.
Site.objects.filter(is_default_site=True).update(hostname="www.vernon.fr", port=443)
home = Site.objects.get(is_default_site=True).root_page.specific
home.title = "Welcome to Vernon"
home.body = "<p>The town of Vernon, on the banks of the Seine. Find the news and the town hall's services here.</p>"
home.save_revision().publish()

news = home.add_child(instance=NewsIndexPage(title="News", slug="news", intro="<p>What is new in Vernon.</p>"))
news.save_revision().publish()
for title, slug, day, body in [
    ("The market moves to the Place de Paris", "market-place-de-paris", datetime.date(2026, 3, 14),
     "<p>From April, the Saturday market is held on the Place de Paris.</p>"),
    ("Roadworks on the Rue Carnot", "roadworks-rue-carnot", datetime.date(2026, 4, 2),
     "<p>The Rue Carnot is closed to traffic from 6 to 24 April.</p>"),
]:
    page = news.add_child(instance=NewsPage(title=title, slug=slug, date=day, body=body))
    page.save_revision().publish()

Service.objects.create(name="Accueil de la mairie", phone="02 32 64 38 00",
                       opening_hours="Lundi au vendredi : 8 h 30 – 12 h, 13 h 30 – 17 h 30\nSamedi : 9 h – 12 h")
Service.objects.create(name="État civil", phone="02 32 64 38 10",
                       opening_hours="Lundi au vendredi : 8 h 30 – 12 h")
print("Host content: 2 users, locale fr, home page, news index with 2 news pages, 2 services")
