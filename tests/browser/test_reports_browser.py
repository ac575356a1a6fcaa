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
    assert not page.locator("form[action='/reports']").is_visible()
    assert not page.get_by_text("Download this table").first.is_visible()
    assert charts.first.is_visible() and page.locator("#work-areas table").is_visible()
    page.emulate_media(media="screen")
