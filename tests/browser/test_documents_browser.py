"""Issue 22 in a real browser, on a 320 px phone: the lead reads the consultation's documents and
ways to respond, starts question by question from the document's questions and answers them; the
coordinator approves and records the submission by the department's checklist, the way first
chosen refused because the department does not list it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests import factories
from tests.browser.axe import serious_a11y_faults
from tests.browser.conftest import browser_login
from tracker.drafts import queries
from tracker.extensions import db
from tracker.models import Consultation, Role, Status
from tracker.models.drafts import Submission

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}
LONG_URL = ("https://assets.publishing.service.gov.uk/media/65f0a1b2c3d4e5f6a7b8c9d0/"
            "local-bus-services-reliability-and-passenger-information-consultation-response-form.docx")
WAYS = {"link_url": "https://consult.example.gov.uk/bus-services-reliability-and-passenger-information-2026",
        "attachment_url": LONG_URL}
QUESTIONS = [
    factories.found_question("1", "Do you agree that every authority should publish a reliability standard?\n"
                             "Please explain your answer.", ("Yes", "No", "Don't know"), where="2. Reliability"),
    factories.found_question("2.1", "What data would your authority need from operators?", where="Page 14",
                             title="Annex A: list of questions", url=LONG_URL.replace(".docx", ".pdf")),
    factories.found_question("2.2", "Who should meet the costs of the new standards?", where="Page 15"),
]


def _fits(page: Any, where: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{where} is {width} px wide on a {PHONE['width']} px phone"
    assert serious_a11y_faults(page) == [], where


def test_lead_starts_from_the_documents_questions_and_the_submission_follows_the_checklist(
        live_server: str, page: Any) -> None:
    lead = factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Lena Lead")
    coordinator = factories.make_user(Role.COORDINATOR, name="Cora Coordinator")
    consultation = factories.make_consultation(
        Status.ASSIGNED, lead=lead,
        title="Local bus services: improving reliability and passenger information across England")
    factories.read_documents(consultation, questions=QUESTIONS, ways=WAYS, documents=[
        {"title": "Local bus services: consultation document", "url": factories.DOCUMENT_URL, "status": "read",
         "reason": "3 questions found", "content_type": "text/html"},
        {"title": "Bus punctuality data tables", "url": LONG_URL.replace(".docx", ".ods"), "status": "skipped",
         "reason": "not read: only PDF and DOCX files are read (this is "
                   "application/vnd.oasis.opendocument.spreadsheet)", "size": 48_000}])
    db.session.commit()
    base = f"{live_server}/consultations/{consultation.id}"
    page.set_viewport_size(PHONE)

    # The lead reads the documents and the ways to respond on the consultation page.
    browser_login(page, live_server, lead.email, factories.PASSWORD)
    page.goto(base)
    panel = page.locator(".kc-documents-panel")
    assert "Bus punctuality data tables" in panel.inner_text() and "Not read" in panel.inner_text()
    assert panel.get_by_role("link", name=WAYS["link_url"]).is_visible()
    _fits(page, "the consultation page")

    # On the response page the document's questions wait, collapsed, with where they were found.
    page.get_by_role("link", name="response page").click()
    page.wait_for_load_state()
    page.get_by_text("Show the 3 questions and where they were found").click()
    found = page.locator("#document-questions .kc-found-questions")
    assert found.is_visible() and "Options: Yes / No / Don't know" in found.inner_text()
    assert found.get_by_role("link", name="Annex A: list of questions").get_attribute("href") == \
        LONG_URL.replace(".docx", ".pdf")
    _fits(page, "the response page with the offer")
    page.get_by_role("button", name="Start question by question from the 3 questions in the consultation "
                                    "document").click()
    page.wait_for_load_state()
    assert "Started question by question from the 3 questions" in page.locator(".govuk-notification-banner").inner_text()
    listed = page.locator("#questions .kc-found-questions > li")
    assert [text.split("\n")[0] for text in listed.all_inner_texts()] == ["Question 1", "Question 2.1", "Question 2.2"]
    _fits(page, "the response page by questions")
    # A question read a little wrong is changed like any other.
    page.get_by_role("link", name="Change question 2.1").click()
    page.wait_for_load_state()
    _fits(page, "the question's page")
    page.fill("textarea[name=text]", "What data would your authority need from bus operators, and how often?")
    page.get_by_role("button", name="Save question").click()
    page.wait_for_load_state()
    assert "What data would your authority need from bus operators, and how often?" in listed.nth(1).inner_text()

    # The lead answers each question and sends the draft for review.
    db.session.expire_all()
    drafted = db.session.get(Consultation, consultation.id)
    questions = queries.questions(drafted)
    page.goto(f"{base}/response/edit")
    page.fill("textarea[name=body]", "The Key Cities network welcomes the standards.")
    for q in questions:
        page.fill(f"textarea[name=answer_{q.id}]", f"Our answer to question {q.shown_number}.")
    page.click("button[name=save], input[name=save]")
    page.wait_for_load_state()
    assert "Version 1 saved." in page.content()
    page.get_by_role("button", name="Send for review").click()
    page.wait_for_load_state()
    assert "Draft sent for review." in page.content()

    # The coordinator approves, then records the submission by the checklist.
    page.goto("about:blank")
    page.context.clear_cookies()
    browser_login(page, live_server, coordinator.email, factories.PASSWORD)
    page.goto(f"{base}/response")
    page.get_by_role("button", name="Approve version 1").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Record submission").click()
    page.wait_for_load_state()
    checklist = page.locator(".kc-ways").first
    assert "Download the department's response form and fill it in" in checklist.inner_text()
    assert checklist.get_by_role("link", name=WAYS["link_url"]).is_visible()
    _fits(page, "the submission checklist")

    # Email is not a way this department lists: refused, naming the ways it accepts.
    page.get_by_label("Email", exact=True).check()
    page.fill("input[name=reference]", "Sent to the team's inbox")
    page.get_by_role("button", name="Record submission").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert "The department asks for responses by its online form only" in summary.inner_text()
    assert page.locator("input[name=reference]").input_value() == "Sent to the team's inbox"
    _fits(page, "the refused submission")
    assert db.session.scalar(select(Submission).where(Submission.consultation_id == consultation.id)) is None

    page.get_by_label("Online form", exact=True).check()
    page.fill("input[name=reference]", "Receipt BUS-2026-0042")
    page.get_by_role("button", name="Record submission").click()
    page.wait_for_load_state()
    assert "Submission recorded." in page.content()
    db.session.expire_all()
    submission = db.session.scalar(select(Submission).where(Submission.consultation_id == consultation.id))
    assert submission is not None and submission.method == "online_form"
    assert submission.reference == "Receipt BUS-2026-0042" and submission.version.answers == {
        str(q.id): f"Our answer to question {q.shown_number}." for q in questions}
    assert db.session.get(Consultation, consultation.id).status == Status.SUBMITTED
