"""The admin pages in a real browser: create an account, disable one, no serious a11y faults."""

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
        page.screenshot(path=f"{SHOTS}/admin-{name}.png", full_page=True)
    assert serious_a11y_faults(page) == [], name


def test_admin_creates_and_disables_an_account(live_server: str, page: Any) -> None:
    admin = factories.make_user(Role.ADMIN, name="Ada Admin")
    factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Lena Lead")
    db.session.commit()
    browser_login(page, live_server, admin.email, factories.PASSWORD)

    page.click("a[href='/admin/']")
    expect(page.locator("h1")).to_have_text("Admin")
    _check(page, "index")
    page.click("a[href='/admin/users']")
    expect(page.locator("h1")).to_have_text("Users")
    _check(page, "users")

    page.click("text=Create an account")
    expect(page.locator("h1")).to_have_text("Create an account")
    page.fill("input[name=email]", "pat.lead@example.test")
    page.fill("input[name=name]", "Pat Lead")
    page.check("input[name=role][value=policy_lead]")
    page.click("button:has-text('Create account'), input[value='Create account']")
    expect(page.locator(".govuk-error-summary")).to_contain_text("must belong to a member city")
    _check(page, "create-error")

    page.select_option("select[name=city]", label="Plymouth")
    page.click("button:has-text('Create account'), input[value='Create account']")
    expect(page.locator("h1")).to_contain_text("Account created for Pat Lead")
    assert page.locator("code.kc-password").inner_text().strip()
    _check(page, "created")

    page.goto(f"{live_server}/admin/users")
    page.click("text=Lena Lead")
    expect(page.locator("h1")).to_have_text("Edit account")
    page.check("input[name=is_enabled][value=no]")
    page.click("button:has-text('Save changes'), input[value='Save changes']")
    expect(page.locator("h1")).to_have_text("Disable the account of Lena Lead?")
    _check(page, "disable-confirm")
    page.click("text=Yes, disable the account")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Lena Lead's account is disabled: they have been signed out and cannot sign in.")
    expect(page.locator("table")).to_contain_text("Disabled")
    _check(page, "users-after")

    for path in ("/admin/cities", "/admin/work-areas", "/admin/activity"):
        page.goto(f"{live_server}{path}")
        expect(page.locator("h1")).to_be_visible()
        _check(page, path.rsplit("/", 1)[-1])
    expect(page.locator("table")).to_contain_text("Changed account")
