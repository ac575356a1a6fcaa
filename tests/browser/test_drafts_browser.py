"""Issue 3 in a real browser: a lead writes and saves, a second session saves on the stale
version and keeps its text, the lead sends for review and the coordinator approves."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests import factories
from tests.browser.axe import serious_a11y_faults
from tests.browser.conftest import browser_login
from tracker.drafts import queries
from tracker.extensions import db
from tracker.models import Consultation, Role, Status

pytestmark = pytest.mark.browser


def test_lead_saves_second_session_is_stale_coordinator_approves(live_server: str, page: Any) -> None:
    lead = factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Lena Lead")
    colleague = factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Hugo Hull")
    coordinator = factories.make_user(Role.COORDINATOR, name="Cora Coordinator")
    consultation = factories.make_consultation(Status.ASSIGNED, title="Bus services: accessibility", lead=lead)
    db.session.commit()
    edit_url = f"{live_server}/consultations/{consultation.id}/response/edit"

    # The colleague opens the editor first, in a second browser context, on version 0.
    other_context = page.context.browser.new_context()
    other = other_context.new_page()
    other.set_default_timeout(10_000)
    try:
        browser_login(other, live_server, colleague.email, factories.PASSWORD)
        other.goto(edit_url)
        other.fill("textarea[name=body]", "Hugo's rival opening paragraph.")

        # The lead writes, sees the live preview, and saves version 1.
        browser_login(page, live_server, lead.email, factories.PASSWORD)
        page.goto(edit_url)
        assert serious_a11y_faults(page) == []
        page.fill("textarea[name=body]", "The network **welcomes** these proposals.")
        page.locator("[data-kc-preview-target=body] strong").wait_for()
        assert page.locator("[data-kc-preview-target=body] strong").inner_text() == "welcomes"
        page.fill("input[name=note]", "First draft")
        page.click("button[name=save], input[name=save]")
        page.wait_for_load_state()
        assert "Version 1 saved." in page.content()
        assert page.locator(".kc-markdown strong").first.inner_text() == "welcomes"

        # The colleague saves on the stale base: refused, both texts shown, their text kept.
        other.click("button[name=save], input[name=save]")
        other.wait_for_load_state()
        assert other.locator("#stale-version").is_visible()
        assert "Your changes were not saved" in other.content()
        assert "Lena Lead (Hull) saved version 1" in other.locator("#stale-version").inner_text()
        assert "The network **welcomes** these proposals." in other.locator("[data-kc-theirs]").first.inner_text()
        assert other.locator("textarea[name=body]").input_value() == "Hugo's rival opening paragraph."
        assert serious_a11y_faults(other) == []
    finally:
        other_context.close()

    db.session.expire_all()
    saved = queries.list_versions(queries.get_response(db.session.get(Consultation, consultation.id)))
    assert [(v.number, v.body) for v in saved] == [(1, "The network **welcomes** these proposals.")]

    # The lead sends it for review.
    page.goto(f"{live_server}/consultations/{consultation.id}/response")
    page.get_by_role("button", name="Send for review").click()
    page.wait_for_load_state()
    assert "Draft sent for review." in page.content()

    # The coordinator approves in a fresh session.
    # Off the tracker first: a response still in flight (the favicon's) would set the session
    # cookie again after it is cleared.
    page.goto("about:blank")
    page.context.clear_cookies()
    browser_login(page, live_server, coordinator.email, factories.PASSWORD)
    page.goto(f"{live_server}/consultations/{consultation.id}/response")
    assert serious_a11y_faults(page) == []
    page.get_by_role("button", name="Approve version 1").click()
    page.wait_for_load_state()
    assert "Draft approved." in page.content()
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).status == Status.APPROVED


def test_response_page_sections_errors_and_library_search(live_server: str, page: Any) -> None:
    """Issue 11: the text first and one h1; a refused contributor (on its own page since issue 12)
    in the error summary with the
    field marked; the library finds words apart and marks them; axe finds nothing serious."""
    lead = factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Lena Lead")
    drafting, sent = _drafting_and_submitted(
        lead, "Bus services: accessibility", "# Our view\n\nThe network **welcomes** these proposals.",
        "Rural areas need a bus every hour, and better links to the towns.")

    browser_login(page, live_server, lead.email, factories.PASSWORD)
    page.goto(f"{live_server}/consultations/{drafting.id}/response")
    assert page.locator("h1").count() == 1
    assert page.locator("h2", has_text="Our view").count() == 1
    assert serious_a11y_faults(page) == []
    page.get_by_role("link", name="Add a contributor").click()
    page.wait_for_load_state()
    assert serious_a11y_faults(page) == []
    page.get_by_role("button", name="Add contributor").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible() and "Choose an officer to add" in summary.inner_text()
    assert page.locator(".govuk-notification-banner").count() == 0
    assert page.locator("#user_id.govuk-select--error").count() == 1
    assert serious_a11y_faults(page) == []

    page.goto(f"{live_server}/consultations/library?q=rural+bus+links")
    assert page.locator(".kc-snippet mark").count() == 3
    assert "Rural transport" in page.locator(".kc-library-item").first.inner_text()
    assert serious_a11y_faults(page) == []


def test_a_threaded_discussion_and_a_passage_reused_in_the_editor(live_server: str, page: Any) -> None:
    """Issue 23: a comment mentioning a member, a reply under it, the thread resolved by its author
    and folded away; then, in the editor, a past response searched and a passage inserted where the writer
    was typing (nothing saved until they save), the page accessible throughout."""

    from tracker.drafts import versions
    from tracker.models.drafts import Comment, ResponseVersion

    lead = factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Lena Lead")
    helper = factories.make_user(Role.CONTRIBUTOR, city_name="Newport", name="Ffion Davies")
    drafting, sent = _drafting_and_submitted(lead, "Bus franchising", "Our opening paragraph.",
                                             "Rural areas need a bus every hour.\n\nSomething else entirely.")
    response_url = f"{live_server}/consultations/{drafting.id}/response"

    browser_login(page, live_server, lead.email, factories.PASSWORD)
    page.goto(response_url)
    page.fill("#body", "@Ffion Davies can Newport add its patronage figures?")
    page.get_by_role("button", name="Add comment").last.click()
    page.wait_for_load_state()
    assert "Comment added." in page.content()
    assert page.locator("mark.kc-mention").inner_text() == "@Ffion Davies"
    assert serious_a11y_faults(page) == []

    page.goto("about:blank")
    page.context.clear_cookies()
    browser_login(page, live_server, helper.email, factories.PASSWORD)
    page.goto(response_url)
    thread = page.locator(".kc-thread").first
    thread.locator("summary", has_text="Reply").click()
    thread.get_by_label("Your reply").fill("Added to version 2: up a tenth since 2022.")
    thread.get_by_role("button", name="Reply").click()
    page.wait_for_load_state()
    assert "Reply added." in page.content()
    assert page.locator(".kc-comment--reply").inner_text().count("up a tenth since 2022") == 1
    # Only the thread's author, the lead city's leads and coordinators may resolve it.
    assert page.locator(".kc-thread").first.get_by_role("button", name="Resolve").count() == 0

    page.goto("about:blank")
    page.context.clear_cookies()
    browser_login(page, live_server, lead.email, factories.PASSWORD)
    page.goto(response_url)
    # Resolved, it folds away, saying who resolved it.
    page.locator(".kc-thread").first.get_by_role("button", name="Resolve").click()
    page.wait_for_load_state()
    assert "Thread resolved." in page.content()
    folded = page.locator(".kc-thread--resolved details")
    assert folded.get_attribute("open") is None
    assert not page.locator(".kc-comment--reply").is_visible()
    folded.locator("summary").click()
    assert "Resolved by Lena Lead, Hull" in folded.inner_text()
    assert serious_a11y_faults(page) == []
    db.session.expire_all()
    assert [c.resolved_by_id for c in db.session.query(Comment).filter_by(parent_id=None)] == [lead.id]

    page.goto(f"{response_url}/edit")
    box = page.locator("textarea[name=body]")
    box.click()
    page.keyboard.press("End")
    page.fill("#reuse-q", "rural bus")
    page.get_by_role("button", name="Search past responses").click()
    page.get_by_role("button", name="Insert into the draft").first.click()
    assert "Inserted into Response text" in page.locator("[data-kc-reuse-status]").inner_text()
    text = box.input_value()
    assert text.startswith("Our opening paragraph.\n\n> Rural areas need a bus every hour.\n\n"
                           "(From the network's response to “Rural transport”, submitted ")
    assert "Something else entirely" not in text
    assert serious_a11y_faults(page) == []
    # Nothing is saved until the writer saves.
    db.session.expire_all()
    assert db.session.query(ResponseVersion).filter_by(response_id=versions.ensure_response(drafting).id).count() == 1
    page.get_by_role("button", name="Save version").click()
    page.wait_for_load_state()
    assert "Version 2 saved." in page.content()


def _drafting_and_submitted(lead: Any, title: str, draft: str, submitted: str) -> tuple[Any, Any]:
    """A draft of ``lead``'s (one version), and their submitted "Rural transport" response, in the
    library; committed for the browser."""
    from tracker.drafts import versions
    from tracker.models.drafts import ResponseVersion, Submission
    from tracker.timeutil import utcnow

    drafting = factories.make_consultation(Status.DRAFTING, title=title, lead=lead)
    sent = factories.make_consultation(Status.SUBMITTED, title="Rural transport", lead=lead)
    db.session.flush()
    for consultation, body in ((drafting, draft), (sent, submitted)):
        response = versions.ensure_response(consultation)
        version = ResponseVersion(response_id=response.id, number=1, author_id=lead.id, body=body, answers={},
                                  search_text=body)
        db.session.add(version)
        db.session.flush()
        response.current_number = 1
    db.session.add(Submission(consultation_id=sent.id, version_id=version.id, method="email",
                              submitted_at=utcnow() - timedelta(days=3), reference="R"))
    db.session.commit()
    return drafting, sent
