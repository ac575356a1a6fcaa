"""The reading task: queued after the import's or the acceptance's commit, stores what it read,
reads again only when GOV.UK's public_updated_at changes, records failures per document."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests.documents.conftest import imported
from tests.documents.server import Sites, send
from tests.intake.conftest import govuk, govuk_server, run_import  # noqa: F401 - the intake's fixtures
from tests.intake.govuk_server import iso, make_item
from tracker.documents import queries, tasks
from tracker.extensions import db
from tracker.models import Status
from tracker.models.documents import ConsultationDocument, ConsultationQuestion, DocumentReading

READ = "tracker.documents.tasks.read_documents"
BUS = "/government/consultations/bus-franchising-reform"


def _count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_accepting_an_item_queues_its_reading_after_the_commit(sites: Sites, coordinator, published) -> None:
    consultation = imported(coordinator, BUS)
    assert (READ, [consultation.id]) in published
    assert sites.api.requests == []  # queued, not read in the request


def test_nothing_is_queued_when_the_acceptance_is_rolled_back(sites: Sites, coordinator, published) -> None:
    from tracker.intake import services
    from tracker.models.intake import IntakeItem
    from tracker.timeutil import utcnow

    now = utcnow()
    item = IntakeItem(content_id="rolled-back", base_path=BUS, document_type="open_consultation", title="T",
                     closes_at=now + timedelta(days=9))
    db.session.add(item)
    db.session.flush()
    services.accept_item(coordinator, item)
    db.session.rollback()
    db.session.commit()
    assert [p for p in published if p[0] == READ] == []


def test_the_task_stores_questions_documents_and_ways_to_respond(sites: Sites, coordinator) -> None:
    consultation = imported(coordinator, BUS)
    assert tasks.read_documents(consultation.id) == "read"
    questions = queries.questions_for(consultation.id)
    assert [q.number for q in questions] == ["1", "2", "3", "4", "5"]
    assert questions[0].options == ["Yes", "No", "Don’t know"]
    assert questions[0].source_title == "Bus franchising reform: consultation document"
    panel = queries.documents_panel(consultation)
    assert panel.state == "read" and panel.question_count == 5
    assert [(d.title, d.status) for d in panel.documents][:3] == [
        ("Bus franchising reform: consultation document", "read"),
        ("Bus franchising reform: consultation document (PDF)", "read"),
        ("Bus franchising reform: impact assessment", "read")]
    assert [s.method for s in queries.submission_checklist(consultation)] == [
        "online_form", "email", "post", "response_form"]
    record = db.session.scalar(select(DocumentReading))
    assert record.documents_read_for == consultation.intake_item.public_updated_at


def test_the_task_reads_again_only_when_public_updated_at_changes(sites: Sites, coordinator) -> None:
    consultation = imported(coordinator, BUS)
    assert tasks.read_documents(consultation.id) == "read"
    requests = len(sites.api.requests) + len(sites.assets.requests)
    assert tasks.read_documents(consultation.id) == "unchanged"  # safe to run twice
    assert len(sites.api.requests) + len(sites.assets.requests) == requests
    assert _count(ConsultationQuestion) == 5 and _count(ConsultationDocument) == 6

    consultation.intake_item.public_updated_at += timedelta(hours=2)
    db.session.commit()
    assert tasks.read_documents(consultation.id) == "read"
    assert len(sites.api.requests) + len(sites.assets.requests) > requests
    assert _count(ConsultationQuestion) == 5 and _count(ConsultationDocument) == 6  # replaced, not added


def test_a_failed_document_is_recorded_and_read_again_next_time(sites: Sites, coordinator) -> None:
    sites.assets.routes["/media/adult-skills-fund.pdf"] = lambda h: send(h, 503, b"busy")
    consultation = imported(coordinator, "/government/consultations/adult-skills-fund")
    assert tasks.read_documents(consultation.id) == "incomplete"
    panel = queries.documents_panel(consultation)
    assert [(d.status, d.reason) for d in panel.documents] == [
        ("skipped", "could not be fetched: HTTP 503 (2 attempts)")]
    assert db.session.scalar(select(DocumentReading.documents_read_for)) is None
    assert queries.unread_consultations(10) == [consultation.id]

    del sites.assets.routes["/media/adult-skills-fund.pdf"]
    assert tasks.read_documents(consultation.id) == "read"
    assert [q.number for q in queries.questions_for(consultation.id)] == ["1", "2", "3", "4"]
    assert queries.unread_consultations(10) == []


def test_an_item_that_cannot_be_read_keeps_the_last_reading_and_says_why(sites: Sites, coordinator) -> None:
    consultation = imported(coordinator, "/government/consultations/adult-skills-fund")
    assert tasks.read_documents(consultation.id) == "read"
    consultation.intake_item.public_updated_at += timedelta(hours=1)
    db.session.commit()
    sites.api.routes["/api/content/government/consultations/adult-skills-fund"] = lambda h: send(h, 410, b"{}")
    assert tasks.read_documents(consultation.id) == "read"
    panel = queries.documents_panel(consultation)
    assert panel.state == "failed"
    assert panel.problem == "/government/consultations/adult-skills-fund: HTTP 410: not found"
    assert panel.question_count == 4 and len(panel.documents) == 1


def test_a_committee_call_is_read_from_its_scope(sites: Sites, coordinator) -> None:
    consultation = imported(coordinator, "/work/8801/", source="committees", content_id="8801")
    assert tasks.read_documents(consultation.id) == "read"
    assert [q.text for q in queries.questions_for(consultation.id)][0].startswith("How effective has the Bus")
    steps = queries.submission_checklist(consultation)
    assert [(s.method, s.instruction) for s in steps] == [("online_form", "Submit evidence on the committee's page")]


def test_a_consultation_logged_by_hand_has_nothing_to_read(sites: Sites) -> None:
    from tests.factories import make_consultation

    consultation = make_consultation()
    db.session.commit()
    assert tasks.read_documents(consultation.id) == "unchanged"
    assert queries.documents_panel(consultation).state == "not_imported"
    assert queries.questions_for(consultation.id) == [] and queries.submission_checklist(consultation) == []


def test_the_catch_up_queues_open_consultations_not_yet_read(sites: Sites, coordinator, published) -> None:
    waiting = imported(coordinator, BUS)
    done = imported(coordinator, "/government/consultations/adult-skills-fund")
    closed = imported(coordinator, "/government/consultations/local-plan-making")
    closed.status = Status.MISSED.value
    db.session.commit()
    tasks.read_documents(done.id)
    assert queries.documents_panel(waiting).state == "waiting"
    published.clear()
    assert tasks.catch_up() == 1
    assert published == [(READ, [waiting.id])]


def test_the_import_queues_a_reading_when_public_updated_at_changes_and_only_then(
        govuk, run_import, coordinator, published) -> None:  # noqa: F811
    from tracker.intake import services
    from tracker.models.intake import IntakeItem

    result, content = make_item(41)
    govuk.add(result, content)
    run_import()
    item = db.session.scalar(select(IntakeItem))
    consultation = services.accept_item(coordinator, item)
    db.session.commit()
    published.clear()

    result["description"] = "Seeking views, now with a new summary."  # a new search result, same version
    content["description"] = result["description"]
    run_import()
    assert [p for p in published if p[0] == READ] == []

    newer = item.public_updated_at + timedelta(days=1)
    result["public_timestamp"] = content["public_updated_at"] = iso(newer)
    run_import()
    assert item.public_updated_at == newer
    assert [p for p in published if p[0] == READ] == [(READ, [consultation.id])]
