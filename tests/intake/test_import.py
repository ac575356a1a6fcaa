"""The importer against a real local HTTP server that answers like GOV.UK."""

from __future__ import annotations

import json
import time
from datetime import timedelta

from sqlalchemy import func, select

from tests import factories
from tests.intake.govuk_server import iso, make_item
from tracker.extensions import db
from tracker.intake import importer, queries, services, sources
from tracker.models import ActivityLog, Consultation, Source, Status
from tracker.models.intake import ImportRun, IntakeItem, ItemState
from tracker.models.messages import Notification
from tracker.timeutil import utcnow


def _item(content_id_n: int) -> IntakeItem:
    row = db.session.scalar(
        select(IntakeItem).where(IntakeItem.content_id == f"00000000-0000-4000-8000-{content_id_n:012d}")
    )
    assert row is not None, f"item {content_id_n} was not imported"
    return row


def _count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _publish_mixed_set(govuk) -> None:  # type: ignore[no-untyped-def]
    """Seven consultations over three pages of three, two calls for evidence, bad items."""
    govuk.add(*make_item(1, title="Bus franchising guidance", org="DfT",
                         summary="<p>Views on <script>alert(1)</script><b>bus</b> franchising &amp; fares.</p>",
                         nations={"england": True, "wales": False, "scotland": False, "northern_ireland": False}))
    govuk.add(*make_item(2, title="Adult social care charging", org="DHSC"))
    govuk.add(*make_item(3, title="Scottish ferries", org="DfT",
                         nations={"england": False, "wales": False, "scotland": True, "northern_ireland": False}))
    # Closed between the search index and now: the Content API already says so.
    govuk.add(*make_item(4, title="Local plan timetables", org="MHCLG", document_type="closed_consultation"))
    govuk.add(*make_item(5, title="Ground rent cap", org="MHCLG", withdrawn="Replaced by the Leasehold Bill."))
    bad_date = make_item(6, title="Malformed closing date")
    bad_date[1]["details"]["closing_date"] = "31 February, midnight"
    bad_date[0]["end_date"] = "soon"
    govuk.add(*bad_date)
    no_title = make_item(7, title="Will lose its title")
    no_title[1]["title"] = ""
    no_title[0]["title"] = None
    govuk.add(*no_title)
    govuk.add(*make_item(8, title="Call for evidence: export barriers", org="DBT",
                         document_type="open_call_for_evidence"))
    govuk.add(*make_item(9, title="Call for evidence: urban flooding", org="Defra",
                         document_type="open_call_for_evidence"))
    # A search result with neither content_id nor link.
    govuk.results["open_consultation"].append({"title": "Broken result", "description": "no ids"})


def test_first_import_creates_the_right_rows_over_several_pages(govuk, run_import):
    _publish_mixed_set(govuk)

    result = run_import()

    assert (result.found, result.new, result.updated, result.skipped) == (10, 7, 0, 3)
    assert _count(IntakeItem) == 7
    # Several pages of each type were asked for, with count/start and the documented fields.
    searches = [p for p, _ in govuk.requests if p.startswith("/api/search.json")]
    assert any("start=3" in p for p in searches) and any("start=6" in p for p in searches)
    assert all("count=3" in p and "content_id" in p for p in searches)
    assert any("open_call_for_evidence" in p for p in searches)
    # A polite User-Agent on every request.
    assert all("KeyCitiesTracker" in headers.get("User-Agent", "") for _, headers in govuk.requests)

    bus = _item(1)
    assert bus.state == ItemState.PENDING
    assert bus.title == "Bus franchising guidance"
    assert bus.summary == "Views on bus franchising & fares."  # HTML stripped, script dropped
    assert bus.organisations == ["Department for Transport"]
    assert bus.document_type == "open_consultation"
    assert bus.closes_at is not None and bus.closes_at.tzinfo is not None
    assert bus.ways_to_respond["email"] == "consultation1@example.gov.uk"
    assert bus.applies_to_network is True
    assert bus.suggested_work_area.name == "Transport"

    assert _item(3).applies_to_network is False  # flagged, not hidden
    assert _item(3).state == ItemState.PENDING
    assert _item(4).document_type == "closed_consultation"
    assert _item(5).state == ItemState.WITHDRAWN and _item(5).withdrawn_at is not None
    assert _item(8).is_call_for_evidence and _item(8).suggested_work_area.name == "Brexit and Trade"
    assert _item(9).suggested_work_area.name == "Climate Emergency"

    run = db.session.scalar(select(ImportRun))
    assert (run.found, run.new, run.updated, run.skipped, run.error_count) == (10, 7, 0, 3, 3)
    assert run.finished_at is not None
    assert "closing date" in run.errors and "title is missing" in run.errors
    assert "no content_id or link" in run.errors


def test_second_import_creates_nothing_and_fetches_no_content(govuk, run_import):
    _publish_mixed_set(govuk)
    run_import()
    before = {i.content_id: (i.closes_at, i.title, i.state) for i in db.session.scalars(select(IntakeItem))}
    govuk.requests.clear()

    result = run_import()

    assert (result.new, result.updated) == (0, 0)
    assert result.found == 10
    assert _count(IntakeItem) == 7
    after = {i.content_id: (i.closes_at, i.title, i.state) for i in db.session.scalars(select(IntakeItem))}
    assert after == before
    # Unchanged search results need no Content API call; only the still-bad items are retried.
    content_calls = [p for p in govuk.paths() if p.startswith("/api/content/")]
    assert sorted(content_calls) == ["/api/content/government/consultations/item-6",
                                     "/api/content/government/consultations/item-7"]


def test_changed_closing_date_updates_the_consultation_and_logs_it(govuk, run_import, coordinator):
    result, content = make_item(11, title="Bus fares cap")
    govuk.add(result, content)
    run_import()
    consultation = services.accept_item(coordinator, _item(11))
    db.session.commit()
    old = consultation.closes_at

    new_close = old + timedelta(days=14)
    result["end_date"] = iso(new_close)
    content["details"]["closing_date"] = iso(new_close)
    outcome = run_import()

    assert (outcome.new, outcome.updated) == (0, 1)
    db.session.expire_all()
    consultation = db.session.get(Consultation, consultation.id)
    assert consultation.closes_at == new_close
    assert _item(11).closes_at == new_close
    log = db.session.scalars(
        select(ActivityLog).where(ActivityLog.consultation_id == consultation.id, ActivityLog.action == "edit")
    ).all()
    assert len(log) == 1
    assert log[0].actor_id is None
    assert "Closing date changed" in log[0].message
    assert log[0].before["closes_at"] == old.isoformat()


def test_outcome_is_detected_and_the_lead_told(govuk, run_import, coordinator, lead):
    result, content = make_item(12, title="Rail reform")
    govuk.add(result, content)
    run_import()
    consultation = services.accept_item(coordinator, _item(12))
    consultation.status = Status.SUBMITTED.value
    consultation.policy_lead = lead
    db.session.commit()

    # It closes (so it leaves the open list), then the outcome is published.
    govuk.results["open_consultation"].clear()
    content["document_type"] = "consultation_outcome"
    outcome = run_import()

    assert outcome.updated == 1
    db.session.expire_all()
    consultation = db.session.get(Consultation, consultation.id)
    assert consultation.status == Status.OUTCOME_PUBLISHED
    assert _item(12).has_outcome and _item(12).outcome_seen_at is not None
    entry = db.session.scalar(
        select(ActivityLog).where(ActivityLog.consultation_id == consultation.id,
                                  ActivityLog.action == "publish_outcome")
    )
    assert entry is not None and entry.actor_id is None
    notes = db.session.scalars(select(Notification).where(Notification.user_id == lead.id)).all()
    assert [n.kind for n in notes] == ["outcome"]
    assert "Rail reform" in notes[0].subject

    # Once seen, it is not followed up again.
    govuk.requests.clear()
    run_import()
    assert not [p for p in govuk.paths() if p.startswith("/api/content/")]


def test_outcome_for_a_status_that_cannot_move_is_only_logged(govuk, run_import, coordinator):
    result, content = make_item(13, title="Cycling strategy")
    govuk.add(result, content)
    run_import()
    consultation = services.accept_item(coordinator, _item(13))
    db.session.commit()
    govuk.results["open_consultation"].clear()
    content["document_type"] = "consultation_outcome"

    run_import()

    db.session.expire_all()
    consultation = db.session.get(Consultation, consultation.id)
    assert consultation.status == Status.NEW
    actions = set(db.session.scalars(
        select(ActivityLog.action).where(ActivityLog.consultation_id == consultation.id)))
    assert "govuk_outcome" in actions


def test_withdrawn_item_is_marked_never_deleted(govuk, run_import, coordinator):
    result, content = make_item(14, title="Road user charging")
    govuk.add(result, content)
    run_import()
    consultation = services.accept_item(coordinator, _item(14))
    db.session.commit()

    result["is_withdrawn"] = True
    content["withdrawn_notice"] = {"explanation": "<p>No longer government policy.</p>", "withdrawn_at": iso(utcnow())}
    run_import()

    db.session.expire_all()
    item = _item(14)
    assert item.state == ItemState.WITHDRAWN and item.withdrawn_at is not None
    assert item.consultation_id == consultation.id
    consultation = db.session.get(Consultation, consultation.id)
    assert consultation.status == Status.WITHDRAWN
    assert _count(Consultation) == 1


def test_removed_page_410_marks_a_followed_item_withdrawn(govuk, run_import):
    result, content = make_item(15)
    govuk.add(result, content)
    run_import()
    govuk.results["open_consultation"].clear()
    govuk.content[result["link"]] = (410, b'{"error": "gone"}')

    run_import()

    assert _item(15).state == ItemState.WITHDRAWN


def test_429_then_success_respects_retry_after(govuk, app):
    result, content = make_item(16, title="Taxi licensing")
    govuk.add(result, content)
    govuk.script[f"/api/content{result['link']}"] = [(429, b"{}", {"Retry-After": "1"})]
    source = sources.make_api_source()
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(seconds)

    source.client.sleep = sleep
    outcome = importer.run_import(source)
    db.session.commit()

    assert outcome.new == 1 and not outcome.errors
    assert 1.0 in waits
    assert govuk.paths().count(f"/api/content{result['link']}") == 2


def test_500s_are_retried_then_the_item_is_skipped_and_reported(govuk, run_import):
    good = make_item(17, title="Good one")
    broken = make_item(18, title="Server error")
    govuk.add(*good)
    govuk.add(*broken)
    govuk.script[f"/api/content{broken[0]['link']}"] = [(500, b"oops", {})] * 10
    # A search page that fails once is retried and read.
    govuk.script["/api/search.json"] = [(503, b"", {})]

    outcome = run_import()

    assert outcome.new == 1
    assert govuk.paths().count(f"/api/content{broken[0]['link']}") == 4  # 1 + 3 retries
    assert any("HTTP 500 after 4 attempts" in e for e in outcome.errors)
    assert _count(IntakeItem) == 1


def test_truncated_json_is_skipped_and_a_stored_row_is_not_corrupted(govuk, run_import):
    result, content = make_item(19, title="Original title")
    govuk.add(result, content)
    run_import()
    stored = (_item(19).title, _item(19).closes_at)

    # The next run sees a change, but the content comes back cut short, then malformed.
    result["title"] = "Changed title"
    govuk.content[result["link"]] = json.dumps(content).encode()[:80]
    first = run_import()
    content["details"]["closing_date"] = "2027-13-45"
    govuk.content[result["link"]] = content
    second = run_import()

    assert any("not valid JSON" in e for e in first.errors)
    assert any("closing date" in e for e in second.errors)
    db.session.expire_all()
    assert (_item(19).title, _item(19).closes_at) == stored


def test_a_search_page_that_stays_broken_is_reported_and_other_types_still_read(govuk, run_import):
    govuk.add(*make_item(20, document_type="open_call_for_evidence"))
    govuk.add(*make_item(21))
    govuk.script["/api/search.json"] = [(200, b'{"results": [', {})]

    outcome = run_import()

    assert any("search" in e and "not valid JSON" in e for e in outcome.errors)
    assert outcome.new == 1  # the other document type was still read


def test_a_middle_search_page_that_keeps_failing_is_skipped_and_paging_goes_on(govuk, run_import):
    for n in range(30, 37):
        govuk.add(*make_item(n))
    govuk.broken_pages.add(("open_consultation", 3))

    outcome = run_import()

    assert outcome.new == 4  # pages at start=0 and start=6 were read
    assert any("start=3" in e and "HTTP 500 after 4 attempts" in e for e in outcome.errors)
    assert _count(IntakeItem) == 4


def test_dismissed_item_is_not_reimported(govuk, run_import, coordinator):
    result, content = make_item(22, title="Not for us")
    govuk.add(result, content)
    run_import()
    services.dismiss_item(coordinator, _item(22), "Applies to national parks only")
    db.session.commit()

    result["end_date"] = iso(utcnow() + timedelta(days=90))
    content["details"]["closing_date"] = result["end_date"]
    govuk.requests.clear()
    outcome = run_import()

    assert (outcome.new, outcome.updated, outcome.skipped) == (0, 0, 1)
    assert _item(22).state == ItemState.DISMISSED
    assert _item(22).dismissal_reason == "Applies to national parks only"
    assert not [p for p in govuk.paths() if p.startswith("/api/content/")]
    assert queries.inbox_count() == 0


def test_accept_creates_a_new_consultation_with_the_suggested_area(govuk, run_import, coordinator):
    govuk.add(*make_item(23, title="School transport for SEND pupils", org="DfE"))
    run_import()
    item = _item(23)

    consultation = services.accept_item(coordinator, item)
    db.session.commit()

    assert consultation.status == Status.NEW
    assert consultation.source == Source.GOVUK
    assert consultation.external_id == item.content_id
    assert consultation.work_area.name == "Young People, Skills and Education"
    assert consultation.closes_at == item.closes_at
    assert consultation.url.endswith("/government/consultations/item-23")
    assert item.state == ItemState.ACCEPTED and item.decided_by_id == coordinator.id
    actions = set(db.session.scalars(
        select(ActivityLog.action).where(ActivityLog.consultation_id == consultation.id)))
    assert {"create", "govuk_accept"} <= actions


def test_sample_set_served_over_http_matches_the_from_dir_import(govuk, run_import, app):
    govuk.load_dir()
    over_http = run_import()
    assert (over_http.found, over_http.new, over_http.skipped) == (11, 10, 1)
    titles = set(db.session.scalars(select(IntakeItem.title)))
    assert "Bus services: improving reliability and passenger information" in titles


def test_demo_seed_is_idempotent(app):
    from tracker.intake import demo

    factories.make_user("coordinator", email=demo.DEMO_COORDINATOR)
    demo.seed_demo()
    db.session.commit()
    demo.seed_demo()
    db.session.commit()

    # Ten from GOV.UK (one withdrawn there, two accepted to show the consultation panel with the
    # documents read) and five select committees' calls for evidence, each set imported once.
    assert _count(IntakeItem) == 15
    assert _count(ImportRun) == 2
    assert queries.inbox_count() == 12
    assert db.session.scalar(select(func.count(IntakeItem.id)).where(IntakeItem.source == "committees")) == 5
    assert _count(Consultation) == 2
    pending = set(db.session.scalars(select(IntakeItem.content_id).where(IntakeItem.state == "pending")))
    assert "00000000-0000-4000-8000-000000000108" not in pending  # withdrawn on GOV.UK


def test_beat_task_imports_and_commits(govuk):
    from tracker.intake.tasks import import_govuk

    govuk.add(*make_item(24))
    counts = import_govuk.run()
    db.session.remove()

    assert counts == {"found": 1, "new": 1, "updated": 0, "skipped": 0, "errors": 0, "known_bad": 0, "incomplete": 0}
    assert _count(IntakeItem) == 1
    assert _count(ImportRun) == 1


def test_dry_run_writes_nothing_and_notifies_nobody(govuk, coordinator):
    govuk.add(*make_item(25))
    importer.run_import(sources.make_api_source(), dry_run=True)
    db.session.rollback()
    assert _count(IntakeItem) == 0
    assert _count(ImportRun) == 0


def test_factories_consultation_untouched_by_import(govuk, run_import):
    manual = factories.make_consultation(Status.NEW, title="Logged by hand")
    db.session.commit()
    govuk.add(*make_item(26))
    run_import()
    assert db.session.get(Consultation, manual.id).title == "Logged by hand"


def test_content_item_with_another_content_id_is_refused(govuk, run_import):
    result, content = make_item(27)
    content["content_id"] = "ffffffff-0000-4000-8000-000000000000"
    govuk.add(result, content)

    first = run_import()
    second = run_import()

    assert first.new == 0 and second.new == 0
    assert any("content_id is ffffffff" in e for e in first.errors)
    # Unchanged and refused just so again: known bad, already reported, not a new failure.
    assert second.errors == [] and second.exit_status == 0
    assert any("content_id is ffffffff" in e for e in second.known_bad)
    assert _count(IntakeItem) == 0
