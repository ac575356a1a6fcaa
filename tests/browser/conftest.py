"""Browser test fixtures: the real app served over HTTP, driven by Debian's Chromium.

The session ``app`` (tests/conftest.py) runs in a werkzeug server thread. Its
database is a SQLite file or PostgreSQL, so the server thread and the test
thread see the same rows (test data must be committed before the browser asks).
When /usr/bin/chromium is missing the tests skip loudly, except in CI (env CI
set) where they must fail: CI runs them (docs/architecture.md, "Speed, and how
it is tested").
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.axe import serious_a11y_faults

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
]
SKIP_MESSAGE = "BROWSER TESTS SKIPPED: install Debian's chromium (apt-get install chromium)"

_skipped: list[str] = []


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing and CI is set: browser tests must run in CI", pytrace=False)
    _skipped.append(SKIP_MESSAGE)
    pytest.skip(SKIP_MESSAGE)


@pytest.fixture(scope="session")
def _browser() -> Iterator[Any]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(_browser: Any) -> Iterator[Any]:
    """A fresh page in its own browser context (no cookies shared between tests). Any script or
    style the Content Security Policy blocked on any page the test visited fails the test, and so
    does a serious accessibility fault on the page the test ends on."""
    context = _browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    try:
        yield page
        where = page.url
        faults = serious_a11y_faults(page) if where.startswith("http") else []
    finally:
        context.close()
    assert not blocked, f"the CSP blocked something the pages need: {blocked}"
    assert not faults, f"serious accessibility faults on {where}: {faults}"


def browser_login(page: Any, base_url: str, email: str, password: str) -> None:
    """Sign in through the real login form."""
    page.goto(f"{base_url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    # The form's answer is a new page: wait for it, not for the load state of the one clicked on.
    with page.expect_navigation():
        page.click("button[type=submit], input[type=submit]")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _skipped:
        terminalreporter.write_sep("!", SKIP_MESSAGE, red=True, bold=True)
