"""The account page in a real browser: get the calendar addresses, copy one (the script's button),
reset them; no serious accessibility faults, nothing the CSP blocks."""

from __future__ import annotations

import os
from typing import Any

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.axe import serious_a11y_faults
from tests.browser.conftest import browser_login
from tracker.extensions import db
from tracker.models import Role

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("KC_SCREENSHOTS")  # a directory: save screenshots there for review


def _check(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/account-{name}.png", full_page=True)
    assert serious_a11y_faults(page) == [], name


def test_get_copy_and_reset_the_calendar_addresses(live_server: str, page: Any) -> None:
    lead = factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Lena Lead")
    factories.make_consultation("drafting", lead=lead, title="Bus franchising")
    db.session.commit()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    browser_login(page, live_server, lead.email, factories.PASSWORD)

    page.click("text=Your account")
    expect(page.locator("h1")).to_have_text("Your account")
    _check(page, "before")
    page.click("button:has-text('Get calendar addresses'), input[value='Get calendar addresses']")
    addresses = page.locator("input[data-kc-copy]")
    expect(addresses).to_have_count(3)
    mine = addresses.first.input_value()
    assert "/calendar/mine/" in mine
    page.click("text=Another member city's deadlines")
    expect(page.get_by_role("link", name="Salford")).to_be_visible()
    _check(page, "addresses")

    page.click("button:has-text('Copy') >> nth=0")
    expect(page.locator("button.kc-copy-button").first).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == mine

    feed = page.request.get(mine.replace("http://tracker.test", live_server))
    assert feed.status == 200 and b"SUMMARY:Closes: Bus franchising" in feed.body()

    page.click("text=Reset calendar addresses")
    expect(page.locator("h1")).to_have_text("Reset your calendar addresses")
    _check(page, "reset")
    page.click("button:has-text('Reset calendar addresses'), input[value='Reset calendar addresses']")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The old ones no longer work")
    assert page.locator("input[data-kc-copy]").first.input_value() != mine
    assert page.request.get(mine.replace("http://tracker.test", live_server)).status == 404
