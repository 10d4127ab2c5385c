"""Feeds of a commune: RSS/Atom of its success stories and upcoming actions, iCalendar of its actions."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext

from wagtail_heurecivique.core.models.communes import Commune
from wagtail_heurecivique.site.actions import ActionPage
from wagtail_heurecivique.site.calendar import calendar_response
from wagtail_heurecivique.site.homes import CommuneHomePage
from wagtail_heurecivique.site.stories import SuccessStoryPage

#: Items in a feed, newest or soonest first.
FEED_SIZE = 30


def _home(insee_code):
    commune = get_object_or_404(Commune, insee_code=insee_code.upper(), is_active=True)
    home = CommuneHomePage.objects.live().filter(commune=commune).first()
    if home is None:
        raise Http404
    return home


def upcoming_actions(home):
    return ActionPage.objects.descendant_of(home).live().filter(start__gte=timezone.now()).order_by("start")


class StoriesFeed(Feed):
    def get_object(self, request, insee_code):
        return _home(insee_code)

    def title(self, home):
        return gettext("Successes of L'Heure Civique in %(commune)s") % {"commune": home.commune.name}

    def link(self, home):
        return home.get_full_url()

    def description(self, home):
        return gettext("What the volunteers of %(commune)s achieved.") % {"commune": home.commune.name}

    def items(self, home):
        return SuccessStoryPage.objects.descendant_of(home).live().order_by("-date", "-pk")[:FEED_SIZE]

    def item_title(self, story):
        return story.title

    def item_description(self, story):
        return story.summary

    def item_link(self, story):
        return story.get_full_url()

    def item_pubdate(self, story):
        return story.first_published_at


class StoriesAtomFeed(StoriesFeed):
    feed_type = Atom1Feed
    subtitle = StoriesFeed.description


class ActionsFeed(Feed):
    def get_object(self, request, insee_code):
        return _home(insee_code)

    def title(self, home):
        return gettext("Upcoming actions of L'Heure Civique in %(commune)s") % {"commune": home.commune.name}

    def link(self, home):
        return home.get_full_url()

    def description(self, home):
        return gettext("The plan d'actions of %(commune)s.") % {"commune": home.commune.name}

    def items(self, home):
        return upcoming_actions(home)[:FEED_SIZE]

    def item_title(self, action):
        return f"{action.title} — {timezone.localtime(action.start):%d/%m/%Y %H:%M}"

    def item_description(self, action):
        return action.place

    def item_link(self, action):
        return action.get_full_url()

    def item_pubdate(self, action):
        return action.first_published_at


def commune_calendar(request, insee_code):
    home = _home(insee_code)
    name = gettext("L'Heure Civique in %(commune)s") % {"commune": home.commune.name}
    return calendar_response(upcoming_actions(home)[:200], name, request)
