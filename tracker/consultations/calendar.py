"""Deadlines as iCalendar (RFC 5545), so officers can put them in Outlook or any calendar: one
consultation's file to download, or the subscription feeds of many (served by
tracker/account/routes.py, their rows read by tracker/account/queries.py).

Both draw each consultation's events the same way, with the same UIDs and SEQUENCE, so an event
imported from the file and the same event in a feed are one event to a calendar app."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

from tracker.models import Consultation
from tracker.models.consultation import CANCELLED_STATUSES
from tracker.timeutil import to_uk, utcnow


@dataclass(frozen=True)
class Deadlines:
    """What a consultation's events are drawn from: plain data, read by one query for a feed."""

    id: int
    title: str
    issuing_organisation: str
    closes_at: datetime
    internal_deadline: date | None
    lead_city_name: str | None
    status: str
    sequence: int

    @property
    def is_cancelled(self) -> bool:
        return self.status in CANCELLED_STATUSES


def deadlines_of(consultation: Consultation) -> Deadlines:
    return Deadlines(
        id=consultation.id, title=consultation.title, issuing_organisation=consultation.issuing_organisation,
        closes_at=consultation.closes_at, internal_deadline=consultation.internal_deadline,
        lead_city_name=consultation.lead_city.name if consultation.lead_city else None,
        status=consultation.status, sequence=consultation.calendar_sequence or 0,
    )


def _calendar(network: str, name: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", f"-//{network}//Key Cities Tracker//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:
        # Read by Apple, Google and Outlook for the subscription's name and how often to look again.
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", "Europe/London")
        cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", "PT1H")
    return cal


def _events(item: Deadlines, *, link: str, network: str, domain: str, stamp: datetime) -> list[Event]:
    """The government's closing time and, once assigned, the network's internal deadline."""
    closing = Event()
    # Stable UIDs: importing the file again, or the feed's next read, updates the events instead
    # of duplicating them; SEQUENCE tells the app that the later copy wins.
    closing.add("uid", f"consultation-{item.id}-closes@{domain}")
    closing.add("dtstamp", stamp)
    closing.add("sequence", item.sequence)
    closing.add("summary", f"Closes: {item.title}")
    # A short event ending at the closing instant, in UK time (the VTIMEZONE is in the calendar).
    closes = to_uk(item.closes_at)
    closing.add("dtstart", closes - timedelta(minutes=30))
    closing.add("dtend", closes)
    closing.add("description", f"Government deadline ({item.issuing_organisation}).\n{link}")
    closing.add("url", link)
    events = [closing]

    if item.internal_deadline is not None:
        internal = Event()
        internal.add("uid", f"consultation-{item.id}-internal@{domain}")
        internal.add("dtstamp", stamp)
        internal.add("sequence", item.sequence)
        internal.add("summary", f"{network} internal deadline: {item.title}")
        internal.add("dtstart", item.internal_deadline)  # a whole working day
        internal.add("dtend", item.internal_deadline + timedelta(days=1))
        lead = item.lead_city_name or "the lead city"
        internal.add("description", f"Draft response from {lead} due for review.\n{link}")
        internal.add("url", link)
        internal.add("transp", "TRANSPARENT")  # a due date, not a day spent in a meeting
        events.append(internal)

    for event in events:
        event.add("status", "CANCELLED" if item.is_cancelled else "CONFIRMED")
    return events


def _finish(cal: Calendar, items: list[Deadlines]) -> bytes:
    if items:
        # The UK's rules for the years the events span (not the 68 years icalendar's default gives).
        days = [to_uk(i.closes_at).date() for i in items]
        cal.add_missing_timezones(first_date=min(days) - timedelta(days=400),
                                  last_date=max(days) + timedelta(days=400))
    return bytes(cal.to_ical())


def deadlines_calendar(consultation: Consultation, *, link: str, network: str, domain: str) -> bytes:
    """One consultation's deadlines, as a file to download."""
    cal = _calendar(network)
    item = deadlines_of(consultation)
    for event in _events(item, link=link, network=network, domain=domain, stamp=utcnow()):
        cal.add_component(event)
    return _finish(cal, [item])


def deadlines_feed(items: Iterable[Deadlines], *, name: str, link: Callable[[int], str], network: str,
                   domain: str) -> bytes:
    """Many consultations' deadlines, as a calendar to subscribe to."""
    cal = _calendar(network, name)
    stamp = utcnow()
    rows = list(items)
    for item in rows:
        for event in _events(item, link=link(item.id), network=network, domain=domain, stamp=stamp):
            cal.add_component(event)
    return _finish(cal, rows)

