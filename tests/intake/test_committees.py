"""The select committees' import against a real local HTTP server that answers like Parliament's
Committees API, serving the recorded sample set (tracker/intake/sample_data/committees)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tests.intake.committees_server import SAMPLE_DIR
from tracker.extensions import db
from tracker.intake import committees, lock, queries, services
from tracker.models import ActivityLog, Consultation, IssuerType, Source, Status
from tracker.models.intake import ImportRun, IntakeItem, ItemSource, ItemState
from tracker.timeutil import to_uk, utcnow

SITE = "https://committees.parliament.uk"


def _item(business_id: int) -> IntakeItem:
    row = db.session.scalar(select(IntakeItem).where(IntakeItem.source == "committees",
                                                   IntakeItem.content_id == str(business_id)))
    assert row is not None, f"business {business_id} was not imported"
    return row


def _count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _uk(value: datetime | None) -> str:
    assert value is not None and value.tzinfo is not None
    return f"{to_uk(value):%Y-%m-%d %H:%M}"


def _detail_paths(server) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(p for p in server.paths() if p.startswith("/api/CommitteeBusiness/"))


def test_first_import_reads_every_page_and_keeps_the_right_facts(committees_api, import_committees):
    committees_api.load_dir()

    result = import_committees()

    # Seven listed over three pages of three: five imported, a malformed one and one without an id reported.
    assert (result.found, result.new, result.updated, result.skipped) == (7, 5, 0, 2)
    assert len(result.errors) == 2
    assert any("committee business 8406" in e and "submission period closing date" in e for e in result.errors)
    assert any("no business id" in e for e in result.errors)
    listing = [p for p, _ in committees_api.requests if p.startswith("/api/CommitteeBusiness?")]
    assert len(listing) == 3
    assert all("CurrentlyAcceptingEvidence=true" in p and "Take=3" in p for p in listing)
    assert {p.split("Skip=")[1].split("&")[0] for p in listing} == {"0", "3", "6"}
    assert all("KeyCitiesTracker" in headers.get("User-Agent", "") for _, headers in committees_api.requests)

    bus = _item(8401)
    assert bus.source == ItemSource.COMMITTEES and bus.state == ItemState.PENDING
    assert bus.title == "Bus services in England outside London"
    assert bus.organisations == ["Transport Committee"]
    assert bus.summary.startswith("The Transport Committee is examining the state of local bus services")
    assert "<strong>" not in bus.summary
    assert bus.base_path == "/work/8401/"
    assert bus.document_type_label == "Select committee inquiry"
    assert bus.is_call_for_evidence
    # A day without a time: 23:59 UK time that day; its opening day starts at midnight.
    assert _uk(bus.closes_at) == "2027-01-22 23:59"
    assert _uk(bus.opened_at) == "2026-11-18 00:00"
    assert bus.ways_to_respond == {"link_url": f"{SITE}/work/8401/",
                                   "status_message": "Open for submissions until 22 January 2027"}
    assert bus.suggested_work_area.name == "Transport"
    assert "Issued by Transport Committee" in " ".join(bus.suggestion_reasons)

    assert _uk(_item(8402).closes_at) == "2027-02-05 16:00"  # a time without an offset: UK time
    assert _item(8402).suggested_work_area.name == "Housing"
    # Named by committeeId only: the name comes from /api/Committees, read once (its three pages).
    assert _item(8403).organisations == ["Public Accounts Committee"]
    committee_pages = [p for p, _ in committees_api.requests if p.startswith("/api/Committees?")]
    assert sorted(p.split("Skip=")[1].split("&")[0] for p in committee_pages) == ["0", "3", "6"]
    assert _item(8403).document_type_label == "Select committee short inquiry"
    # A closed period and a reopened one: the open one counts.
    assert _uk(_item(8404).closes_at) == "2027-02-26 23:59"
    assert _uk(_item(8404).opened_at) == "2026-11-30 00:00"
    # No submission periods: the business's own closeDate.
    assert _uk(_item(8405).closes_at) == "2027-03-12 23:59"
    assert _item(8405).suggested_work_area.name == "Climate Emergency"

    run = db.session.scalar(select(ImportRun))
    assert (run.found, run.new, run.skipped, run.error_count) == (7, 5, 2, 2)
    assert run.source == f"committees:{committees_api.url}"
    assert queries.inbox_count() == 5


def test_second_run_adds_nothing_and_fetches_only_the_broken_one(committees_api, import_committees):
    committees_api.load_dir()
    import_committees()
    before = {i.content_id: (i.closes_at, i.title, i.state, i.last_changed_at)
              for i in db.session.scalars(select(IntakeItem))}
    committees_api.requests.clear()

    result = import_committees()

    assert (result.found, result.new, result.updated, result.skipped) == (7, 0, 0, 7)
    assert _count(IntakeItem) == 5
    after = {i.content_id: (i.closes_at, i.title, i.state, i.last_changed_at)
             for i in db.session.scalars(select(IntakeItem))}
    assert after == before
    assert _detail_paths(committees_api) == ["/api/CommitteeBusiness/8406"]
    assert _count(ImportRun) == 2


def test_a_moved_closing_date_updates_the_item_and_the_accepted_consultation(
    committees_api, import_committees, coordinator
):
    committees_api.load_dir()
    import_committees()
    consultation = services.accept_item(coordinator, _item(8401))
    db.session.commit()
    assert consultation.source == Source.COMMITTEES
    assert consultation.external_id == "8401"
    assert consultation.issuer_type == IssuerType.SELECT_COMMITTEE
    assert consultation.issuing_organisation == "Transport Committee"
    assert consultation.url == f"{SITE}/work/8401/"
    assert consultation.work_area.name == "Transport"
    old = consultation.closes_at

    # The committee extends the deadline to 5 February, 23:59, in the list and the detail alike.
    listed = next(b for b in committees_api.business if b.get("id") == 8401)
    listed["openSubmissionPeriods"][0]["endDate"] = "2027-02-05T00:00:00"
    committees_api.details["8401"]["openSubmissionPeriods"][0]["endDate"] = "2027-02-05T00:00:00"
    lines: list[str] = []
    result = import_committees(echo=lines.append)

    assert (result.new, result.updated) == (0, 1)
    db.session.expire_all()
    consultation = db.session.get(Consultation, consultation.id)
    assert _uk(consultation.closes_at) == "2027-02-05 23:59"
    assert consultation.issuer_type == IssuerType.SELECT_COMMITTEE  # the import's edit leaves it
    assert _uk(_item(8401).closes_at) == "2027-02-05 23:59"
    assert any(line.startswith("closing date: Bus services in England outside London (8401)") for line in lines)
    log = db.session.scalars(select(ActivityLog).where(ActivityLog.consultation_id == consultation.id,
                                                       ActivityLog.action == "edit")).all()
    assert len(log) == 1 and log[0].actor_id is None
    assert log[0].before["closes_at"] == old.isoformat()
    accepted = db.session.scalar(select(ActivityLog).where(ActivityLog.consultation_id == consultation.id,
                                                           ActivityLog.action == "govuk_accept"))
    assert accepted is not None and accepted.after["committee_business_id"] == "8401"


def test_ids_are_unique_per_source_not_across_sources(committees_api, import_committees, govuk, run_import):
    from tests.intake.govuk_server import make_item

    result, content = make_item(1)
    # A GOV.UK item whose content_id happens to read like a business id.
    result["content_id"] = content["content_id"] = "8401"
    govuk.add(result, content)
    run_import()
    committees_api.load_dir()

    import_committees()
    import_committees()

    rows = db.session.execute(select(IntakeItem.source, IntakeItem.title).where(IntakeItem.content_id == "8401")).all()
    assert sorted(rows) == [("committees", "Bus services in England outside London"),
                            ("govuk", "Proposals number 1")]
    assert _count(IntakeItem) == 6


def test_a_dismissed_call_never_comes_back(committees_api, import_committees, coordinator):
    committees_api.load_dir()
    import_committees()
    services.dismiss_item(coordinator, _item(8403), "The LGA responds for councils")
    db.session.commit()
    committees_api.details["8403"]["openSubmissionPeriods"][0]["endDate"] = "2027-01-29T00:00:00"
    next(b for b in committees_api.business if b.get("id") == 8403)["openSubmissionPeriods"][0]["endDate"] = \
        "2027-01-29T00:00:00"
    committees_api.requests.clear()

    import_committees()

    assert _item(8403).state == ItemState.DISMISSED
    assert "/api/CommitteeBusiness/8403" not in committees_api.paths()


def test_a_failing_detail_is_retried_then_reported_and_a_broken_page_is_skipped(committees_api, import_committees):
    committees_api.load_dir()
    committees_api.script["/api/CommitteeBusiness/8402"] = [(500, b"oops", {})] * 10
    committees_api.broken_pages.add(("business", 3))

    result = import_committees()

    # Page at Skip=3 (8404, 8405, 8406) never answered; 8402 failed four times.
    assert committees_api.paths().count("/api/CommitteeBusiness/8402") == 4
    assert any("8402" in e and "HTTP 500 after 4 attempts" in e for e in result.errors)
    assert any("Skip=3" in e and "HTTP 500 after 4 attempts" in e for e in result.errors)
    assert set(db.session.scalars(select(IntakeItem.content_id))) == {"8401", "8403"}


def test_truncated_or_odd_json_never_crashes_the_run(committees_api, import_committees):
    committees_api.publish({"id": 9001, "title": "Only the bare minimum", "closeDate": "2027-04-01"})
    committees_api.publish({"id": 9002, "title": "Every field of another shape", "type": "Inquiry",
                            "committee": ["not", "an", "object"], "openSubmissionPeriods": {"no": "list"},
                            "closeDate": 20270401})
    committees_api.publish({"id": 9003, "title": "Cut short"})
    committees_api.details["9003"] = b'{"id": 9003, "title": "Cut'
    committees_api.business.append("not an object")

    result = import_committees()

    assert (result.found, result.new) == (4, 1)
    minimum = _item(9001)
    assert minimum.organisations == [] and minimum.organisation_text == "Unknown committee"
    assert _uk(minimum.closes_at) == "2027-04-01 23:59"
    assert minimum.document_type_label == "Select committee business"
    assert any("9002" in e and "openSubmissionPeriods is not a list" in e for e in result.errors)
    assert any("9003" in e and "not valid JSON" in e for e in result.errors)
    assert any("not an object" in e for e in result.errors)


def test_a_call_that_leaves_the_list_early_is_read_again(committees_api, import_committees):
    committees_api.load_dir()
    import_committees()
    # 8401 closed early (gone from the list; its detail says so); 8402 was removed altogether.
    committees_api.business = [b for b in committees_api.business if b.get("id") not in (8401, 8402)]
    committees_api.details["8401"]["openSubmissionPeriods"][0]["endDate"] = "2026-12-01T12:00:00"
    del committees_api.details["8402"]
    committees_api.requests.clear()

    result = import_committees()

    assert result.updated == 2
    assert _uk(_item(8401).closes_at) == "2026-12-01 12:00"
    assert _item(8402).state == ItemState.WITHDRAWN
    # Once closed it is not followed again.
    committees_api.requests.clear()
    import_committees()
    assert "/api/CommitteeBusiness/8401" not in committees_api.paths()


def test_dry_run_writes_nothing(committees_api, app):
    from tracker.intake import importer, sources

    committees_api.load_dir()
    result = importer.run_import(sources.make_committees_api_source(), dry_run=True)
    db.session.rollback()

    assert result.new == 5
    assert _count(IntakeItem) == 0 and _count(ImportRun) == 0


def test_beat_runs_both_imports_hourly_and_the_task_commits(committees_api, app):
    from tracker.intake.tasks import import_committees

    schedule = app.extensions["celery"].conf.beat_schedule
    assert schedule["intake-import-committees"] == {"task": "tracker.intake.tasks.import_committees",
                                                    "schedule": 3600.0}
    assert schedule["intake-import-govuk"]["schedule"] == 3600.0
    committees_api.load_dir()

    counts = import_committees.run()
    db.session.remove()

    assert counts == {"found": 7, "new": 5, "updated": 0, "skipped": 2, "errors": 2, "known_bad": 0, "incomplete": 0}
    assert _count(IntakeItem) == 5


def test_each_source_has_its_own_lock(committees_api, app):
    from tracker.intake.tasks import import_committees

    committees_api.load_dir()
    govuk_holder, _ = lock.acquire("cli")  # a GOV.UK import under way does not stop this one
    assert govuk_holder is not None
    holder, _ = lock.acquire("cli", name=lock.COMMITTEES)
    assert holder is not None
    try:
        assert import_committees.run() == {"skipped_run": 1}
        assert _count(IntakeItem) == 0
        held_again, who = lock.acquire("beat", name=lock.COMMITTEES)
        assert held_again is None and who is not None
    finally:
        lock.release(holder, name=lock.COMMITTEES)
    try:
        assert import_committees.run()["new"] == 5
    finally:
        lock.release(govuk_holder)
    db.session.remove()


# --- Parsing, without a server --------------------------------------------------------------------


def test_dates_without_a_time_mean_the_end_of_that_day_in_uk_time():
    def close(value: str) -> str:
        return _uk(committees.parse_instant(value, "closing date", end_of_day=True))

    assert close("2027-07-01") == "2027-07-01 23:59"  # summer: 22:59 UTC
    assert committees.parse_instant("2027-07-01", "d", end_of_day=True) == datetime(2027, 7, 1, 22, 59, tzinfo=UTC)
    assert close("2027-07-01T00:00:00") == "2027-07-01 23:59"
    assert close("2027-07-01T17:00:00") == "2027-07-01 17:00"
    assert close("2027-07-01T00:00:00Z") == "2027-07-01 01:00"  # an offset is taken as given
    assert _uk(committees.parse_instant("2027-07-01T00:00:00", "d", end_of_day=False)) == "2027-07-01 00:00"
    assert committees.parse_instant(None, "d", end_of_day=True) is None
    for bad in ("soon", "2027-02-30", 20270101, "1899-01-01"):
        try:
            committees.parse_instant(bad, "closing date", end_of_day=True)
        except committees.BadData:
            continue
        raise AssertionError(f"{bad!r} was accepted")


def test_the_relevant_submission_period():
    now = datetime(2027, 1, 10, tzinfo=UTC)
    day = timedelta(days=1)
    closed = (now - 60 * day, now - 30 * day, "Closed")
    open_short = (now - 5 * day, now + 5 * day, "Open until soon")
    open_long = (now - 2 * day, now + 40 * day, "Open until later")
    upcoming = (now + 10 * day, now + 50 * day, "Opens soon")

    assert committees.relevant_period([closed, open_short, open_long, upcoming], now) == open_long
    assert committees.relevant_period([closed, upcoming], now) == upcoming
    assert committees.relevant_period([closed], now) == closed
    assert committees.relevant_period([], now) is None


def test_the_committee_is_read_from_whichever_field_has_it():
    assert committees.committee_ref({"committee": {"id": 153, "name": "Transport Committee"}}) == \
        (153, "Transport Committee")
    assert committees.committee_ref({"leadCommittee": {"id": 17}}) == (17, "")
    assert committees.committee_ref({"committees": [{"id": 62, "name": "Environmental Audit Committee"}]}) == \
        (62, "Environmental Audit Committee")
    assert committees.committee_ref({"committeeId": 127}) == (127, "")
    assert committees.committee_ref({"committee": "Transport", "committeeId": True}) == (None, "")


def test_a_business_with_no_date_at_all_is_refused_with_a_reason():
    try:
        committees.parse_business({}, {"id": 5, "title": "Undated"}, committee_name="", site_url=SITE,
                                  now=utcnow())
    except committees.BadData as exc:
        assert "closing date is missing" in str(exc)
    else:
        raise AssertionError("an undated business was accepted")


def test_the_accepted_consultation_page_shows_the_committee(committees_api, import_committees, coordinator,
                                                            as_user):
    committees_api.load_dir()
    import_committees()
    consultation = services.accept_item(coordinator, _item(8402))
    db.session.commit()

    page = as_user("coordinator").get(f"/consultations/{consultation.id}").get_data(as_text=True)

    assert "From a Parliament select committee" in page
    assert f'href="{SITE}/work/8402/"' in page
    assert "Levelling Up, Housing and Communities Committee" in page
    assert "Select committee" in page
    assert consultation.status == Status.NEW


def test_the_recorded_set_is_coherent():
    """Every listed id has its detail file and no detail file is unlisted; one listed item has no id."""
    listed: list[object] = []
    for page in sorted((SAMPLE_DIR / "list").glob("*.json")):
        listed += [row.get("id") for row in json.loads(page.read_text())["items"]]
    details = {int(p.stem) for p in (SAMPLE_DIR / "business").glob("*.json")}
    assert {i for i in listed if i} == details
    assert listed.count(None) == 1
