"""Issue 22 on the consultation page: the documents as read (read or not and why, type and size),
the ways to respond, and the empty states; everything from outside shown as text, linked only
when it is an http(s) address."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from tests import factories
from tracker.extensions import db
from tracker.models import Status

DOCUMENTS = [
    {"title": "Bus reform: consultation document", "url": factories.DOCUMENT_URL, "kind": "attachment",
     "status": "read", "reason": "3 questions found", "content_type": "text/html"},
    {"title": "Consultation document (PDF)", "url": "https://assets.publishing.service.gov.uk/media/doc.pdf",
     "kind": "attachment", "status": "read", "reason": "3 questions found", "content_type": "application/pdf",
     "size": 1_250_000},
    {"title": "Punctuality data", "url": "https://assets.publishing.service.gov.uk/media/data.ods",
     "kind": "attachment", "status": "skipped", "size": 48_000,
     "content_type": "application/vnd.oasis.opendocument.spreadsheet",
     "reason": "not read: only PDF and DOCX files are read (this is application/vnd.oasis.opendocument.spreadsheet)"},
    {"title": "Large print version", "url": "https://assets.publishing.service.gov.uk/media/large.pdf",
     "kind": "attachment", "status": "skipped", "content_type": "application/pdf", "size": 31_400_000,
     "reason": "refused unread: GOV.UK lists it at 31.4 MB, over the limit of 20.0 MB (DOCUMENT_MAX_BYTES)"},
    {"title": "Response form", "url": factories.BUS_WAYS["attachment_url"], "kind": "response_form",
     "status": "read", "reason": "3 questions found",
     "content_type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
]


def _panel(html: str) -> str:
    found = re.search(r'<section class="kc-documents-panel".*?</section>', html, re.S)
    assert found is not None, "no documents panel"
    return found.group(0)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_the_documents_read_and_skipped_with_why_and_the_ways_to_respond(as_user) -> None:
    consultation = factories.make_consultation(Status.ASSIGNED, title="Bus reform")
    # Read on a winter evening: 18:05 UTC is 18:05 in London; in summer it would say 19:05.
    factories.read_documents(consultation, questions=[factories.found_question("1", "Do you agree?")],
                             documents=DOCUMENTS, ways=factories.BUS_WAYS,
                             at=datetime(2026, 12, 1, 18, 5, tzinfo=UTC))
    db.session.commit()
    panel = _panel(as_user("contributor").get(f"/consultations/{consultation.id}").get_data(as_text=True))
    text = _text(panel)
    assert "Read 1 December 2026 at 18:05 (UK time)." in text
    assert "1 question found: the response page offers them" in text
    assert f'href="/consultations/{consultation.id}/response"' in panel
    assert f'<a class="govuk-link" href="{factories.DOCUMENT_URL}" rel="noopener noreferrer">Bus reform: consultation document</a>' in panel
    assert "Document, HTML page" in text
    assert "Consultation document (PDF) Document, PDF, 1.2 MB Read 3 questions found" in text
    assert ("Punctuality data Document, Spreadsheet (ODS), 48.0 kB Not read not read: only PDF and DOCX files "
            "are read") in text
    assert "Large print version Document, PDF, 31.4 MB Not read refused unread: GOV.UK lists it at 31.4 MB" in text
    assert "Response form Response form, Word document Read" in text
    assert panel.count("govuk-tag--green") == 3 and panel.count("govuk-tag--grey") == 2
    # The ways to respond: the online form and the response form linked, the email as mailto.
    ways = panel[panel.index('id="ways-to-respond"'):]
    assert '<a class="govuk-link" href="https://consult.example.gov.uk/bus-reform" rel="noopener noreferrer">' in ways
    assert 'href="mailto:bus.reform@dft.example.gov.uk"' in ways
    assert "Post it to this address:" in ways
    assert '<span class="kc-prewrap">Bus reform team\n2 Marsham Street\nLondon SW1P 4DR</span>' in ways
    assert f'href="{factories.BUS_WAYS["attachment_url"]}"' in ways
    assert "Download the department&#39;s response form and fill it in" in ways


def test_a_consultation_logged_by_hand_says_so(as_user) -> None:
    consultation = factories.make_consultation(Status.NEW)
    db.session.commit()
    panel = _panel(as_user("coordinator").get(f"/consultations/{consultation.id}").get_data(as_text=True))
    assert "The tracker reads the documents of imported consultations; this one was logged by hand." in panel
    assert "How to respond" not in panel


def test_an_imported_consultation_not_read_yet_is_waiting(as_user) -> None:
    consultation = factories.make_consultation(Status.NEW)
    consultation.source = "govuk"
    db.session.commit()
    panel = _panel(as_user("coordinator").get(f"/consultations/{consultation.id}").get_data(as_text=True))
    assert "The documents are waiting to be read" in panel and "Read " not in _text(panel)


def test_a_reading_with_nothing_in_it_and_a_failed_one(as_user) -> None:
    empty = factories.read_documents(factories.make_consultation(Status.NEW))
    failed = factories.read_documents(factories.make_consultation(Status.NEW),
                                      problem="GOV.UK answered 503 three times")
    db.session.commit()
    text = _text(_panel(as_user("coordinator").get(f"/consultations/{empty.id}").get_data(as_text=True)))
    assert "No questions found in them." in text
    assert "GOV.UK lists no documents for it." in text
    assert "GOV.UK lists no ways to respond: the consultation document says how." in text
    panel = _panel(as_user("coordinator").get(f"/consultations/{failed.id}").get_data(as_text=True))
    assert "The last reading of the consultation failed: GOV.UK answered 503 three times" in panel


def test_hostile_titles_and_addresses_are_text_and_only_http_links_are_links(as_user) -> None:
    consultation = factories.make_consultation(Status.NEW)
    factories.read_documents(
        consultation,
        documents=[{"title": "<script>alert('t')</script>", "url": "javascript:alert(1)", "status": "read",
                    "reason": "<img src=x onerror=alert(2)>", "content_type": "<b>type</b>"},
                   {"title": "Data", "url": "data:text/html;base64,PHNjcmlwdD4=", "status": "skipped",
                    "reason": "not read"}],
        ways={"link_url": "javascript:alert(3)", "email": "x@y.example?subject=<script>",
              "postal_address": "<script>alert(4)</script>", "attachment_url": "vbscript:msgbox"})
    db.session.commit()
    r = as_user("coordinator").get(f"/consultations/{consultation.id}")
    assert r.status_code == 200
    panel = _panel(r.get_data(as_text=True))
    assert "<script>" not in panel and "<img" not in panel and "<b>" not in panel
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;" in panel
    for bad in ("javascript:", "data:text", "vbscript:", "mailto:"):
        assert f'href="{bad}' not in panel
    assert "javascript:alert(3)" in panel  # shown as text, so the lead sees what GOV.UK said
