"""API tokens in a real browser: make one (shown once), use it, revoke it; the tokens pages and
the API reference have no serious accessibility faults and nothing the CSP blocks."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from tests import factories
from tests.browser.axe import serious_a11y_faults
from tests.browser.conftest import browser_login
from tracker.extensions import db
from tracker.models import Role

pytestmark = pytest.mark.browser


def _api_status(base_url: str, token: str) -> int:
    response = requests.get(f"{base_url}/api/v1/work-areas", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    if response.ok:
        assert len(response.json()["items"]) == 9
    return response.status_code


def test_make_use_and_revoke_a_token(live_server: str, page: Any) -> None:
    user = factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Lena Lead")
    db.session.commit()
    browser_login(page, live_server, user.email, factories.PASSWORD)

    page.goto(f"{live_server}/account/tokens")
    assert "You have no API tokens yet." in page.content()
    assert serious_a11y_faults(page) == []
    page.click("button:has-text('Create token')")  # no name: refused on its field
    # expect() waits for the answer to the form; is_visible() could read the page before it.
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert serious_a11y_faults(page) == []

    page.fill("#name", "Power BI deadlines")
    page.check("input[value='30']")
    page.click("button:has-text('Create token')")
    expect(page.locator("#token")).to_be_visible()
    token = page.input_value("#token")
    assert token.startswith("kct_") and len(token) == 47
    assert serious_a11y_faults(page) == []
    assert _api_status(live_server, token) == 200

    page.goto(f"{live_server}/account/tokens")
    assert token not in page.content() and "Power BI deadlines" in page.content()
    page.click("a.govuk-link:has-text('Revoke')")
    assert serious_a11y_faults(page) == []
    page.click("button:has-text('Revoke token')")
    page.wait_for_url(f"{live_server}/account/tokens")
    assert "has been revoked" in page.content()
    assert _api_status(live_server, token) == 401


def test_the_api_reference(live_server: str, page: Any) -> None:
    page.goto(f"{live_server}/api/reference")
    assert page.locator("h1").inner_text() == "Key Cities Tracker API: reference"
    page.click("a:has-text('GET /api/v1/consultations/{consultation_id}')")
    assert page.url.endswith("#getConsultation")
