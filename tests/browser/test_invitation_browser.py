"""In a real browser: a lead invites an officer of another city to a response by email; the invitee
follows the emailed link, signs in with their council account at a local OpenID provider (Entra ID's
flavour), lands on the response as a contributor and comments. No serious accessibility faults,
nothing the CSP blocks."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests import factories
from tests.browser.axe import serious_a11y_faults
from tests.browser.conftest import browser_login
from tests.reminders.conftest import Inbox, _our_celery_app, eager, smtp, smtp_server  # noqa: F401 - fixtures
from tests.signin.conftest import entra  # noqa: F401 - fixture
from tests.signin.provider import ENTRA_TENANT, LocalProvider
from tracker.extensions import db
from tracker.models import Role, Status

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("eager")
def test_invited_contributor_signs_in_with_the_local_provider_and_comments(
        app: Flask, live_server: str, page: Any, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    provider: LocalProvider = request.getfixturevalue("entra")
    inbox: Inbox = request.getfixturevalue("smtp")
    # Links in emails, and the address the provider sends the browser back to, are built from BASE_URL.
    monkeypatch.setitem(app.config, "BASE_URL", live_server)
    lead = factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Lena Lead")
    consultation = factories.make_consultation(Status.DRAFTING, lead=lead, title="Buses in towns")
    db.session.commit()

    browser_login(page, live_server, lead.email, factories.PASSWORD)
    page.goto(f"{live_server}/consultations/{consultation.id}/response")
    page.click("text=invite one by email")
    expect(page.locator("h1")).to_have_text("Buses in towns")
    assert serious_a11y_faults(page) == []
    page.fill("input[name=email]", "sam.salford@salford.gov.uk")
    page.fill("input[name=name]", "Sam Salford")
    page.select_option("select[name=city]", label="Salford")
    page.click("button:has-text('Send invitation'), input[value='Send invitation']")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Invitation sent to sam.salford@salford.gov.uk")
    expect(page.locator(".kc-invitations")).to_contain_text("Waiting")
    page.click("header button:has-text('Sign out')")

    [email] = inbox.to("sam.salford@salford.gov.uk")
    found = re.search(r"(http://127\.0\.0\.1:\d+/invitations/accept/\S+)",
                      email.get_body(preferencelist=("plain",)).get_content())
    assert found
    provider.sign_in_as(tid=ENTRA_TENANT, oid="7b1e0c4a-2f3d-4c5e-9a6b-777777777777",
                     email="sam.salford@salford.gov.uk", name="Sam Salford")
    page.goto(found.group(1))
    expect(page.locator("h1")).to_contain_text("Join the")
    assert serious_a11y_faults(page) == []
    page.click("a[data-provider=entra]")
    page.wait_for_url(f"{live_server}/consultations/{consultation.id}/response")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Signed in as Sam Salford")
    expect(page.locator("#contributors").locator("xpath=..")).to_contain_text("Sam Salford")

    page.fill("textarea[name=body]", "Salford supports the points on rural bus routes.")
    page.click("#comments button:has-text('Add comment'), #comments input[type=submit]")
    expect(page.locator("#comments")).to_contain_text("Salford supports the points on rural bus routes.")
    expect(page.locator("#comments")).to_contain_text("Sam Salford")

    # The link is spent.
    page.goto(found.group(1))
    expect(page.locator("#invitation-problem")).to_contain_text("used already")
