"""Issue 24 in a real browser: every page each role can reach on the demo data fits a 320 px phone
without scrolling sideways, and axe finds no violation of any impact on it. The pages are the GET
routes without arguments and one of each page with arguments (tests/pagewalk.py); the test prints
each page with its width."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.browser.axe import a11y_faults
from tests.browser.conftest import browser_login
from tests.pagewalk import DEMO_LOGINS, readable_pages
from tracker.extensions import db
from tracker.seed import DEMO_USERS, demo_password

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}
# The innermost elements reaching past the viewport's right edge, so a failure says what to fix.
WIDEST = """(limit) => {
  const wide = e => e.getBoundingClientRect().right > limit + 1
    || (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible' && e.clientWidth > 0);
  return [...document.querySelectorAll('body *')]
    .filter(e => wide(e) && ![...e.children].some(wide))
    .slice(0, 3)
    .map(e => `<${e.tagName.toLowerCase()} class="${e.className}"> ${(e.textContent || '').trim().slice(0, 40)}`);
}"""


@pytest.fixture
def demo(app: Flask) -> None:
    from tracker import seed

    seed.seed_demo()
    db.session.commit()


@pytest.mark.long
@pytest.mark.committed
@pytest.mark.parametrize("role", list(DEMO_LOGINS))
def test_every_page_fits_320_px_with_no_axe_violation(
    app: Flask, demo: None, live_server: str, page: Any, role: str, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = list(readable_pages(app, role))
    email = DEMO_LOGINS[role]
    password = demo_password(next(d for d in DEMO_USERS if d.email == email))
    page.set_viewport_size(PHONE)
    browser_login(page, live_server, email, password)
    widths: list[str] = []
    faults: list[str] = []
    for path in paths:
        response = page.goto(f"{live_server}{path}")
        assert response is not None and response.status == 200, f"{role}: {path}"
        width = page.evaluate("document.documentElement.scrollWidth")
        widths.append(f"{width:4d} px  {path}")
        if width > PHONE["width"]:
            faults.append(f"{path} is {width} px wide: {page.evaluate(WIDEST, PHONE['width'])}")
        faults.extend(f"{path}: {fault}" for fault in a11y_faults(page))
    with capsys.disabled():
        print(f"\n{role}: {len(paths)} pages at {PHONE['width']} px\n" + "\n".join(widths))
    assert not faults, f"{role}:\n" + "\n".join(faults)


@pytest.mark.committed
@pytest.mark.parametrize("role, status, primary", [
    ("policy lead", "assigned", "Edit the draft"),
    ("policy lead", "drafting", "Send for review"),
    ("coordinator", "in_review", "Approve version"),
    ("coordinator", "approved", "Record submission"),
    ("coordinator", "submitted", "Record outcome"),
    ("coordinator", "outcome_published", None),
])
def test_the_response_page_has_one_primary_button_per_state(
    demo: None, live_server: str, page: Any, role: str, status: str, primary: str | None
) -> None:
    from sqlalchemy import select

    from tracker.models import City, Consultation

    query = select(Consultation.id).where(Consultation.status == status).order_by(Consultation.id)
    if role == "policy lead":  # the demo's lead is Hull's
        query = query.where(Consultation.lead_city_id == select(City.id).where(City.name == "Hull").scalar_subquery())
    consultation_id = db.session.scalar(query)
    assert consultation_id is not None, f"the demo has a response {status}"
    email = DEMO_LOGINS[role]
    browser_login(page, live_server, email, demo_password(next(d for d in DEMO_USERS if d.email == email)))
    page.goto(f"{live_server}/consultations/{consultation_id}/response")
    primaries = page.locator("main .govuk-button:not(.govuk-button--secondary):not(.govuk-button--warning)")
    texts = [t.strip() for t in primaries.all_inner_texts()]
    assert len(texts) == (1 if primary else 0), texts
    if primary:
        assert texts[0].startswith(primary)
    switch = page.get_by_role("button", name="Answer question by question")
    if switch.count():
        assert "govuk-button" in (switch.get_attribute("class") or "")
