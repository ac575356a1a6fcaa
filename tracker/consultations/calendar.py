"""Deadlines as iCalendar (RFC 5545), so officers can put them in Outlook or any calendar."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar, Event

from tracker.models import Consultation
from tracker.timeutil import utcnow


def deadlines_calendar(consultation: Consultation, *, link: str, network: str, domain: str) -> bytes:
    """The government's closing time and, once assigned, the network's internal deadline."""
    cal = Calendar()
    cal.add("prodid", f"-//{network}//Key Cities Tracker//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    stamp = utcnow()

    closing = Event()
    # Stable UIDs: importing the file again updates the events instead of duplicating them.
    closing.add("uid", f"consultation-{consultation.id}-closes@{domain}")
    closing.add("dtstamp", stamp)
    closing.add("summary", f"Closes: {consultation.title}")
    # A short event ending at the closing instant, stored in UTC: calendars show local time.
    closing.add("dtstart", consultation.closes_at - timedelta(minutes=30))
    closing.add("dtend", consultation.closes_at)
    closing.add("description", f"Government deadline ({consultation.issuing_organisation}).\n{link}")
    closing.add("url", link)
    cal.add_component(closing)

    if consultation.internal_deadline is not None:
        internal = Event()
        internal.add("uid", f"consultation-{consultation.id}-internal@{domain}")
        internal.add("dtstamp", stamp)
        internal.add("summary", f"{network} internal deadline: {consultation.title}")
        internal.add("dtstart", consultation.internal_deadline)  # a whole working day
        internal.add("dtend", consultation.internal_deadline + timedelta(days=1))
        lead = consultation.lead_city.name if consultation.lead_city else "the lead city"
        internal.add("description", f"Draft response from {lead} due for review.\n{link}")
        internal.add("url", link)
        cal.add_component(internal)
    return cal.to_ical()
