"""flask --app wsgi read-documents PATH_OR_URL [--json]: what it prints, and that it writes nothing."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from tests.documents.conftest import expected
from tests.documents.server import Sites
from tracker.extensions import db
from tracker.models.documents import ConsultationDocument, ConsultationQuestion, DocumentReading


def _rows() -> int:
    return sum(db.session.scalar(select(func.count()).select_from(m)) or 0
               for m in (DocumentReading, ConsultationDocument, ConsultationQuestion))


def test_json_gives_questions_ways_to_respond_and_documents(app, sites: Sites) -> None:
    result = app.test_cli_runner().invoke(args=["read-documents", "/government/consultations/local-plan-making",
                                                "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"questions", "ways_to_respond", "documents"}
    assert [{k: q[k] for k in ("number", "text", "options")} for q in data["questions"]] == expected("local-plan-making")
    assert data["questions"][0]["source"] == {
        "title": "Local plan-making: consultation document",
        "url": sites.api.url + "/government/publications/local-plan-making/consultation-document",
        "where": "Chapter 1: Plan-making timetable"}
    assert data["ways_to_respond"] == {"link_url": "https://consult.example.gov.uk/local-plans",
                                       "email": "planmaking@communities.gov.uk"}
    assert data["documents"] == [{"title": "Local plan-making: consultation document",
                                  "url": sites.api.url + "/government/publications/local-plan-making/consultation-document",
                                  "status": "read", "reason": "4 questions found"}]
    assert _rows() == 0


def test_a_full_gov_uk_address_is_read_from_the_api_base(app, sites: Sites) -> None:
    result = app.test_cli_runner().invoke(args=[
        "read-documents", "https://www.gov.uk/government/calls-for-evidence/heat-network-zoning?x=1#y", "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["questions"]) == 4
    assert sites.api.requests[0] == "/api/content/government/calls-for-evidence/heat-network-zoning"


def test_the_plain_output_lists_documents_questions_and_ways_to_respond(app, sites: Sites) -> None:
    result = app.test_cli_runner().invoke(args=["read-documents", "/government/consultations/adult-skills-fund"])
    assert result.exit_code == 0, result.output
    assert "Documents (1):\n  read     Adult Skills Fund: consultation\n" in result.output
    assert "Questions (4):\n  1. Do you agree that the funding formula" in result.output
    assert "     Options: Yes / No / Not sure\n     From: Adult Skills Fund: consultation, page 1, 2. Funding formula" \
        in result.output
    assert "Ways to respond:\n  email: adult.skills@education.gov.uk" in result.output


def test_a_consultation_with_no_questions_prints_none(app, sites: Sites) -> None:
    result = app.test_cli_runner().invoke(args=["read-documents", "/government/consultations/bus-franchising-guidance",
                                                "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["questions"] == []


def test_an_address_elsewhere_or_a_missing_item_is_a_clear_error(app, sites: Sites) -> None:
    elsewhere = app.test_cli_runner().invoke(args=["read-documents", "https://evil.example/government/x"])
    assert elsewhere.exit_code == 2 and "give a GOV.UK path" in elsewhere.output
    assert sites.api.requests == []
    missing = app.test_cli_runner().invoke(args=["read-documents", "/government/consultations/nope"])
    assert missing.exit_code == 1
    assert "could not read it: /government/consultations/nope: HTTP 404" in missing.output
