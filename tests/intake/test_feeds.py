"""Atom and RSS feeds as intake sources: imported from a real local HTTP server into the same inbox,
with the same idempotence, run log and per-item errors as the other importers; fetched only from the
admin's host, within the limits, a short read said to be one."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from flask import Flask
from sqlalchemy import func, select

from tests import factories
from tests.intake.feed_server import FeedServer, fixture, running_feed_server
from tracker.extensions import db
from tracker.intake import feedsources, importer, services, tasks
from tracker.intake.feeds import FeedAdapter, closing_date
from tracker.models import ActivityLog, Consultation, IssuerType, User
from tracker.models.intake import FeedSource, ImportRun, IntakeItem, ItemState
from tracker.timeutil import to_uk


@pytest.fixture(scope="module")
def feed_server() -> Iterator[FeedServer]:
    with running_feed_server() as server:
        yield server


@pytest.fixture
def feeds(app: Flask, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch) -> FeedServer:
    feed_server.answers.clear()
    feed_server.requests.clear()
    for key, value in {"GOVUK_REQUESTS_PER_SECOND": 0, "GOVUK_RETRY_BACKOFF_SECONDS": 0.01,
                       "GOVUK_READ_TIMEOUT": 5}.items():
        monkeypatch.setitem(app.config, key, value)
    return feed_server


def add_feed(admin: User, url: str, *, name: str = "Welsh Government", area: str | None = "Transport") -> FeedSource:
    feed = feedsources.add_feed(admin, feedsources.FeedData(
        url=url, issuer_name=name, issuer_type=IssuerType.OTHER_BODY.value,
        default_work_area=factories.work_area(area) if area else None))
    db.session.commit()
    return feed


def run(feed: FeedSource) -> importer.ImportResult:
    result = importer.run_import(FeedAdapter(feed), trigger="beat")
    db.session.commit()
    return result


def test_closing_dates_are_read_from_the_entry_text() -> None:
    assert to_uk(closing_date("Closing date: 12 March 2030")).strftime("%Y-%m-%d %H:%M") == "2030-03-12 23:59"
    assert closing_date("This consultation closes on Friday 12th April 2030.").date().isoformat() == "2030-04-12"
    assert closing_date("Deadline: 2030-03-01") is not None
    assert closing_date("Respond by 01/03/2030") is not None
    assert closing_date("Published 12 March 2030") is None
    assert closing_date("Closing date: 31 February 2030") is None


def test_an_atom_feed_imported_twice_moves_a_date_reports_a_bad_entry_and_adds_nothing_more(
    feeds: FeedServer, admin: User, coordinator: User,
) -> None:
    url = feeds.serve("/wales.atom", fixture("welsh_government.atom", CLOSES_A="12 March 2030"))
    feed = add_feed(admin, url)

    first = run(feed)
    assert (first.new, first.updated, first.found) == (2, 0, 3)
    assert len(first.errors) == 1 and "no closing date in the entry" in first.errors[0]
    assert first.errors[0].startswith("A notice with no closing date")
    items = {i.title: i for i in db.session.scalars(select(IntakeItem).where(IntakeItem.feed_source_id == feed.id))}
    assert set(items) == {"Bus franchising in Wales: the network plan", "Changing school term dates"}
    bus, school = items["Bus franchising in Wales: the network plan"], items["Changing school term dates"]
    assert bus.state == ItemState.PENDING and bus.organisations == ["Welsh Government"]
    assert to_uk(bus.closes_at).strftime("%-d %B %Y %H:%M") == "12 March 2030 23:59"
    # The entry's HTML is text: no tag survives to be drawn.
    assert "<" not in school.summary and "Proposals for the school year" in school.summary
    assert school.suggested_work_area is not None  # "school" is an Education keyword
    assert bus.suggested_work_area is not None and bus.suggested_work_area.name == "Transport"
    recorded = db.session.get(ImportRun, first.run_id)
    assert recorded is not None and recorded.feed_source_id == feed.id and recorded.error_count == 1
    assert recorded.source_label == "Welsh Government's feed"

    consultation = services.accept_item(coordinator, bus)
    db.session.commit()
    assert consultation.issuer_type == IssuerType.OTHER_BODY
    assert consultation.issuing_organisation == "Welsh Government"
    assert consultation.url.startswith("https://www.gov.wales/bus-franchising")

    # The closing date moves: the second run updates the item and the consultation made from it.
    feeds.serve("/wales.atom", fixture("welsh_government.atom", CLOSES_A="19 March 2030"))
    second = run(feed)
    assert (second.new, second.updated) == (0, 1)
    assert not second.errors and len(second.known_bad) == 1  # the same bad entry: already reported
    db.session.refresh(consultation)
    assert to_uk(consultation.closes_at).strftime("%-d %B %Y") == "19 March 2030"

    third = run(feed)
    assert (third.new, third.updated, third.skipped) == (0, 0, 3)
    assert third.exit_status == 0
    assert db.session.scalar(select(func.count(IntakeItem.id)).where(IntakeItem.feed_source_id == feed.id)) == 2
    assert db.session.scalar(select(func.count(Consultation.id))
                             .where(Consultation.url_key == consultation.url_key)) == 1


def test_an_rss_feed_is_imported_as_an_atom_one_is(feeds: FeedServer, admin: User, coordinator: User) -> None:
    feed = add_feed(admin, feeds.serve("/senedd.rss", fixture("senedd.rss"),
                                       headers={"Content-Type": "application/rss+xml"}),
                    name="Senedd", area=None)
    result = run(feed)
    assert (result.new, result.errors) == (1, [])
    item = db.session.scalar(select(IntakeItem).where(IntakeItem.feed_source_id == feed.id))
    assert item is not None and item.title == "Call for evidence: local government finance"
    assert item.kind_label == "Call for evidence"
    assert to_uk(item.closes_at).date().isoformat() == "2030-03-01"
    assert item.opened_at is not None and to_uk(item.opened_at).date().isoformat() == "2030-01-07"
    assert run(feed).new == 0


@pytest.mark.parametrize(("answer", "expected"), [
    ({"body": "<html><body>Not a feed</body></html>", "headers": {"Content-Type": "text/html"}},
     "not an Atom or RSS feed"),
    ({"body": fixture("senedd.rss"), "declared": 1900}, "short read: got"),
    ({"body": "x" * 3000}, "over the limit of 2,000 bytes (FEED_MAX_BYTES)"),
    ({"body": "", "status": 500}, "HTTP 500"),
])
def test_a_feed_that_cannot_be_read_makes_the_run_incomplete_and_says_why(
    feeds: FeedServer, admin: User, app: Flask, monkeypatch: pytest.MonkeyPatch, answer: dict, expected: str,
) -> None:
    monkeypatch.setitem(app.config, "FEED_MAX_BYTES", 2000)
    feed = add_feed(admin, feeds.serve("/bad.xml", **answer))
    result = run(feed)
    assert result.new == 0 and result.exit_status == 1
    assert any(expected in line for line in result.errors), result.errors
    assert result.incomplete.startswith("Incomplete: read 0")


def test_a_redirect_to_another_host_is_refused(feeds: FeedServer, admin: User) -> None:
    port = feeds.url.rsplit(":", 1)[1]
    feeds.serve("/moved.atom", "", status=302, headers={"Location": f"http://localhost:{port}/wales.atom"})
    feeds.serve("/wales.atom", fixture("welsh_government.atom", CLOSES_A="12 March 2030"))
    result = run(add_feed(admin, feeds.url + "/moved.atom"))
    assert result.new == 0
    assert any("refused: http://localhost" in line and f"only 127.0.0.1:{port}, the feed's own host" in line
               for line in result.errors), result.errors
    assert "/wales.atom" not in feeds.requests
    # The same redirect within the host is followed.
    feeds.serve("/moved-here.atom", "", status=301, headers={"Location": "/wales.atom"})
    assert run(add_feed(admin, feeds.url + "/moved-here.atom", name="Welsh Government again")).new == 2


def test_the_hourly_task_reads_each_enabled_feed_and_not_the_disabled(feeds: FeedServer, admin: User,
                                                                      app: Flask) -> None:
    assert app.extensions["celery"].conf.beat_schedule["intake-import-feeds"] == {
        "task": "tracker.intake.tasks.import_feeds", "schedule": 3600.0}
    on = add_feed(admin, feeds.serve("/wales.atom", fixture("welsh_government.atom", CLOSES_A="12 March 2030")))
    off = add_feed(admin, feeds.serve("/senedd.rss", fixture("senedd.rss")), name="Senedd")
    feedsources.set_enabled(admin, off, False, seen_version=off.version)
    db.session.commit()
    totals = tasks.import_feeds.run()
    assert totals["new"] == 2 and totals["errors"] == 1
    assert "/senedd.rss" not in feeds.requests
    assert db.session.scalar(select(func.count(ImportRun.id)).where(ImportRun.feed_source_id == on.id)) == 1


def test_the_history_says_when_the_item_was_imported_in_uk_time(
    feeds: FeedServer, admin: User, coordinator: User, as_user,  # type: ignore[no-untyped-def]
) -> None:
    feed = add_feed(admin, feeds.serve("/wales.atom", fixture("welsh_government.atom", CLOSES_A="12 March 2030")))
    with time_machine.travel(datetime(2029, 6, 1, 8, 30, tzinfo=UTC), tick=False):
        run(feed)
    item = db.session.scalar(select(IntakeItem).where(IntakeItem.title == "Changing school term dates"))
    assert item is not None
    consultation = services.accept_item(coordinator, item)
    db.session.commit()
    expected = "Imported from an Atom or RSS feed on 1 June 2029 at 09:30 (UK time)"
    assert db.session.scalar(select(ActivityLog.message).where(ActivityLog.consultation_id == consultation.id,
                                                               ActivityLog.action == "create")) == expected
    page = as_user("coordinator").get(f"/consultations/{consultation.id}")
    assert page.status_code == 200 and expected in html.unescape(page.get_data(as_text=True))


def test_a_feed_item_reads_as_its_feeds_on_the_inbox_item_and_consultation_pages(
    feeds: FeedServer, admin: User, coordinator: User, as_user,  # type: ignore[no-untyped-def]
) -> None:
    run(add_feed(admin, feeds.serve("/wales.atom", fixture("welsh_government.atom", CLOSES_A="12 March 2030"))))
    item = db.session.scalar(select(IntakeItem).where(IntakeItem.title == "Changing school term dates"))
    assert item is not None
    client = as_user("coordinator")
    inbox = html.unescape(client.get("/intake/").get_data(as_text=True))
    assert "Welsh Government's feed" in inbox and "Last import (Welsh Government's feed)" in inbox
    page = client.get(f"/intake/items/{item.id}").get_data(as_text=True)
    assert "Consultation from Welsh Government&#39;s feed" in page
    assert "<script>" not in page and "alert(" not in page  # the entry's HTML never reaches the page
    assert 'href="https://www.gov.wales/changing-school-term-dates"' in page
    consultation = services.accept_item(coordinator, item)
    db.session.commit()
    detail = html.unescape(client.get(f"/consultations/{consultation.id}").get_data(as_text=True))
    assert "From Welsh Government's feed" in detail and "Imported from an Atom or RSS feed on" in detail


def test_the_command_imports_one_feed_and_says_what_failed(feeds: FeedServer, admin: User, app: Flask) -> None:
    feed = add_feed(admin, feeds.serve("/wales.atom", fixture("welsh_government.atom", CLOSES_A="12 March 2030")))
    dry = app.test_cli_runner().invoke(args=["import-feed", str(feed.id), "--dry-run"])
    assert "would change: new: Bus franchising in Wales" in dry.output and "Dry run: nothing was written." in dry.output
    assert db.session.scalar(select(func.count(IntakeItem.id)).where(IntakeItem.feed_source_id == feed.id)) == 0
    result = app.test_cli_runner().invoke(args=["import-feed", str(feed.id)])
    assert result.exit_code == 1 and "found 3, new 2, updated 0, skipped 1" in result.output
    assert "A notice with no closing date: no closing date in the entry" in result.output
    again = app.test_cli_runner().invoke(args=["import-feed", str(feed.id)])
    assert again.exit_code == 0 and "known bad, already reported" in again.output
    missing = app.test_cli_runner().invoke(args=["import-feed", "99999999999"])
    assert missing.exit_code == 1 and "There is no feed 99999999999" in missing.output
