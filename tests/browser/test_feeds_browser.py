"""The admins' feeds pages and the coordinators' runs page in a real browser, at 320 px too: a feed
added through the form (an error first, then saved), listed, disabled; no serious a11y fault; no
horizontal scroll."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.axe import serious_a11y_faults
from tests.browser.conftest import browser_login
from tracker.extensions import db
from tracker.models import Role

pytestmark = pytest.mark.browser


def _fits(page: Any, name: str) -> None:
    assert serious_a11y_faults(page) == [], name
    for width in (320, 1024):
        page.set_viewport_size({"width": width, "height": 800})
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways at {width} px by {overflow} px"


def test_an_admin_adds_and_disables_a_feed(live_server: str, page: Any) -> None:
    admin = factories.make_user(Role.ADMIN, name="Ada Admin")
    db.session.commit()
    browser_login(page, live_server, admin.email, factories.PASSWORD)
    page.goto(f"{live_server}/admin/")
    page.click("a[href='/intake/feeds']")
    expect(page.locator("h1")).to_have_text("Atom and RSS feeds")
    _fits(page, "feeds-empty")
    page.click("text=Add a feed")
    page.fill("input[name=url]", "ftp://gov.wales/feed")
    page.fill("input[name=issuer_name]", "Welsh Government")
    page.check("input[name=issuer_type][value=government_department]")
    page.click("button:has-text('Save feed'), input[value='Save feed']")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the feed's address as http:// or https://")
    _fits(page, "feed-form-error")
    page.fill("input[name=url]", "https://www.gov.wales/consultations/feed-with-a-very-long-address-that-wraps-on-phones")
    page.click("button:has-text('Save feed'), input[value='Save feed']")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Added the feed of Welsh Government")
    _fits(page, "feeds")
    page.click("button:has-text('Disable')")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Disabled the feed of Welsh Government")
    expect(page.locator("[data-kc-feeds]")).to_contain_text("Disabled")


def test_a_coordinator_reads_the_runs(live_server: str, page: Any) -> None:
    coordinator = factories.make_user(Role.COORDINATOR, name="Cora Coordinator")
    db.session.commit()
    browser_login(page, live_server, coordinator.email, factories.PASSWORD)
    page.goto(f"{live_server}/intake/runs")
    expect(page.locator("h1")).to_have_text("Import runs")
    _fits(page, "runs")
