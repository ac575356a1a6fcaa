"""Issue 24 in a real browser: tick three inbox items, accept and assign each on its own page, and
back to the inbox; dismiss two together with one reason. Pages counted; axe on each new page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests import factories
from tests.browser.axe import serious_a11y_faults
from tests.browser.conftest import browser_login
from tracker.extensions import db
from tracker.models import Consultation, Role
from tracker.models.intake import IntakeItem, ItemState
from tracker.timeutil import utcnow

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}


def _fits_a_phone(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a {PHONE['width']} px phone"


def _items(*titles: str) -> list[IntakeItem]:
    transport = factories.work_area("Transport")
    items = []
    for n, title in enumerate(titles, start=1):
        item = IntakeItem(
            content_id=f"00000000-0000-4000-8000-{n:012d}", base_path=f"/government/consultations/item-{n}",
            document_type="open_consultation", title=title, organisations=["Department for Transport"],
            closes_at=utcnow() + timedelta(days=30 + n), opened_at=utcnow() - timedelta(days=10),
            suggested_work_area=transport, suggestion_reasons=["Issued by Department for Transport"],
        )
        db.session.add(item)
        items.append(item)
    db.session.commit()
    return items


def _count_pages(page: Any) -> list[str]:
    """Every page the browser shows (a redirect is not a page: only where it lands)."""
    shown: list[str] = []
    page.on("framenavigated", lambda frame: shown.append(frame.url) if frame == page.main_frame else None)
    return shown


@pytest.mark.committed
def test_select_3_inbox_items_accept_and_assign_each(live_server: str, page: Any) -> None:
    coordinator = factories.make_user(Role.COORDINATOR, name="Cora Coordinator")
    factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Hana Hull")
    items = _items("Bus fares review", "Rail freight strategy", "Road safety plan")
    browser_login(page, live_server, coordinator.email, factories.PASSWORD)
    page.set_viewport_size(PHONE)

    shown = _count_pages(page)
    page.goto(f"{live_server}/intake/")
    assert serious_a11y_faults(page) == []
    _fits_a_phone(page)
    for item in items:
        page.check(f"input[name=items][value='{item.id}']")
    with page.expect_navigation():
        page.click("#accept-chosen")

    for n, item in enumerate(items, start=1):
        expect(page.locator("[data-kc-accept-progress]")).to_have_text(f"Item {n} of 3")
        expect(page.locator("h1")).to_have_text(item.title)
        # The lead city is named from the imported work area before anything is chosen.
        assert page.locator("[data-kc-city] option:checked").inner_text() == "Hull"
        assert serious_a11y_faults(page) == []
        _fits_a_phone(page)
        page.check("input[name=decision][value=respond]")
        page.select_option("[data-kc-lead]", label="Hana Hull (Hull)")
        with page.expect_navigation():
            page.click("button[type=submit]:has-text('Save and')")

    expect(page.locator("h1")).to_have_text("Triage inbox")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Done with the 3 items you chose: 3 accepted.")
    assert serious_a11y_faults(page) == []

    pages = [url.split(live_server, 1)[1] for url in shown]
    assert pages[0] == "/intake/" and pages[-1] == "/intake/"
    # The inbox, one page per item, the inbox: at most 3 pages from the inbox to assigned.
    assert len(pages) == 1 + len(items) + 1, pages
    assert len(pages) <= 3 * len(items)
    db.session.expire_all()
    rows = db.session.scalars(select(Consultation).order_by(Consultation.title)).all()
    assert [(c.title, c.status, c.lead_city.name, c.policy_lead.name) for c in rows] == [
        ("Bus fares review", "assigned", "Hull", "Hana Hull"),
        ("Rail freight strategy", "assigned", "Hull", "Hana Hull"),
        ("Road safety plan", "assigned", "Hull", "Hana Hull"),
    ]


@pytest.mark.committed
def test_select_2_inbox_items_and_dismiss_them_with_one_reason(live_server: str, page: Any) -> None:
    coordinator = factories.make_user(Role.COORDINATOR, name="Cora Coordinator")
    items = _items("Ferry timetables", "Canal moorings", "Cycle lanes")
    browser_login(page, live_server, coordinator.email, factories.PASSWORD)
    page.goto(f"{live_server}/intake/")
    for item in items[:2]:
        page.check(f"input[name=items][value='{item.id}']")
    with page.expect_navigation():
        page.click("#dismiss-chosen")
    expect(page.locator("h1")).to_have_text("Dismiss 2 items")
    assert serious_a11y_faults(page) == []
    page.set_viewport_size(PHONE)
    _fits_a_phone(page)
    with page.expect_navigation():
        page.click("#dismiss-submit")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give a reason")  # nothing typed
    assert serious_a11y_faults(page) == []
    page.fill("textarea[name=reason]", "Scotland only")
    with page.expect_navigation():
        page.click("#dismiss-submit")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Dismissed 2 items.")
    db.session.expire_all()
    assert [(db.session.get(IntakeItem, i.id).state, db.session.get(IntakeItem, i.id).dismissal_reason)
            for i in items] == [(ItemState.DISMISSED, "Scotland only"), (ItemState.DISMISSED, "Scotland only"),
                                (ItemState.PENDING, "")]
