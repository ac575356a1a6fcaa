"""The coordinators' "Emails that need attention" page in a real browser: no serious a11y
faults, and Resend works (the second click on the same row queues nothing more)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests import factories
from tests.browser.axe import serious_a11y_faults
from tests.browser.conftest import browser_login
from tracker.extensions import db
from tracker.models import ActivityLog, Role, Status
from tracker.models.messages import Message, Stage, State
from tracker.timeutil import utcnow

pytestmark = pytest.mark.browser


def test_coordinator_resends_an_email_that_may_not_have_been_delivered(live_server: str, page: Any) -> None:
    coordinator = factories.make_user(Role.COORDINATOR, name="Cora Coordinator")
    lead = factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Lena Lead")
    c = factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 3),
                                    closes_in_days=20, title="Bus franchising")
    db.session.add(Message(consultation=c, recipient=lead, kind="before_1", deadline=date(2027, 3, 3),
                            subject="Internal deadline next working day: Bus franchising",
                            state=State.UNCERTAIN.value, stage=Stage.DATA.value, attempts=1, claim_token="t1",
                            claimed_at=utcnow(), last_error="May not have been delivered: the connection broke"))
    db.session.commit()
    browser_login(page, live_server, coordinator.email, factories.PASSWORD)

    page.goto(f"{live_server}/reminders/attention")
    expect(page.locator("h1")).to_have_text("Emails that need attention")
    expect(page.locator("table")).to_contain_text("Bus franchising")
    expect(page.locator("table")).to_contain_text("May not have been delivered")
    assert serious_a11y_faults(page) == []
    page.click("button:has-text('Resend')")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"The email to {lead.email} will be sent again in a moment.")
    expect(page.locator("table")).to_have_count(0)
    assert serious_a11y_faults(page) == []
    db.session.expire_all()
    assert db.session.scalars(select(Message)).one().state == State.PENDING
    assert len(db.session.scalars(select(ActivityLog).where(ActivityLog.action == "reminder_resend")).all()) == 1
