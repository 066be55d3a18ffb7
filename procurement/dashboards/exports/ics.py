"""The agenda's events as an iCalendar file (RFC 5545, ``icalendar``) that Outlook and Thunderbird
subscribe to: timed events in Europe/Paris with its VTIMEZONE, deadlines with a reminder."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, Timezone

from procurement.dashboards.selectors.agenda import AgendaEvent, AgendaKind

PRODID = "-//Achats publics//Mon agenda//FR"
# A deadline is worth a reminder the working day before, a timed one the morning of the day too.
ALARM_BEFORE = timedelta(days=1)


def agenda_ics(events: Iterable[AgendaEvent], *, absolute_url: Callable[[str], str], domain: str,
               now: datetime) -> bytes:
    """``absolute_url`` turns an event's path into the link the calendar shows; ``domain`` ends the
    UIDs (so they are unique across sites), ``now`` is every event's DTSTAMP."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Achats publics — mes échéances"))
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add_component(Timezone.from_tzid(settings.TIME_ZONE))
    zone = timezone.get_default_timezone()
    for item in events:
        event = Event()
        event.add("uid", f"{item.uid}@{domain}")
        event.add("dtstamp", now)
        event.add("summary", item.summary)
        event.add("description", item.description)
        event.add("url", absolute_url(item.path))
        event.add("categories", [str(AgendaKind(item.kind).label)])
        if item.all_day:
            event.add("dtstart", item.start)
            event.add("dtend", item.start + timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        else:
            start = item.start.astimezone(zone)
            event.add("dtstart", start)
            event.add("dtend", start + item.duration)
        if item.alarm:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", item.summary)
            alarm.add("trigger", -ALARM_BEFORE)
            event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
