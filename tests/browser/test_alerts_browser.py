"""Issue 24's alerts in a real browser: save a search, import a matching item, see the alert;
follow a consultation, move its deadline, see the notification. Each told once however often the
scan runs; no serious accessibility fault on the new pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests import factories
from tests.browser.axe import serious_a11y_faults
from tests.browser.conftest import browser_login
from tests.intake.conftest import govuk, govuk_server, run_import  # noqa: F401
from tests.intake.govuk_server import make_item
from tracker.alerts import scan
from tracker.consultations import services as consultation_services
from tracker.consultations.services import ConsultationData
from tracker.extensions import db
from tracker.models import Role
from tracker.models.messages import Notification

pytestmark = pytest.mark.browser


PHONE = {"width": 320, "height": 640}


def _fits_a_phone_and_is_accessible(page: Any, url: str, name: str) -> None:
    """The page at 320 px wide: no sideways scroll of the whole page, and no serious axe fault."""
    page.set_viewport_size(PHONE)
    page.goto(url)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} is {width} px wide at 320 px"
    assert _any_a11y_faults(page) == [], name
    page.set_viewport_size({"width": 1280, "height": 800})


def _any_a11y_faults(page: Any) -> list[str]:
    """axe-core's violations of any impact, minor ones too."""
    from axe_playwright_python.sync_playwright import Axe

    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
            for v in Axe().run(page).response["violations"]]


def _scan_as_the_sweep_does() -> None:
    scan.plan()
    db.session.commit()


def _told(user_id: int, kind: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.kind == kind)) or 0


def test_save_a_search_import_a_matching_item_see_the_alert(
        live_server: str, page: Any, govuk: Any, run_import: Any) -> None:  # noqa: F811 - the intake's fixtures
    lead = factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Lena Lead")
    db.session.commit()
    browser_login(page, live_server, lead.email, factories.PASSWORD)

    page.goto(f"{live_server}/consultations/")
    page.fill("#q", "bus")
    with page.expect_navigation():
        page.click("button:has-text('Apply filters')")
    page.click("text=Save this search")
    expect(page.locator("h1")).to_have_text("Save this search")
    assert serious_a11y_faults(page) == [], "save form"
    page.click("button:has-text('Save search'), input[value='Save search']")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for the search")
    page.fill("input[name=name]", "Buses")
    page.check("input[name=delivery][value=at_once]")
    with page.expect_navigation():
        page.click("button:has-text('Save search'), input[value='Save search']")
    expect(page.locator("h1")).to_have_text("Saved searches and alerts")
    expect(page.locator("[data-kc-search]")).to_contain_text("Words “bus”")
    assert serious_a11y_faults(page) == [], "saved searches"

    govuk.add(*make_item(1, title="Bus franchising guidance", org="DfT"))
    govuk.add(*make_item(2, title="Adult social care charging", org="DHSC"))
    run_import()
    _scan_as_the_sweep_does()
    _scan_as_the_sweep_does()  # the task after the commit and the sweep: still one alert
    assert _told(lead.id, "search_alert") == 1

    page.goto(f"{live_server}/notifications")
    expect(page.locator("main")).to_contain_text("New for your search “Buses”: Bus franchising guidance")
    expect(page.locator("main")).not_to_contain_text("Adult social care charging")

    page.goto(f"{live_server}/alerts/searches")
    search_id = page.locator("[data-kc-search] a").first.get_attribute("href").rsplit("/", 1)[1]
    for path in ("/alerts/searches", f"/alerts/searches/{search_id}/edit", f"/alerts/searches/{search_id}/delete",
                 "/alerts/searches/new?q=bus", "/account"):
        _fits_a_phone_and_is_accessible(page, f"{live_server}{path}", path)
    page.goto(f"{live_server}/alerts/searches")
    page.click("[data-kc-search] a:has-text('Delete')")
    expect(page.locator("h1")).to_have_text("Delete the saved search “Buses”?")
    assert serious_a11y_faults(page) == [], "delete confirmation"


def test_follow_a_consultation_move_its_deadline_see_the_notification(live_server: str, page: Any) -> None:
    coordinator = factories.make_user(Role.COORDINATOR, name="Cora Coordinator")
    lead = factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Lena Lead")
    consultation = factories.make_consultation(title="Bus franchising guidance")
    db.session.commit()
    browser_login(page, live_server, lead.email, factories.PASSWORD)

    page.goto(f"{live_server}/consultations/{consultation.id}")
    with page.expect_navigation():
        page.click("button:has-text('Follow this consultation')")
    expect(page.locator("button:has-text('Unfollow this consultation')")).to_be_visible()
    page.goto(f"{live_server}/alerts/following")
    expect(page.locator("[data-kc-follow]")).to_contain_text("Bus franchising guidance")
    assert serious_a11y_faults(page) == [], "what you follow"
    for path in ("/alerts/following", f"/consultations/{consultation.id}"):
        _fits_a_phone_and_is_accessible(page, f"{live_server}{path}", path)

    db.session.refresh(consultation)
    data = ConsultationData(title=consultation.title, issuing_organisation=consultation.issuing_organisation,
                            closes_at=consultation.closes_at + timedelta(days=14), url=consultation.url,
                            summary=consultation.summary, opened_at=consultation.opened_at)
    consultation_services.update_consultation(coordinator, consultation, data, seen_version=consultation.version)
    db.session.commit()
    _scan_as_the_sweep_does()
    _scan_as_the_sweep_does()
    assert _told(lead.id, "followed_change") == 1

    page.goto(f"{live_server}/notifications")
    expect(page.locator("main")).to_contain_text("Changed: Bus franchising guidance")
    expect(page.locator("main")).to_contain_text("Its closing date moved from")
