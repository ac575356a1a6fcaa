"""The Monday briefing's choice on the preferences page in a real browser: no serious a11y faults,
and a policy lead's Yes is saved."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests import factories
from tests.browser.axe import serious_a11y_faults
from tests.browser.conftest import browser_login
from tracker.extensions import db
from tracker.models import Role
from tracker.models.messages import ReminderPreference

pytestmark = pytest.mark.browser


def test_a_policy_lead_asks_for_the_monday_briefing(live_server: str, page: Any) -> None:
    lead = factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Lena Lead")
    db.session.commit()
    browser_login(page, live_server, lead.email, factories.PASSWORD)

    page.goto(f"{live_server}/account/preferences#monday-briefing")
    expect(page.locator("#monday-briefing")).to_have_text("Monday briefing")
    expect(page.get_by_label("No", exact=True)).to_be_checked()  # leads ask for it
    assert serious_a11y_faults(page) == []
    page.get_by_label("Yes, email me the Monday briefing").check()
    page.click("button:has-text('Save')")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("preferences are saved")
    expect(page.get_by_label("Yes, email me the Monday briefing")).to_be_checked()
    assert serious_a11y_faults(page) == []
    db.session.expire_all()
    row = db.session.scalar(select(ReminderPreference).where(ReminderPreference.user_id == lead.id))
    assert row is not None and row.briefing is True
