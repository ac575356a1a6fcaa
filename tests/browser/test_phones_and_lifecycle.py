"""Issue 11 in a real browser: the main pages fit a 320 px phone, the consultation page shows where
the consultation is and one primary button for the next step of the person looking, and axe
finds no serious fault on any page visited."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from tests.browser.axe import serious_a11y_faults
from tests.browser.conftest import browser_login
from tracker.extensions import db
from tracker.models import Role

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}


def _network() -> dict[str, Any]:
    """A coordinator, a lead and a contributor, and consultations at several steps with long titles
    (the widest content a phone has to fit)."""
    people = {
        "coordinator": factories.make_user(Role.COORDINATOR, name="Cora Coordinator"),
        "lead": factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Lena Lead"),
        "contributor": factories.make_user(Role.CONTRIBUTOR, city_name="Salford", name="Colin Contributor"),
    }
    long = "Local government finance settlement: provisional allocations for 2027 to 2028 and beyond"
    steps = {status: factories.make_consultation(status, title=f"{long} ({status})", lead=people["lead"])
             for status in ("new", "triaged", "assigned", "drafting", "in_review", "approved", "submitted")}
    db.session.commit()
    return {"people": people, "steps": steps}


@pytest.mark.committed
def test_main_pages_fit_a_320_px_phone_with_no_serious_a11y_fault(live_server: str, page: Any) -> None:
    data = _network()
    page.set_viewport_size(PHONE)
    browser_login(page, live_server, data["people"]["coordinator"].email, factories.PASSWORD)
    drafting = data["steps"]["drafting"].id
    for path in ("/", "/consultations/", f"/consultations/{drafting}", f"/consultations/{drafting}/response",
                 "/consultations/library", "/notifications", "/intake/", "/reminders/attention"):
        page.goto(f"{live_server}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width} px wide on a {PHONE['width']} px phone"
        assert serious_a11y_faults(page) == [], path


@pytest.mark.committed
@pytest.mark.parametrize("role, status, primary, current_step", [
    ("coordinator", "new", "Triage", "Triage"),
    ("coordinator", "triaged", "Assign", "Assign to a lead city"),
    ("lead", "assigned", "Start the draft", "Draft the response"),
    ("lead", "drafting", "Send for review", "Draft the response"),
    ("coordinator", "in_review", "Approve", "Review and approve"),
    ("coordinator", "approved", "Record submission", "Submit to government"),
    ("contributor", "drafting", None, "Draft the response"),
])
def test_the_consultation_page_shows_its_life_and_one_next_step(
    live_server: str, page: Any, role: str, status: str, primary: str | None, current_step: str
) -> None:
    data = _network()
    browser_login(page, live_server, data["people"][role].email, factories.PASSWORD)
    page.goto(f"{live_server}/consultations/{data['steps'][status].id}")
    primaries = page.locator(".kc-actions .govuk-button:not(.govuk-button--secondary)")
    assert primaries.all_inner_texts() == ([primary] if primary else [])
    assert page.locator(".govuk-button--warning").count() == 0
    now = page.locator(".kc-lifecycle .govuk-task-list__item", has=page.locator(".govuk-tag"))
    assert now.count() == 1
    assert current_step in now.inner_text()
    assert serious_a11y_faults(page) == []
