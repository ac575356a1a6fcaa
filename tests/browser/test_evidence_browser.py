"""Issue 23 in a real browser: "ask for evidence, reply as another city, quote it into the draft".
Hull's lead asks Wolverhampton and Preston for evidence on a question from the response page;
Wolverhampton's lead replies with text and a PDF; Hull's lead sees the reply beside the draft and
quotes it in one click, and the draft's next version shows the quotation under its question. axe
finds nothing serious on any of the pages."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from tests.browser.axe import serious_a11y_faults
from tests.browser.conftest import browser_login
from tracker.drafts import queries
from tracker.extensions import db
from tracker.models import Consultation, Role, Status
from tracker.models.drafts import Question, Response, ResponseVersion
from tracker.models.evidence import EvidenceReply

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _draft(lead: Any) -> tuple[Consultation, Question]:
    consultation = factories.make_consultation(Status.DRAFTING, title="Bus services: accessibility", lead=lead,
                                               closes_in_days=40)
    response = Response(consultation_id=consultation.id, mode="questions", current_number=1)
    db.session.add(response)
    db.session.flush()
    q1 = Question(consultation_id=consultation.id, number=1, text="Do you agree with the proposals?")
    q2 = Question(consultation_id=consultation.id, number=2, text="What would they cost councils?")
    db.session.add_all([q1, q2])
    db.session.flush()
    db.session.add(ResponseVersion(response_id=response.id, number=1, author_id=lead.id, body="Our introduction.",
                                   answers={str(q1.id): "Yes, in part.", str(q2.id): "Too much."},
                                   search_text="Our introduction.", note="v1"))
    return consultation, q2


def _sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_ask_for_evidence_reply_as_another_city_quote_it_into_the_draft(live_server: str, page: Any) -> None:
    lead = factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Lena Lead")
    wolves = factories.make_user(Role.POLICY_LEAD, city_name="Wolverhampton", name="Wendy Wolves")
    factories.make_user(Role.POLICY_LEAD, city_name="Preston", name="Pat Preston")
    consultation, q2 = _draft(lead)
    db.session.commit()
    response_url = f"{live_server}/consultations/{consultation.id}/response"

    # Hull's lead asks, from the response page.
    browser_login(page, live_server, lead.email, factories.PASSWORD)
    page.goto(response_url)
    assert page.locator("#evidence").inner_text().count("No city has been asked for evidence yet.") == 1
    page.get_by_role("link", name="Ask member cities for evidence").click()
    page.wait_for_load_state()
    assert serious_a11y_faults(page) == []
    page.get_by_role("button", name="Ask for evidence").click()  # nothing typed: the form says what is missing
    page.wait_for_load_state()
    assert "Enter a short brief" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("The cities I choose below").check()
    page.get_by_label("Wolverhampton").check()
    page.get_by_label("Preston").check()
    page.get_by_label("Question 2: What would they cost councils?").check()
    page.get_by_label("Brief").fill("What would accessible bus information cost you each year?")
    page.get_by_role("button", name="Ask for evidence").click()
    page.wait_for_load_state()
    assert "Asked 2 cities for evidence by" in page.locator(".govuk-notification-banner").inner_text()
    panel = page.locator("#evidence")
    assert "0 replied, 0 with nothing to add, 2 not answered yet (Preston, Wolverhampton)." in panel.inner_text()
    assert serious_a11y_faults(page) == []
    _sign_out(page)

    # Wolverhampton's lead replies, with a PDF.
    browser_login(page, live_server, wolves.email, factories.PASSWORD)
    page.goto(response_url)
    page.get_by_role("link", name="Reply for Wolverhampton").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-caption-l").inner_text() == "Evidence from Wolverhampton"
    assert serious_a11y_faults(page) == []
    page.get_by_label("Question 2: What would they cost councils?").fill(
        "About £1.2m a year across our 31 routes.")
    page.set_input_files("input[name=files]", files=[
        {"name": "Bus costs 2025.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="Send our evidence").click()
    page.wait_for_load_state()
    assert "Wolverhampton's evidence is sent" in page.locator(".govuk-notification-banner").inner_text()
    assert page.get_by_role("link", name="Bus costs 2025.pdf").count() == 1
    assert serious_a11y_faults(page) == []
    _sign_out(page)

    # Hull's lead sees it beside the draft and quotes it in one click.
    browser_login(page, live_server, lead.email, factories.PASSWORD)
    page.goto(response_url)
    panel = page.locator("#evidence")
    assert "1 replied, 0 with nothing to add, 1 not answered yet (Preston)." in panel.inner_text()
    assert "About £1.2m a year across our 31 routes." in panel.locator("[data-kc-evidence-answer]").inner_text()
    panel.get_by_role("button", name="Quote Wolverhampton's evidence on question 2 in the draft").click()
    page.wait_for_load_state()
    assert "Quoted into the draft: version 2 saved." in page.locator(".govuk-notification-banner").inner_text()
    quoted = page.locator("#question-2 ~ blockquote").first
    assert quoted.inner_text().strip() == "Evidence from Wolverhampton: About £1.2m a year across our 31 routes."
    assert serious_a11y_faults(page) == []

    db.session.expire_all()
    version = queries.current_version(queries.get_response(db.session.get(Consultation, consultation.id)))
    assert version is not None and version.number == 2
    assert version.answers[str(q2.id)].endswith("> Evidence from Wolverhampton: About £1.2m a year across our 31 routes.")
    (reply,) = db.session.query(EvidenceReply).filter(EvidenceReply.state == "replied").all()
    assert [f.filename for f in reply.files] == ["Bus costs 2025.pdf"]
