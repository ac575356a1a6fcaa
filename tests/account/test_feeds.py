"""Calendar subscription feeds, read back with the iCalendar library as a calendar app reads them:
dates that move, cancellations, whose deadlines each feed holds, and who the address lets in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask.testing import FlaskClient
from flask_sqlalchemy.record_queries import get_recorded_queries
from icalendar import Calendar

from tests import factories
from tests.account.conftest import feed_path, read_feed
from tracker.auth import sessions
from tracker.consultations import services as consultation_services
from tracker.drafts import people
from tracker.extensions import db
from tracker.models import Consultation, User
from tracker.timeutil import uk_today

FeedToken = Callable[[User], str]


def _closes(c: Consultation) -> str:
    return f"consultation-{c.id}-closes@tracker.test"


def _internal(c: Consultation) -> str:
    return f"consultation-{c.id}-internal@tracker.test"


def _edit_closing(coordinator: User, c: Consultation, closes_at: datetime) -> None:
    """The coordinator's edit of the closing date (the GOV.UK importer's moves use the same verb)."""
    consultation_services.update_consultation(
        coordinator, c,
        consultation_services.ConsultationData(
            title=c.title, issuing_organisation=c.issuing_organisation, closes_at=closes_at, url=c.url,
            summary=c.summary, opened_at=c.opened_at),
        seen_version=c.version)
    db.session.commit()


def test_a_moved_closing_date_keeps_its_uid_raises_its_sequence_and_is_in_uk_time(
        client: FlaskClient, users: dict[str, User], feed_token: FeedToken) -> None:
    lead = users["lead"]
    summer = factories.uk_instant(uk_today() + timedelta(days=60), time(23, 59))
    c = factories.make_consultation("drafting", title="Bus franchising", closes_at=summer, lead=lead)
    db.session.commit()
    path = feed_path(feed_token(lead), "mine")

    _, before = read_feed(client, path)
    assert int(before[_closes(c)]["sequence"]) == 0
    assert before[_closes(c)].decoded("dtend") == summer

    later = summer + timedelta(days=14)
    _edit_closing(users["coordinator"], c, later)
    response = client.get(path)
    cal, after = read_feed(client, path)
    closing = after[_closes(c)]
    assert int(closing["sequence"]) == 1
    assert closing.decoded("dtend") == later
    # Written in UK time with its zone, which the calendar carries.
    assert closing["dtend"].params["TZID"] == "Europe/London"
    assert closing.decoded("dtend").tzinfo.key == "Europe/London"  # type: ignore[union-attr]
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    assert b"TZID=Europe/London:" in response.data
    assert str(closing["status"]) == "CONFIRMED"
    # One event per deadline, however many times the feed is read.
    assert sorted(after) == sorted(before) == sorted([_closes(c), _internal(c)])


def test_a_moved_internal_deadline_is_an_all_day_event_on_its_new_day(
        client: FlaskClient, users: dict[str, User], feed_token: FeedToken) -> None:
    lead = users["lead"]
    c = factories.make_consultation("assigned", closes_in_days=40, lead=lead,
                                    internal_deadline=uk_today() + timedelta(days=20))
    db.session.commit()
    path = feed_path(feed_token(lead), "mine")
    first = read_feed(client, path)[1][_internal(c)]
    assert first.decoded("dtstart") == uk_today() + timedelta(days=20)

    new_day = uk_today() + timedelta(days=25)
    consultation_services.assign(users["coordinator"], c, work_area=c.work_area, city=c.lead_city,  # type: ignore[arg-type]
                                 policy_lead=lead, internal_deadline=new_day, seen_version=c.version)
    db.session.commit()
    internal = read_feed(client, path)[1][_internal(c)]
    assert internal.decoded("dtstart") == new_day
    assert internal.decoded("dtend") == new_day + timedelta(days=1)
    assert internal["dtstart"].params["VALUE"] == "DATE"
    assert int(internal["sequence"]) == int(first["sequence"]) + 1


def test_withdrawn_and_declined_consultations_stay_in_the_feed_as_cancelled(
        client: FlaskClient, users: dict[str, User], feed_token: FeedToken) -> None:
    coordinator = users["coordinator"]
    withdrawn = factories.make_consultation("drafting", lead=users["lead"], closes_in_days=20)
    declined = factories.make_consultation("new", closes_in_days=25)
    withdrawn_long_ago = factories.make_consultation("drafting", lead=users["lead"], closes_in_days=-120)
    db.session.commit()
    path = feed_path(feed_token(coordinator), "network")
    before = read_feed(client, path)[1]

    consultation_services.simple_transition(coordinator, withdrawn, "withdraw", "Withdrawn on GOV.UK",
                                            seen_version=withdrawn.version)
    consultation_services.triage(coordinator, declined, "no_response", "Not a city matter",
                                 seen_version=declined.version)
    db.session.commit()
    events = read_feed(client, path)[1]
    for uid in (_closes(withdrawn), _internal(withdrawn), _closes(declined)):
        assert str(events[uid]["status"]) == "CANCELLED", uid
        # A higher SEQUENCE, so that calendars that kept the earlier copy take the cancellation.
        assert int(events[uid]["sequence"]) > int(before[uid]["sequence"]), uid
    assert _closes(withdrawn_long_ago) not in events  # past the feed's window

    # A new triage that decides to respond after all brings the event back, as a later revision.
    cancelled_sequence = int(events[_closes(declined)]["sequence"])
    consultation_services.triage(coordinator, declined, "respond", "", seen_version=declined.version)
    db.session.commit()
    restored = read_feed(client, path)[1][_closes(declined)]
    assert str(restored["status"]) == "CONFIRMED"
    assert int(restored["sequence"]) > cancelled_sequence


def test_each_feed_holds_its_own_deadlines(client: FlaskClient, users: dict[str, User],
                                           feed_token: FeedToken) -> None:
    lead, other, contributor = users["lead"], users["other_lead"], users["contributor"]
    led_by_lead = factories.make_consultation("drafting", lead=lead, title="Led by Lena")
    led_by_hull = factories.make_consultation("assigned", city_name="Hull", title="Hull, no policy lead yet")
    led_by_salford = factories.make_consultation("drafting", lead=other, title="Salford's")
    untriaged = factories.make_consultation("new", title="Not yet triaged")
    closed_long_ago = factories.make_consultation("submitted", lead=lead, closes_in_days=-91, title="Old")
    db.session.commit()
    people.add_contributor(other, led_by_salford, contributor.id)  # Newport's officer, on Salford's draft
    db.session.commit()

    def titles(user: User, feed: str) -> set[str]:
        events = read_feed(client, feed_path(feed_token(user), feed))[1]
        return {str(e["summary"]).removeprefix("Closes: ") for e in events.values()
                if str(e["summary"]).startswith("Closes: ")}

    assert titles(lead, "mine") == {led_by_lead.title, led_by_hull.title}
    assert titles(other, "mine") == {led_by_salford.title}
    assert titles(contributor, "mine") == {led_by_salford.title}
    assert titles(users["coordinator"], "mine") == set()
    assert titles(contributor, "city/hull") == {led_by_lead.title, led_by_hull.title}
    assert titles(lead, "city/salford") == {led_by_salford.title}
    assert titles(lead, "city/newport") == set()
    network = titles(contributor, "network")
    assert network >= {led_by_lead.title, led_by_hull.title, led_by_salford.title, untriaged.title}
    assert closed_long_ago.title not in network
    response = client.get(feed_path(feed_token(lead), "city/nowhere"))
    assert response.status_code == 404


def test_the_feed_runs_the_same_statements_whatever_it_holds(client: FlaskClient, users: dict[str, User],
                                                             feed_token: FeedToken) -> None:
    lead = users["lead"]
    path = feed_path(feed_token(lead), "mine")

    def statements() -> int:
        db.session.expunge_all()
        start = len(get_recorded_queries())
        assert client.get(path).status_code == 200
        # The test's own savepoints (its transaction is rolled back at the end) are not the view's.
        return sum(1 for q in get_recorded_queries()[start:]
                   if not q.statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")))

    factories.make_consultation("drafting", lead=lead)
    db.session.commit()
    one = statements()
    for _ in range(12):
        factories.make_consultation("drafting", lead=factories.make_user("policy_lead", city_name="Hull"))
    db.session.commit()
    assert statements() == one == 2  # the token's owner, the deadlines


def test_the_downloaded_file_and_the_feed_describe_the_same_events(
        client: FlaskClient, as_user, users: dict[str, User], feed_token: FeedToken) -> None:  # type: ignore[no-untyped-def]
    c = factories.make_consultation("drafting", lead=users["lead"],
                                    closes_at=factories.uk_instant(date(2027, 1, 15), time(23, 45)))
    _edit_closing(users["coordinator"], c, factories.uk_instant(date(2027, 1, 20), time(23, 45)))
    download = as_user("lead").get(f"/consultations/{c.id}/deadlines.ics")
    downloaded = {str(e["uid"]): e for e in Calendar.from_ical(download.data).walk("VEVENT")}
    subscribed = read_feed(client, feed_path(feed_token(users['lead']), "mine"))[1]
    for uid in (_closes(c), _internal(c)):
        assert int(downloaded[uid]["sequence"]) == int(subscribed[uid]["sequence"]) == 1
        assert downloaded[uid].decoded("dtend") == subscribed[uid].decoded("dtend")
    # 23:45 in January is 23:45 UTC.
    assert subscribed[_closes(c)].decoded("dtend") == datetime(2027, 1, 20, 23, 45, tzinfo=UTC)


@pytest.mark.parametrize("token", [
    "no-such-token-at-all-0000000000000000000000",
    "x" * 500,
    "%00",
    "..%2F..%2Fetc",
    "%C3%A9t%C3%A9",
    "%ED%A0%80",  # a lone surrogate, as UTF-8
    "<script>",
])
def test_an_unknown_or_garbled_token_is_not_found(client: FlaskClient, users: dict[str, User],
                                                  feed_token: FeedToken, token: str) -> None:
    feed_token(users["lead"])
    for feed in ("mine", "network", "city/hull"):
        response = client.get(feed_path(token, feed))
        assert response.status_code == 404, (token, feed)
        assert b"BEGIN:VCALENDAR" not in response.data


def test_a_disabled_persons_address_stops_working(client: FlaskClient, users: dict[str, User],
                                                  feed_token: FeedToken) -> None:
    lead = users["lead"]
    token = feed_token(lead)
    assert client.get(feed_path(token, "mine")).status_code == 200
    lead.is_enabled = False
    db.session.commit()
    for feed in ("mine", "network", "city/hull"):
        assert client.get(feed_path(token, feed)).status_code == 404
    lead.is_enabled = True
    db.session.commit()
    assert client.get(feed_path(token, "mine")).status_code == 200


def test_the_feed_token_opens_nothing_but_the_feeds(client: FlaskClient, users: dict[str, User],
                                                    feed_token: FeedToken) -> None:
    token = feed_token(users["coordinator"])
    response = client.get(feed_path(token, "network"))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers  # reading a feed signs nobody in
    for attempt in ({"headers": {"Authorization": f"Bearer {token}"}}, {"query_string": {"token": token}}):
        page = client.get("/account", **attempt)  # type: ignore[arg-type]
        assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert sessions.load(token) is None  # not a sign-in session's token either


def test_a_full_feed_drops_the_oldest_deadlines_not_the_coming_ones(
        client: FlaskClient, users: dict[str, User], feed_token: FeedToken, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.account import queries

    monkeypatch.setattr(queries, "FEED_MAX_CONSULTATIONS", 3)
    by_day = {days: factories.make_consultation("new", closes_in_days=days, title=f"Closes in {days}")
              for days in (-60, -10, 5, 20, 40)}
    db.session.commit()
    events = read_feed(client, feed_path(feed_token(users["contributor"]), "network"))[1]
    assert sorted(events) == sorted(_closes(by_day[d]) for d in (5, 20, 40))
    # Soonest first in the file.
    order = [str(e["summary"]) for e in Calendar.from_ical(
        client.get(feed_path(feed_token(users["contributor"]), "network")).data).walk("VEVENT")]
    assert order == ["Closes: Closes in 5", "Closes: Closes in 20", "Closes: Closes in 40"]


def test_a_feed_read_again_within_seconds_is_served_as_drawn_and_a_change_here_is_seen_at_once(
        app, client: FlaskClient, users: dict[str, User], feed_token: FeedToken,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "LIST_COUNT_CACHE_SECONDS", 30)
    lead = users["lead"]
    summer = factories.uk_instant(uk_today() + timedelta(days=60), time(23, 59))
    c = factories.make_consultation("drafting", title="Bus franchising", closes_at=summer, lead=lead)
    db.session.commit()
    path = feed_path(feed_token(lead), "network")
    first = client.get(path)
    db.session.expunge_all()
    start = len(get_recorded_queries())
    again = client.get(path)
    statements = [q.statement for q in get_recorded_queries()[start:]
                  if not q.statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    # Only who the address is: the deadlines are neither read nor drawn again.
    assert again.status_code == 200 and again.data == first.data and len(statements) == 1, statements
    later = summer + timedelta(days=14)
    c = db.session.merge(c)
    _edit_closing(db.session.merge(users["coordinator"]), c, later)
    _, events = read_feed(client, path)
    assert events[_closes(c)].decoded("dtend") == later
