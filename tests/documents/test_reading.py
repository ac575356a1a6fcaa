"""Reading the recorded consultations through the local servers: every layout's questions as
expected, de-duplicated across documents, and each document read or skipped with its reason."""

from __future__ import annotations

import pytest

from tests.documents.conftest import expected
from tests.documents.server import Sites
from tracker.documents.reader import Reader, make_fetcher

CONSULTATIONS = [
    "/government/consultations/bus-franchising-reform",  # "Question 1" headings, annex, PDF copy, DOCX form table
    "/government/consultations/local-plan-making",  # "Question 1.1:" in boxes, sub-parts, summary table
    "/government/consultations/adult-skills-fund",  # a PDF: "Q1." and "Q2 ...", lines and pages
    "/government/consultations/cultural-investment",  # older documents blocks: PDF labels + unnumbered HTML
    "/government/calls-for-evidence/heat-network-zoning",  # ordered list under "Questions"; outcome_*
    "/government/consultations/social-housing-competence-standards",  # DOCX numbering and tick boxes; final_outcome_*
    "/government/consultations/bus-franchising-guidance",  # no questions at all
]


def _questions(reading) -> list[dict]:  # type: ignore[no-untyped-def]
    return [{"number": q.number, "text": q.text, "options": q.options} for q in reading.questions]


@pytest.mark.parametrize("path", CONSULTATIONS)
def test_each_recorded_consultation_gives_its_questions(sites: Sites, path: str) -> None:
    reading = Reader(make_fetcher()).govuk(path)
    assert reading.problem == ""
    assert _questions(reading) == expected(path.rsplit("/", 1)[-1])


def test_documents_are_listed_read_or_skipped_with_the_reason(sites: Sites) -> None:
    reading = Reader(make_fetcher()).govuk("/government/consultations/bus-franchising-reform")
    assert [(d.title, d.status, d.reason) for d in reading.documents] == [
        ("Bus franchising reform: consultation document", "read", "5 questions found"),
        ("Bus franchising reform: consultation document (PDF)", "read", "5 questions found"),
        ("Bus franchising reform: impact assessment", "read", "no questions found"),
        ("Bus service data tables", "skipped", "not read: only PDF and DOCX files are read (this is "
                                               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet)"),
        ("Bus services statistics", "skipped", "not read: a link to another site"),
        ("Response form", "read", "5 questions found"),
    ]
    assert reading.documents[0].url == sites.api.url + (
        "/government/publications/bus-franchising-reform/bus-franchising-reform-consultation-document")
    # The first source of each question is the HTML publication, with the heading it is under.
    first = reading.questions[0]
    assert (first.source_title, first.source_where) == ("Bus franchising reform: consultation document",
                                                        "2. Franchising")
    assert reading.ways_to_respond == {
        "link_url": "https://consult.example.gov.uk/bus-franchising", "email": "bus.franchising@dft.gov.uk",
        "postal_address": "Bus Franchising Consultation\nDepartment for Transport\nGreat Minster House\n"
                          "33 Horseferry Road\nLondon SW1P 4DR",
        "attachment_url": sites.assets.url + "/media/bus-franchising-response-form.docx"}
    # Neither the spreadsheet nor the external link was fetched; the script in the HTML is text at most.
    assert not any("bus-data" in r for r in sites.assets.requests)
    assert all("never run" not in q.text for q in reading.questions)


def test_outcome_documents_are_listed_not_read(sites: Sites) -> None:
    reading = Reader(make_fetcher()).govuk("/government/calls-for-evidence/heat-network-zoning")
    assert [(d.title, d.kind, d.status) for d in reading.documents] == [
        ("Heat network zoning: call for evidence", "attachment", "read"),
        ("Heat network zoning: summary of responses", "outcome", "skipped"),
        ("Government response", "outcome", "skipped"),
    ]
    assert not any("summary-of-responses" in r for r in sites.assets.requests)


def test_a_select_committee_call_is_read_from_its_scope(sites: Sites) -> None:
    page = "https://committees.parliament.uk/work/8801/"
    reading = Reader(make_fetcher(sites.api.url)).committee("8801", page)
    assert _questions(reading) == expected("committee-8801")
    assert [(d.title, d.url, d.status, d.reason) for d in reading.documents] == [
        ("The committee's call for evidence (its scope)", page, "read", "3 questions found")]
    assert reading.ways_to_respond == {"link_url": page}


def test_an_item_that_cannot_be_had_is_a_problem_not_an_empty_reading(sites: Sites) -> None:
    reading = Reader(make_fetcher()).govuk("/government/consultations/no-such-thing")
    assert reading.problem.endswith("HTTP 404: not found")
    assert not reading.transient and reading.questions == [] and reading.documents == []


def test_a_broken_file_is_skipped_with_the_reason(sites: Sites) -> None:
    from tests.documents.server import send

    sites.assets.routes["/media/adult-skills-fund.pdf"] = lambda h: send(h, 200, b"%PDF-1.4 broken", "application/pdf")
    reading = Reader(make_fetcher()).govuk("/government/consultations/adult-skills-fund")
    assert [(d.status, d.reason) for d in reading.documents] == [
        ("skipped", "could not be read: not a readable PDF (PdfStreamError)")]
    assert reading.questions == []
