"""Every paged list, found by walking the URL map, with page numbers past the end, negative, zero
and not numbers: never a 5xx; the last page or the first, drawn as such.

The lists are discovered, not listed: every GET route is opened with a huge page number, and
those that page say so through tracker.pagination (``g.page_shown``), so a new list is walked the
day it is added. A list that pages by itself fails the walk (an offset past bigint's range is a
500) and the check that only tracker/pagination.py reads page numbers.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import login
from tests.test_hostile_input import DEMO_LOGINS, ROUTE_WORDS, _build, _real_values, _rules
from tracker.extensions import db
from tracker.models import User
from tracker.models.messages import DigestRun, Message, Stage, State
from tracker.timeutil import utcnow

HUGE = "400000000000000000"
# Past any integer column's range times any page size: a list that pages by itself fails on it.
HUGER = "9" * 40
FIRST_PAGE_VALUES = ["-1", "0", "-400000000000000000", "abc", "", "1e99", "\u00b2", "2.5"]
ROLES = ["coordinator", "admin"]
# Known today: the walk must find at least these (it finds any new one by itself).
KNOWN_LISTS = {"consultations.index", "drafts.library", "intake.inbox", "policy.engagement_list",
               "reminders.notifications", "reminders.attention", "reminders.admin_reminders",
               "admin.users", "admin.activity"}
# Lists that show more than one kind of row on one endpoint.
OTHER_VIEWS = ["/reminders/attention?show=digests", "/reminders/attention?state=failed",
               "/admin/reminders?state=sent", "/intake/?state=dismissed"]


@pytest.fixture
def demo(app: Flask, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    from tracker import seed
    from tracker.reminders import routes as reminder_routes

    seed.seed_demo()
    _emails_that_need_attention()
    db.session.commit()
    # Two rows a page: the demo data then fills several pages of most lists.
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    monkeypatch.setattr(reminder_routes, "PAGE_SIZE", 2)
    return {**_real_values(), **ROUTE_WORDS}


def _emails_that_need_attention() -> None:
    """The demo has none: enough failed and uncertain emails and digests for a few pages."""
    lead = db.session.scalar(select(User).where(User.email == DEMO_LOGINS["lead"]))
    for i in range(5):
        for state in (State.FAILED, State.UNCERTAIN):
            db.session.add(Message(recipient=lead, kind="message", subject=f"Paged {state.value} {i}",
                                    state=state.value, stage=Stage.DATA.value, attempts=1, claimed_at=utcnow(),
                                    claim_token=f"paged-{state.value}-{i}", last_error="Permanent failure: SMTP 550"))
        db.session.add(DigestRun(user=lead, day=date(2026, 1, 5 + i), state=State.FAILED.value,
                                 last_error="Permanent failure: SMTP 550"))


def _client(app: Flask, role: str) -> FlaskClient:
    client = app.test_client()
    user = db.session.scalar(select(User).where(User.email == DEMO_LOGINS[role]))
    assert user is not None
    login(client, user)
    return client


def _get(client: FlaskClient, url: str) -> tuple[int, str, tuple[int, int] | None]:
    """The status, the page and which page of how many the list showed (None: no list paged)."""
    g.pop("page_shown", None)  # the test's app context, and so its `g`, outlives each request
    response = client.get(url)
    shown = g.pop("page_shown", None)
    db.session.remove()  # as the end of a real request's app context would
    return response.status_code, response.get_data().decode(errors="replace"), shown


def _with_page(url: str, value: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}page={value}"


def test_every_paged_list_with_bad_page_numbers(app: Flask, demo: dict[str, Any]) -> None:
    problems: list[str] = []
    found: set[str] = set()
    many_pages: dict[str, int] = {}  # role -> how many of its lists had more than one page
    endpoints = app.url_map.bind("tracker.test")
    for role in ROLES:
        client = _client(app, role)
        lists: dict[str, str] = {}  # url -> endpoint
        urls = [_build(rule, demo) for rule in _rules(app) if "GET" in rule.methods] + OTHER_VIEWS
        for url in urls:
            endpoint = str(endpoints.match(url.split("?")[0], method="GET")[0])
            status, _page, shown = _get(client, _with_page(url, HUGER))
            if status >= 500 and url != "/healthz":  # /healthz: 503 is its answer when no worker runs
                problems.append(f"{role}: {url} page={HUGER} -> {status}")
            if shown is not None:
                lists[url] = endpoint
        found |= set(lists.values())

        paged = 0
        for url in lists:
            for value in [HUGE, HUGER, *FIRST_PAGE_VALUES]:
                status, html, shown = _get(client, _with_page(url, value))
                if status != 200 or shown is None:
                    problems.append(f"{role}: {url} page={value!r} -> {status}, list shown: {shown}")
                    continue
                number, pages = shown
                expected = pages if value in (HUGE, HUGER) else 1
                if number != expected:
                    problems.append(f"{role}: {url} page={value!r} showed page {number} of {pages}, not {expected}")
                if pages > 1 and not re.search(rf'aria-label="Page {expected}"\s+aria-current="page"', html):
                    problems.append(f"{role}: {url} page={value!r}: page {expected} is not marked as the current one")
            paged += pages > 1
        many_pages[role] = paged
    assert KNOWN_LISTS <= found, f"the walk did not reach {sorted(KNOWN_LISTS - found)}"
    assert not problems, "\n".join(problems)
    assert min(many_pages.values()) >= 8, f"lists of more than one page: {many_pages}; the walk proves little"


def test_only_the_pagination_helper_reads_page_numbers() -> None:
    """A list that reads ?page= itself, or pages with Flask-SQLAlchemy's paginate(), escapes the bounds."""
    root = Path(__file__).resolve().parents[1] / "tracker"
    # The API reads ?page= through its schema (1 to MAX_PAGE), then pages through the helper.
    pattern = re.compile(r"""\.paginate\(|request\.args\.get\(\s*["']page["']|request\.args\[\s*["']page["']""")
    readers = [str(path.relative_to(root)) for path in root.rglob("*.py")
               if path.name != "pagination.py" and pattern.search(path.read_text(encoding="utf-8"))]
    assert readers == []
