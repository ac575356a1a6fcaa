"""Issue 2 in a real browser: sign in with the form, see the dashboard, no serious a11y faults."""

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


def test_coordinator_logs_in_and_sees_dashboard(live_server: str, page: Any) -> None:
    user = factories.make_user(Role.COORDINATOR, name="Cora Coordinator")
    factories.make_consultation("new", title="Bus franchising guidance", closes_in_days=5)
    db.session.commit()

    page.goto(f"{live_server}/login")
    assert serious_a11y_faults(page) == []

    browser_login(page, live_server, user.email, factories.PASSWORD)
    assert page.url.rstrip("/") == live_server
    assert page.locator("h1").first.inner_text() == "Dashboard"
    assert "Cora Coordinator" in page.content()
    assert serious_a11y_faults(page) == []


def test_wrong_password_stays_on_login(live_server: str, page: Any) -> None:
    user = factories.make_user(Role.POLICY_LEAD, city_name="Hull")
    db.session.commit()
    browser_login(page, live_server, user.email, "not-the-password")
    assert "/login" in page.url
    assert page.locator(".govuk-error-summary").is_visible()


def test_coordinator_assigns_with_the_proposed_city(live_server: str, page: Any) -> None:
    """The work area proposes its lead city (app.js) and the lead list follows the city."""
    user = factories.make_user(Role.COORDINATOR)
    hull_lead = factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Hana Hull")
    factories.make_user(Role.POLICY_LEAD, city_name="Salford", name="Sid Salford")
    c = factories.make_consultation("triaged", title="Rail fares review", area=None)
    db.session.commit()
    browser_login(page, live_server, user.email, factories.PASSWORD)

    page.goto(f"{live_server}/consultations/")
    assert page.get_by_role("link", name="Rail fares review").is_visible()
    assert serious_a11y_faults(page) == []

    page.goto(f"{live_server}/consultations/{c.id}/assign")
    assert serious_a11y_faults(page) == []
    page.select_option("[data-kc-work-area]", label="Transport")
    assert page.locator("[data-kc-city]").input_value() == str(factories.city("Hull").id)
    # The city's leads are fetched when the city changes: wait for the list to follow.
    expect(page.locator("[data-kc-lead] option", has_text="Sid Salford")).to_have_count(0)
    visible = page.locator("[data-kc-lead] option:not([hidden])").all_inner_texts()
    assert any("Hana Hull" in t for t in visible) and not any("Sid Salford" in t for t in visible)
    page.select_option("[data-kc-city]", label="Salford")
    expect(page.locator("[data-kc-lead] option", has_text="Sid Salford")).to_have_count(1)
    page.select_option("[data-kc-city]", label="Hull")
    expect(page.locator("[data-kc-lead] option", has_text="Hana Hull")).to_have_count(1)
    page.select_option("[data-kc-lead]", label="Hana Hull (Hull)")
    page.get_by_role("button", name="Assign").click()
    page.wait_for_load_state()

    assert page.url.endswith(f"/consultations/{c.id}")
    assert "Assigned to Hull, policy lead Hana Hull" in page.content()
    assert serious_a11y_faults(page) == []
    db.session.rollback()
    db.session.refresh(c)
    assert c.status == "assigned" and c.policy_lead_id == hull_lead.id
