"""The deadlines download opens in calendar software: parse it back with the iCalendar library."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from icalendar import Calendar

from tests import factories
from tracker.extensions import db


def test_deadlines_file_has_the_closing_instant_and_the_internal_deadline(as_user) -> None:
    c = factories.make_consultation(
        "assigned", title="Bus franchising: guidance",
        closes_at=factories.uk_instant(date(2027, 6, 30), time(23, 59)),
        internal_deadline=date(2027, 6, 23),
    )
    db.session.commit()
    response = as_user("contributor").get(f"/consultations/{c.id}/deadlines.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    cal = Calendar.from_ical(response.data)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    closing = events[f"consultation-{c.id}-closes@tracker.test"]
    # 23:59 on 30 June is 22:59 UTC (British Summer Time).
    assert closing.decoded("dtend") == datetime(2027, 6, 30, 22, 59, tzinfo=UTC)
    assert "Closes: Bus franchising: guidance" == str(closing["summary"])
    assert f"/consultations/{c.id}" in str(closing["url"])
    internal = events[f"consultation-{c.id}-internal@tracker.test"]
    assert internal.decoded("dtstart") == date(2027, 6, 23)
    assert "Hull" in str(internal["description"])


def test_unassigned_consultation_has_only_the_closing_event(as_user) -> None:
    c = factories.make_consultation("new")
    db.session.commit()
    cal = Calendar.from_ical(as_user("lead").get(f"/consultations/{c.id}/deadlines.ics").data)
    assert [str(e["summary"]) for e in cal.walk("VEVENT")] == [f"Closes: {c.title}"]


def test_the_page_links_to_it_and_strangers_are_sent_to_sign_in(as_user, client) -> None:
    c = factories.make_consultation("new")
    db.session.commit()
    assert f"/consultations/{c.id}/deadlines.ics" in as_user("contributor").get(f"/consultations/{c.id}").get_data(as_text=True)
    response = client.get(f"/consultations/{c.id}/deadlines.ics")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert as_user("contributor").get("/consultations/999999/deadlines.ics").status_code == 404
