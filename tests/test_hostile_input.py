"""Every route in the app, as every role, with hostile values: never a 5xx, and a refused request
changes nothing in the database.

The walk is generic so that a new route is covered the day it is added: path arguments come from
``app.url_map``, forms are found by reading the pages each role can open, and every form is sent
back with hostile values (NUL and other control characters, very long text, line breaks in
one-line fields, partial and absurd dates, ids past the database's integer range, wrong types).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import String, event, func, select, text
from werkzeug.datastructures import MultiDict

from tests.conftest import login
from tracker.extensions import db
from tracker.models import User

# The WriteWatcher counts commits on the engine's connections: inside a rolled-back test there are only savepoints.
pytestmark = pytest.mark.committed

HUGE_IDS = [2**31, 2**63, 10**40]
HOSTILE_STRINGS = ["\x00", "a\x00b", "x" * 5000, "%00", "\u202e\u0000", "../../etc/passwd"]
# Query-string arguments read by some view (lists, filters, the library, the diff page, sign-in).
QUERY_ARGS = ["page", "q", "status", "work_area", "city", "closing", "area", "year", "from", "to",
              "role", "next", "state", "kind", "sort", "item", "filter"]
HOSTILE_QUERY_VALUES = [str(2**31), str(10**40), "-1", "0", "1e99", "abc", "\u00b2", "\x00", "a\x00b", "x" * 3000]
DEMO_LOGINS = {
    "admin": "admin@keycities.test",
    "coordinator": "coordinator@keycities.test",
    "lead": "lead.hull@keycities.test",
    "contributor": "contributor.newport@keycities.test",
}
ROLES = ["anonymous", *DEMO_LOGINS]
# Refused requests may still write these: a failed sign-in is logged, a session is recorded.
LOG_TABLES = {"activity_log", "user_session", "login_attempt"}


# --- reading the pages ------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (tag/type, name, value)


class _FormParser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action") or self.page_url, method=(a.get("method") or "get").lower())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            part = a.get("id", "").rsplit("-", 1)[-1]
            if part in {"day", "month", "year"} and a.get("id", "").startswith(a["name"]):
                kind = f"date-{part}"  # GOV.UK date input: three boxes with one name
            if kind in {"checkbox", "radio"} and "checked" not in a:
                # Keep one candidate per radio group so the form can be sent as a user would.
                if any(f[1] == a["name"] for f in self._form.fields):
                    return
            self._form.fields.append((kind, a["name"], a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []
        elif tag == "select" and a.get("name"):
            self._select, self._select_first = a["name"], None
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None or "selected" in a:
                self._select_first = value

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append(("textarea", self._textarea, "".join(self._text)))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            self._form.fields.append(("select", self._select, self._select_first or ""))
            self._select = None


def _forms(html: str, page_url: str) -> list[Form]:
    parser = _FormParser(page_url)
    parser.feed(html)
    return [f for f in parser.forms if f.method == "post"]


def _variants(form: Form) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """(what, body) pairs: the form as a user would send it, then each kind of hostile value."""
    base = [(name, value) for _kind, name, value in form.fields]
    text_kinds = {"text", "textarea", "email", "password", "search", "url", "tel"}
    texts = {name for kind, name, _ in form.fields if kind in text_kinds}
    single = {name for kind, name, _ in form.fields if kind in text_kinds - {"textarea"}}
    choices = {name for kind, name, _ in form.fields if kind in {"select", "radio", "hidden", "checkbox"}
               and name != "csrf_token"}
    dates = sorted({name for kind, name, _ in form.fields if kind.startswith("date-")})
    def replaced(names: set[str], value: str) -> list[tuple[str, str]]:
        return [(n, value if n in names else v) for n, v in base]

    yield "as shown", base
    yield "no fields", []
    if texts:
        yield "NUL and control characters in text", replaced(texts, "before\x00after bell\x07 escape\x1b[31m")
        yield "very long text", replaced(texts, "word " * 45_000)  # past the largest limit (200,000)
    if single:
        yield "line breaks in one-line fields", replaced(single, "Subject\r\nBcc: victim@example.com")
    for value in (str(10**40), "-1", "abc\x00"):
        if choices:
            yield f"choices = {value!r}", replaced(choices, value)
    for name in dates:
        others = [(n, v) for n, v in base if n != name]

        def parts(day: str | None, month: str | None, year: str | None) -> list[tuple[str, str]]:
            return others + [(name, v) for v in (day, month, year) if v is not None]  # noqa: B023

        yield f"{name}: day only", parts("12", "", "")
        yield f"{name}: month and year missing from the request", parts("12", None, None)
        yield f"{name}: 40-digit year", parts("1", "1", "9" * 40)
        yield f"{name}: 31 February", parts("31", "2", "2027")
        yield f"{name}: letters and superscript digits", parts("ab", "\u00b2", "efgh")


# --- the database, before and after ------------------------------------------------------


class WriteWatcher:
    """Counts writes that were committed, on every connection of the engine: a refused request
    must commit none (but for the logs a refused sign-in may write)."""

    _DML = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.I)

    def __init__(self) -> None:
        self.committed: list[str] = []
        self._pending: dict[int, list[str]] = {}

    def before_execute(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        match = self._DML.match(statement)
        if match and match.group(1) not in LOG_TABLES:
            self._pending.setdefault(id(conn), []).append(match.group(1))

    def commit(self, conn: Any) -> None:
        self.committed.extend(self._pending.pop(id(conn), []))

    def rollback(self, conn: Any) -> None:
        self._pending.pop(id(conn), None)

    def __enter__(self) -> WriteWatcher:
        event.listen(db.engine, "before_cursor_execute", self.before_execute)
        event.listen(db.engine, "commit", self.commit)
        event.listen(db.engine, "rollback", self.rollback)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(db.engine, "before_cursor_execute", self.before_execute)
        event.remove(db.engine, "commit", self.commit)
        event.remove(db.engine, "rollback", self.rollback)

    def take(self) -> list[str]:
        tables, self.committed = self.committed, []
        return tables


def _nul_in_database() -> list[str]:
    found: list[str] = []
    if db.engine.dialect.name == "postgresql":
        return found  # PostgreSQL refuses NUL in text outright
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, String):
                    continue
                hit = conn.execute(
                    select(text("1")).select_from(table).where(func.instr(column, func.char(0)) > 0).limit(1)
                ).first()
                if hit:
                    found.append(f"{table.name}.{column.name}")
    return found


# --- the walk ----------------------------------------------------------------------------


class Walk:
    def __init__(self, app: Flask, role: str) -> None:
        self.app = app
        self.role = role
        self.problems: list[str] = []
        self.count = 0
        self.writes = WriteWatcher()
        self.client: FlaskClient = app.test_client()
        self.sign_in()

    def sign_in(self) -> None:
        if self.role != "anonymous":
            user = db.session.scalar(select(User).where(User.email == DEMO_LOGINS[self.role]))
            assert user is not None
            login(self.client, user)
            db.session.remove()

    def request(self, method: str, url: str, data: Any = None) -> int:
        self.writes.take()
        self.count += 1
        response = self.client.open(url, method=method, data=data)
        # In production each request ends its app context, which removes the session; the test's
        # app context outlives requests, so end the session here as a request would.
        db.session.remove()
        status = response.status_code
        if status == 503 and urlsplit(url).path == "/healthz":
            pass  # its designed answer when no worker runs (as here)
        elif status >= 500:
            body = response.get_data(as_text=True)
            reason = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))[-200:]
            self.problems.append(f"{self.role}: {method} {url[:160]!r} -> {status} {reason}")
        elif status >= 400 and (changed := sorted(set(self.writes.take()))):
            self.problems.append(f"{self.role}: {method} {url[:160]!r} refused ({status}) but wrote to {changed}")
        return status

    def get_html(self, url: str) -> str | None:
        response = self.client.get(url)
        db.session.remove()
        if response.status_code >= 500:
            self.problems.append(f"{self.role}: GET {url!r} -> {response.status_code}")
        if response.status_code != 200 or "html" not in (response.content_type or ""):
            return None
        return response.get_data(as_text=True)


def _real_values() -> dict[str, int]:
    """An existing row for each kind of path argument, so only one argument at a time is hostile."""
    from tracker.models import City, Consultation, WorkArea
    from tracker.models.alerts import SavedSearch
    from tracker.models.api import ApiToken
    from tracker.models.drafts import Comment, Contributor, Question, Response, ResponseVersion
    from tracker.models.evidence import EvidenceAnswer, EvidenceFile, EvidenceRequest
    from tracker.models.intake import FeedSource, IntakeItem, OrganisationRule
    from tracker.models.invitations import Invitation
    from tracker.models.messages import DigestRun, Message
    from tracker.models.policy import Engagement, FollowUp, PartnerNetwork, PolicyAsk
    from tracker.models.signin import ExternalIdentity
    from tracker.policy.report import financial_year

    response = db.session.scalars(
        select(Response).join(ResponseVersion).order_by(Response.current_number.desc())
    ).first()
    assert response is not None, "the demo data has a response with versions"

    def first(stmt: Any) -> int:
        value = db.session.scalar(stmt.limit(1))
        return int(value) if value is not None else 1

    return {
        "consultation_id": response.consultation_id,
        "number": response.current_number,
        "question_id": first(select(Question.id)),
        "contributor_id": first(select(Contributor.id)),
        "comment_id": first(select(Comment.id)),
        "thread_id": first(select(Comment.id).where(Comment.parent_id.is_(None))),
        "city_id": first(select(City.id)),
        "item_id": first(select(IntakeItem.id)),
        "feed_id": first(select(FeedSource.id)),
        "rule_id": first(select(OrganisationRule.id)),
        "area_id": first(select(WorkArea.id)),
        "user_id": first(select(User.id).order_by(User.id.desc())),
        "message_id": first(select(Message.id)),
        "run_id": first(select(DigestRun.id)),
        "ask_id": first(select(PolicyAsk.id)),
        "engagement_id": first(select(Engagement.id)),
        "follow_up_id": first(select(FollowUp.id).where(FollowUp.done_at.is_(None))),
        "partner_id": first(select(PartnerNetwork.id)),
        "year": financial_year(),
        "token_id": first(select(ApiToken.id)),
        "invitation_id": first(select(Invitation.id)),
        "identity_id": first(select(ExternalIdentity.id)),
        "request_id": first(select(EvidenceRequest.id)),
        "answer_id": first(select(EvidenceAnswer.id)),
        "file_id": first(select(EvidenceFile.id)),
        "search_id": first(select(SavedSearch.id)),
        "_any_consultation": first(select(Consultation.id)),
    }


def _one_per_status() -> list[tuple[int, int]]:
    """(consultation id, latest version number) of one consultation in each status, so that the
    forms of every step (triage, assign, review, submission, outcome ...) are tried."""
    from tracker.models import Consultation
    from tracker.models.drafts import Response

    rows = db.session.execute(
        select(Consultation.status, Consultation.id, Response.current_number)
        .outerjoin(Response, Response.consultation_id == Consultation.id)
        .order_by(Consultation.status, Response.current_number.desc().nulls_last(), Consultation.id)
    ).all()
    chosen: dict[str, tuple[int, int]] = {}
    for status, consultation_id, number in rows:
        chosen.setdefault(status, (consultation_id, number or 1))
    return list(chosen.values())


def _rules(app: Flask) -> list[Any]:
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def _build(rule: Any, values: dict[str, Any]) -> str:
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(rf"<(?:[a-z]+:)?{name}>", str(values[name]), path)
    return path


@pytest.fixture
def demo_data(app: Flask) -> dict[str, int]:
    from tracker import seed

    seed.seed_demo()
    db.session.commit()
    return _real_values()


@pytest.mark.long
@pytest.mark.parametrize("role", ROLES)
def test_every_route_and_form_with_hostile_values(app: Flask, demo_data: dict[str, int], role: str) -> None:
    """One data set per role (seeding is the slow part): paths, query strings, then forms."""
    walk = Walk(app, role)
    with walk.writes:
        _paths_and_query_strings(walk, app, demo_data, role)
        _every_form(walk, app, demo_data, role)


# Values for the routes' word arguments (ids come from the demo data).
ROUTE_WORDS = {"name": "start_drafting", "token": "no-such-feed-token", "city_slug": "hull", "provider_name": "entra"}


def _paths_and_query_strings(walk: Walk, app: Flask, demo_data: dict[str, int], role: str) -> None:
    for rule in _rules(app):
        walk.sign_in()  # a route may have signed the client out (sign-out, a password change)
        methods = sorted(rule.methods & {"GET", "POST"})
        values: dict[str, Any] = {**demo_data, **ROUTE_WORDS}
        for arg in rule.arguments:
            hostile = HUGE_IDS if arg in demo_data else HOSTILE_STRINGS
            for value in hostile:
                url = _build(rule, {**values, arg: value})
                for method in methods:
                    status = walk.request(method, url)
                    if arg in demo_data and status not in (302, 401, 403, 404, 405):
                        walk.problems.append(f"{role}: {method} {url} with an id past the column's range "
                                             f"-> {status}, not 404")
        if "GET" in methods:
            url = _build(rule, values)
            every = urlencode({name: HOSTILE_QUERY_VALUES[i % len(HOSTILE_QUERY_VALUES)]
                               for i, name in enumerate(QUERY_ARGS)})
            walk.request("GET", f"{url}?{every}")
            for value in HOSTILE_QUERY_VALUES:
                walk.request("GET", f"{url}?{urlencode({name: value for name in QUERY_ARGS})}")
        if "POST" in methods:
            url = _build(rule, values)
            walk.request("POST", url, data=b"\xff\xfe\x00garbage")
            walk.request("POST", url, data={name: "\x00" for name in ("body", "text", "comment", "reason", "mode",
                                                                      "user_id", "city_id", "base_version")})


def _every_form(walk: Walk, app: Flask, demo_data: dict[str, int], role: str) -> None:
    pages: list[str] = []
    for rule in _rules(app):
        if "GET" not in rule.methods or rule.endpoint in {"auth.logout", "health.healthz"}:
            continue
        if any(arg not in demo_data for arg in rule.arguments):
            continue
        if "consultation_id" in rule.arguments:
            pages.extend(_build(rule, {**demo_data, "consultation_id": cid, "number": number})
                         for cid, number in _one_per_status())
        else:
            pages.append(_build(rule, demo_data))
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for page in pages:
        html = walk.get_html(page)
        if html is None:
            continue
        for form in _forms(html, page):
            action = urlsplit(form.action).path or page
            key = (action, tuple(sorted(name for _k, name, _v in form.fields)))
            if key in seen or re.search(r"log-?out|sign-?out", action):
                continue
            seen.add(key)
            walk.sign_in()  # an earlier form may have ended the session (a password reset)
            for _what, body in _variants(form):
                walk.request("POST", action, data=MultiDict(body))
    assert seen or role == "anonymous", "no forms were found to try"
    assert not walk.problems, "\n".join(walk.problems)
    stored = _nul_in_database()
    assert not stored, f"NUL characters were stored in {stored}"


def test_the_write_watcher_sees_committed_writes_only(app: Flask) -> None:
    from tracker.models import City

    with WriteWatcher() as watcher:
        db.session.add(City(name="Testville", slug="testville"))
        db.session.flush()
        db.session.rollback()
        assert watcher.take() == []
        db.session.add(City(name="Testville", slug="testville"))
        db.session.commit()
        assert watcher.take() == ["city"]
