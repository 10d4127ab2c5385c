"""Actions as an iCalendar file: a commune's calendar, or one action to add to a diary."""

from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event


def calendar_response(actions, name, request):
    calendar = Calendar()
    calendar.add("prodid", "-//wagtail-heurecivique//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for action in actions:
        event = Event()
        event.add("uid", f"action-{action.pk}@{request.get_host()}")
        event.add("summary", action.title)
        event.add("dtstart", action.start)
        event.add("dtend", action.end or action.start + timezone.timedelta(minutes=action.duration_minutes))
        event.add("dtstamp", action.last_published_at or action.start)
        event.add("location", action.place)
        event.add("url", action.get_full_url(request))
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="heure-civique.ics"'
    return response
