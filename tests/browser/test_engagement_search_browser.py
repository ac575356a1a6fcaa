"""Issue 24 in a real browser: the engagement form links consultations by searching their titles.
With JavaScript the matches appear in place (no page load, what was typed kept); without it the
Search button sends the form back with the matches to tick. Either way the ticked ones are linked."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests import factories
from tests.browser.conftest import browser_login
from tracker.extensions import db
from tracker.models import Role
from tracker.models.policy import Engagement, EngagementConsultation
from tracker.timeutil import uk_today

pytestmark = pytest.mark.browser


def _fill(page: Any) -> None:
    day = uk_today() - timedelta(days=1)
    page.fill("#occurred_on-day", str(day.day))
    page.fill("#occurred_on-month", str(day.month))
    page.fill("#occurred_on-year", str(day.year))
    page.check("input[name=kind][value=minister]")
    page.fill("input[name=title]", "Meeting with the Buses Minister")
    page.fill("textarea[name=attendees]", "Minister for Local Transport")


@pytest.mark.committed
@pytest.mark.parametrize("script", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_an_engagement_links_a_consultation_found_by_its_title(live_server: str, _browser: Any, script: bool) -> None:
    coordinator = factories.make_user(Role.COORDINATOR, name="Cora Coordinator")
    bus = factories.make_consultation("submitted", title="Bus services: a five-year funding settlement")
    factories.make_consultation("submitted", title="Planning fees for major applications")
    db.session.commit()
    bus_id, email = bus.id, coordinator.email
    context = _browser.new_context(java_script_enabled=script)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        browser_login(page, live_server, email, factories.PASSWORD)
        page.goto(f"{live_server}/policy/engagements/new")
        _fill(page)
        page.fill("input[name=find]", "five-year bus")
        loads: list[str] = []
        page.on("load", lambda _p: loads.append("load"))
        page.get_by_role("button", name="Search").click()
        match = page.get_by_label("Bus services: a five-year funding settlement", exact=False)
        expect(match).to_be_visible()
        assert bool(loads) is not script  # in place with JavaScript, a page load without
        expect(page.locator("[data-kc-found]")).to_have_text("1 consultation found: tick the ones to link, then save.")
        assert page.get_by_label("Planning fees", exact=False).count() == 0
        assert page.input_value("input[name=title]") == "Meeting with the Buses Minister"
        match.check()
        with page.expect_navigation():
            page.get_by_role("button", name="Save engagement").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Engagement recorded")
        assert "Bus services: a five-year funding settlement" in page.inner_text("main")
    finally:
        context.close()
    db.session.remove()
    assert db.session.scalar(select(Engagement.title)) == "Meeting with the Buses Minister"
    assert list(db.session.scalars(select(EngagementConsultation.consultation_id))) == [bus_id]
