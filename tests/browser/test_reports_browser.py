"""The reports page in Chromium: its SVG charts load as images under the strict CSP (the page
fixture fails on any CSP report and on serious accessibility faults), and the print layout
leaves out the navigation, the period form and the download links."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests import factories
from tests.browser.conftest import browser_login
from tracker.extensions import db
from tracker.models import Role, Status
from tracker.models.drafts import CitySupport, Outcome, Submission
from tracker.timeutil import utcnow

pytestmark = pytest.mark.browser


def test_reports_charts_load_and_print(live_server: str, page: Any) -> None:
    user = factories.make_user(Role.COORDINATOR)
    for status in (Status.NEW, Status.MONITORING, Status.MISSED):
        factories.make_consultation(status, closes_in_days=-3)
    done = factories.make_consultation(Status.OUTCOME_PUBLISHED, closes_in_days=-10, area="Housing")
    db.session.add(Submission(consultation_id=done.id, method="email", submitted_at=utcnow() - timedelta(days=12)))
    db.session.add(CitySupport(consultation_id=done.id, city_id=factories.city("Hull").id))
    db.session.add(Outcome(consultation_id=done.id, published_on=utcnow().date(), taken_up="yes"))
    db.session.commit()

    browser_login(page, live_server, user.email, factories.PASSWORD)
    page.goto(f"{live_server}/reports")
    charts = page.locator("img.kc-chart__image")
    assert charts.count() == 3
    for n in range(3):
        # A data: SVG that failed to decode or was blocked has no natural size.
        assert charts.nth(n).evaluate("img => img.complete && img.naturalWidth") > 0
    assert page.locator("#quarters table").is_visible()

    page.emulate_media(media="print")
    assert not page.locator(".govuk-service-navigation").is_visible()
    forms = page.locator("form[action='/reports']")
    assert forms.count() == 2 and not forms.first.is_visible() and not forms.nth(1).is_visible()
    assert not page.get_by_text("Download this table").first.is_visible()
    assert charts.first.is_visible() and page.locator("#work-areas table").is_visible()
    page.emulate_media(media="screen")

    # A range of one's own, through its form.
    page.fill("#start-day", "1")
    page.fill("#start-month", "1")
    page.fill("#start-year", "2020")
    page.fill("#end-day", "31")
    page.fill("#end-month", "12")
    page.fill("#end-year", "2020")
    page.get_by_role("button", name="Show report for these dates").click()
    page.wait_for_load_state()
    assert "1 January 2020 to 31 December 2020" in page.locator("h2").all_inner_texts()
    assert "No consultations were received in this period" in page.content()
