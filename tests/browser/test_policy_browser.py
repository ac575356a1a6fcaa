"""Issue 14 in a real browser: a policy lead records a ministerial meeting that raises one of the
network's asks, then sees the meeting on the ask's page; no serious accessibility fault on the way."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.axe import serious_a11y_faults
from tests.browser.conftest import browser_login
from tracker.extensions import db
from tracker.models import Role
from tracker.policy import services
from tracker.timeutil import uk_today

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("KC_SCREENSHOTS")  # a directory: save screenshots there for review


def _check(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/policy-{name}.png", full_page=True)
    assert serious_a11y_faults(page) == [], name


def test_record_a_ministerial_meeting_that_raises_an_ask_then_see_it_on_the_asks_page(live_server: str, page: Any) -> None:
    coordinator = factories.make_user(Role.COORDINATOR, name="Cora Coordinator")
    lead = factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Lena Lead")
    ask = services.create_ask(coordinator, work_area_id=factories.work_area("Transport").id,
                              lead_city_id=factories.city("Hull").id, title="Five-year bus funding",
                              text="Multi-year, formula-based bus funding for every local transport authority.")
    db.session.commit()
    browser_login(page, live_server, lead.email, factories.PASSWORD)

    page.click("a.govuk-service-navigation__link:has-text('Policy')")
    expect(page.locator("h1")).to_have_text("The network's asks")
    _check(page, "asks")
    page.click("text=Engagement log")
    expect(page.locator("h1")).to_have_text("Engagement log")
    expect(page.locator("main")).to_contain_text("No engagements recorded yet.")
    _check(page, "engagements-empty")

    page.click("text=Record an engagement")
    expect(page.locator("h1")).to_have_text("Record an engagement")
    _check(page, "engagement-form")
    page.click("button:has-text('Save engagement'), input[value='Save engagement']")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date of the engagement")
    _check(page, "engagement-form-errors")

    day = uk_today() - timedelta(days=1)
    page.fill("#occurred_on-day", str(day.day))
    page.fill("#occurred_on-month", str(day.month))
    page.fill("#occurred_on-year", str(day.year))
    page.check("label:has-text('Meeting with a minister')")
    page.fill("input[name=title]", "Meeting with the Minister for Local Transport")
    page.fill("textarea[name=attendees]", "Minister for Local Transport; DfT buses officials")
    page.select_option("select[name=work_area_id]", label="Transport")
    page.check("label:has-text('Transport: Five-year bus funding')")
    page.click("button:has-text('Save engagement'), input[value='Save engagement']")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Engagement recorded.")
    expect(page.locator("h1")).to_have_text("Meeting with the Minister for Local Transport")
    _check(page, "engagement")

    page.click("main a:has-text('Five-year bus funding')")
    expect(page.locator("h1")).to_have_text("Five-year bus funding")
    raised = page.locator("[data-kc-raised-at]")
    expect(raised).to_contain_text("Meeting with the Minister for Local Transport")
    expect(raised).to_contain_text("Meeting with a minister")
    expect(page.locator("[data-kc-track-summary]")).to_contain_text("Raised at 1 engagement.")
    assert page.url.endswith(f"/policy/asks/{ask.id}")
    _check(page, "ask")
