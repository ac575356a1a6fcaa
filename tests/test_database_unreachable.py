"""While the database cannot be reached every page, the API and the feeds answer 503 with
Retry-After, drawn without the database; when it is back they work again, with no restart.

Each test has a database of its own and takes it away for real: on PostgreSQL, connections are
refused (``ALLOW_CONNECTIONS false``) and the open ones ended (``pg_terminate_backend``); on SQLite
the file's directory is moved away (as when its volume is not mounted) and the pool lets go of
its connections (an open SQLite file stays usable after its directory moves; tests run as root,
so taking the directory's permissions away would change nothing).
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import sqlite3
import subprocess
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from honcho.environ import parse_procfile
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from werkzeug.test import TestResponse

from tests import factories
from tests.databases import scratch_postgres_database
from tests.reminders.conftest import free_port
from tests.test_production_processes import BIN, ROOT, _start, _wait
from tracker import create_app
from tracker.extensions import db
from tracker.models import Role, Status
from tracker.seed import seed_reference_data
from tracker.unavailable import RETRY_AFTER_SECONDS, TITLE, database_unreachable

COORDINATOR = "Cora Outage"
CONSULTATION = "Bus franchising in city regions"


@dataclass
class Database:
    """A database of the test's own, and how to take it away and give it back."""

    url: str
    stop: Callable[[Flask], None]
    start: Callable[[Flask], None]


def postgres_database(test_url: str) -> Generator[Database, None, None]:
    with scratch_postgres_database(test_url, f"away_{secrets.token_hex(4)}") as url:
        name = make_url(url).database
        admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")

        def allow(connections: bool) -> None:
            with admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(connections).lower()}'))
                if not connections:
                    conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                                 {"name": name})

        try:
            yield Database(url, stop=lambda app: allow(False), start=lambda app: allow(True))
        finally:
            allow(True)
            admin.dispose()


def sqlite_database(tmp_path: Path) -> Iterator[Database]:
    folder, away = tmp_path / "data", tmp_path / "data-moved-away"
    folder.mkdir()

    def stop(app: Flask) -> None:
        folder.rename(away)
        with app.app_context():
            db.engine.dispose()

    def start(app: Flask) -> None:
        away.rename(folder)

    yield Database(f"sqlite:///{folder / 'tracker.sqlite'}", stop=stop, start=start)
    if away.exists():
        away.rename(folder)


@pytest.fixture(params=["postgresql", "sqlite"])
def database(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        yield from sqlite_database(tmp_path)
    elif make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("ALLOW_CONNECTIONS is PostgreSQL's: run with TEST_DATABASE_URL=postgresql+psycopg://...")
    else:
        yield from postgres_database(database_url)


@dataclass
class Tracker:
    app: Flask
    consultation_id: int
    api_token: str
    feed_token: str
    email: str


@pytest.fixture
def tracker(app: Flask, database: Database, tmp_path: Path) -> Iterator[Tracker]:
    """The tracker on that database, with a coordinator, a consultation, an API token and feeds."""
    from tracker.account import services as account_services
    from tracker.account import tokens as feed_tokens
    from tracker.api.tokens import services as api_tokens

    own = create_app("test", overrides={"SQLALCHEMY_DATABASE_URI": database.url,
                                        "INSTANCE_DIR": str(tmp_path / "instance")})
    try:
        with own.app_context():
            db.create_all()
            seed_reference_data()
            user = factories.make_user(Role.COORDINATOR, name=COORDINATOR)
            consultation = factories.make_consultation(Status.NEW, title=CONSULTATION, closes_in_days=20)
            _row, api_token = api_tokens.create(user, "Power BI", "90")
            feed = account_services.set_up_feeds(user)
            db.session.commit()
            feed_token = feed_tokens.unseal(feed.token_sealed)
            assert feed_token is not None
            made = Tracker(own, consultation.id, api_token, feed_token, user.email)
            db.session.remove()
        # Outside the app's context: each request has its own, and its session ends with it.
        yield made
    finally:
        with own.app_context():
            db.session.remove()
            db.engine.dispose()
        # create_app() made its Celery app the default: later tests' tasks must run in the suite's.
        app.extensions["celery"].set_current()
        app.extensions["celery"].set_default()


def signed_in(tracker: Tracker) -> FlaskClient:
    client = tracker.app.test_client()
    response = client.post("/login", data={"email": tracker.email, "password": factories.PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def assert_unavailable_page(response: TestResponse, what: str) -> None:
    """The tracker's 503 page, drawn as the tracker's pages are (GOV.UK Frontend, the CSP nonce)."""
    html = response.get_data(as_text=True)
    assert response.status_code == 503, f"{what}: {response.status_code} {html[:300]}"
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS), what
    assert response.mimetype == "text/html", what
    assert f"<h1 class=\"govuk-heading-l\">{TITLE}</h1>" in html, what
    assert "Nothing you saved before this is lost" in html, what
    assert "<title>The tracker cannot reach its database – Key Cities Tracker</title>" in html, what
    assert 'href="/static/dist/app.css"' in html and "govuk-template__body" in html, what
    nonce = re.search(r'<script nonce="([^"]+)">document\.body\.className', html)
    assert nonce is not None, what
    assert f"'nonce-{nonce.group(1)}'" in response.headers["Content-Security-Policy"], what
    assert COORDINATOR not in html, what  # nobody was looked up
    assert response.headers["Cache-Control"] == "no-store", what


def test_pages_api_and_feeds_answer_503_while_the_database_is_away_and_work_when_it_is_back(
        tracker: Tracker, database: Database) -> None:
    person, visitor = signed_in(tracker), tracker.app.test_client()
    api = {"Authorization": f"Bearer {tracker.api_token}"}
    consultation_page = f"/consultations/{tracker.consultation_id}"
    feed = f"/calendar/network/{tracker.feed_token}.ics"
    assert COORDINATOR in person.get("/").get_data(as_text=True)  # the pool holds a connection

    database.stop(tracker.app)
    for client, url, what in [
        (person, "/", "the dashboard"),
        (person, consultation_page, "a consultation page"),
        (person, "/login", "the sign-in page, signed in"),
        (person, "/no-such-page", "a page that does not exist (the 404 page shows who is signed in)"),
        (person, "/reminders/attention?page=400000000000000000", "a list"),
    ]:
        assert_unavailable_page(client.get(url), what)
    # Signed out, the sign-in form needs nothing from the database to be drawn, but it leads
    # nowhere without it: said before anyone types a password.
    assert_unavailable_page(visitor.get("/login"), "the sign-in page")
    assert visitor.get("/").headers["Location"] == "/login?next=%2F"  # the way in, all the same
    assert_unavailable_page(visitor.post("/login", data={"email": tracker.email, "password": factories.PASSWORD}),
                            "signing in")
    assert_unavailable_page(person.post(f"{consultation_page}/triage", data={"decision": "respond"}),
                            "a form sent")

    response = visitor.get("/api/v1/consultations", headers=api)
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert response.json is not None and response.json["status"] == 503 and TITLE in response.json["detail"]
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    response = person.get("/api/work-areas")  # the pages' own scripts
    assert response.status_code == 503 and response.json is not None and response.json["error"] == TITLE
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    response = visitor.get(feed)
    assert response.status_code == 503 and response.mimetype == "text/plain"
    assert TITLE in response.get_data(as_text=True) and response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    response = visitor.get("/healthz/web")
    assert response.status_code == 503 and response.json is not None
    assert response.json["database"].startswith("unreachable")

    database.start(tracker.app)  # the same app: no restart
    page = person.get("/")
    assert page.status_code == 200 and COORDINATOR in page.get_data(as_text=True)
    assert CONSULTATION in person.get(consultation_page).get_data(as_text=True)
    response = visitor.get("/api/v1/consultations", headers=api)
    assert response.status_code == 200 and response.json is not None
    assert [c["title"] for c in response.json["items"]] == [CONSULTATION]
    response = visitor.get(feed)
    assert response.status_code == 200 and CONSULTATION in response.get_data(as_text=True)
    assert visitor.get("/healthz/web").status_code == 200
    assert signed_in(tracker).get("/").status_code == 200


# --- which errors mean "unreachable" ------------------------------------------------------------


def _sqlite_error(database: str, statement: str) -> DBAPIError:
    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as conn:
            conn.execute(text(statement))
    except DBAPIError as exc:
        return exc
    finally:
        engine.dispose()
    raise AssertionError(f"{statement!r} did not fail")


def test_only_a_database_that_cannot_be_used_is_unreachable(tmp_path: Path) -> None:
    assert database_unreachable(_sqlite_error(str(tmp_path / "gone" / "x.sqlite"), "SELECT 1"))  # cannot open
    (tmp_path / "not-a-database").write_bytes(b"x" * 4096)
    assert database_unreachable(_sqlite_error(str(tmp_path / "not-a-database"), "SELECT * FROM user"))
    # The statement's own failures are the statement's: a missing table is a bug, a 500, not a 503.
    assert not database_unreachable(_sqlite_error(str(tmp_path / "real.sqlite"), "SELECT * FROM no_such_table"))
    assert not database_unreachable(IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed")))

    def postgres(orig: Exception) -> OperationalError:
        return OperationalError("SELECT 1", {}, orig)

    assert database_unreachable(postgres(psycopg.OperationalError("connection failed: Connection refused")))
    assert database_unreachable(postgres(psycopg.errors.AdminShutdown("terminating connection")))
    assert database_unreachable(postgres(psycopg.errors.TooManyConnections("too many clients")))
    assert database_unreachable(postgres(psycopg.errors.CannotConnectNow("the database system is starting up")))
    assert not database_unreachable(postgres(psycopg.errors.SerializationFailure("could not serialize")))
    assert not database_unreachable(postgres(psycopg.errors.QueryCanceled("statement timeout")))
    assert database_unreachable(InterfaceError("SELECT 1", {}, psycopg.InterfaceError("the connection is closed")))
    assert not database_unreachable(RuntimeError("not the database's"))
    assert not database_unreachable(None)


def test_a_statement_that_fails_is_still_a_500(app: Flask, database_url: str, tmp_path: Path) -> None:
    own = create_app("test", overrides={"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_DIR": str(tmp_path)})

    @own.get("/broken-statement")
    def broken() -> str:
        db.session.execute(text("SELECT * FROM no_such_table"))
        return "unreachable"

    try:
        response = own.test_client().get("/broken-statement")
        assert response.status_code == 500
        assert "Sorry, there is a problem with the service" in response.get_data(as_text=True)
        assert "Retry-After" not in response.headers
    finally:
        with own.app_context():
            db.session.remove()
            db.engine.dispose()
        app.extensions["celery"].set_current()
        app.extensions["celery"].set_default()


# --- through gunicorn -------------------------------------------------------------------------


def _http(port: int, method: str, path: str, cookie: str = "", body: str = "") -> tuple[int, str, dict[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Host": "tracker.keycities.test", "Cookie": cookie}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body or None, headers=headers)
    response = conn.getresponse()
    text_ = response.read().decode()
    return response.status, text_, {k: v for k, v in response.getheaders()}


def _answers(port: int) -> int | None:
    try:
        return _http(port, "GET", "/healthz/web")[0]
    except OSError:
        return None


@pytest.mark.postgres
def test_gunicorn_started_or_running_during_an_outage_answers_503_and_recovers_without_a_restart(
        app: Flask, database_url: str, redis_url: str, tmp_path: Path) -> None:
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("production runs on PostgreSQL; ALLOW_CONNECTIONS is PostgreSQL's")
    outage = postgres_database(database_url)
    database = next(outage)
    try:
        schema = create_app("test", overrides={"SQLALCHEMY_DATABASE_URI": database.url,
                                               "INSTANCE_DIR": str(tmp_path / "instance")})
        with schema.app_context():
            db.create_all()
            seed_reference_data()
            # A policy lead: production asks a coordinator for a second factor, not the point here.
            user = factories.make_user(Role.POLICY_LEAD, city_name="Hull", name=COORDINATOR)
            db.session.commit()
            email = user.email
            db.session.remove()
            db.engine.dispose()
        app.extensions["celery"].set_current()
        app.extensions["celery"].set_default()

        port = free_port()
        env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
               "TRACKER_ENV": "production", "SECRET_KEY": factories.PRODUCTION_SECRET_KEY,
               "DATABASE_URL": database.url, "REDIS_URL": redis_url, "BASE_URL": "https://tracker.keycities.test",
               "SESSION_COOKIE_SECURE": "false", "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1",
               "TRACKER_INSTANCE_DIR": str(tmp_path)}
        web = parse_procfile((ROOT / "Procfile").read_text()).processes["web"]
        log = tmp_path / "web.log"
        database.stop(app)
        # Started (or a worker replaced) while the database is away: it comes up and says so.
        gunicorn = _start(web, env, log)
        try:
            _wait(lambda: _answers(port) == 503, "gunicorn to answer")
            status, page, headers = _http(port, "GET", "/login")
            assert status == 503 and TITLE in page and headers["Retry-After"] == str(RETRY_AFTER_SECONDS)

            database.start(app)
            status, page, headers = _http(port, "GET", "/login")
            cookie = headers.get("Set-Cookie", "").split(";")[0]
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
            assert status == 200 and token
            status, _, headers = _http(port, "POST", "/login", cookie, urlencode(
                {"csrf_token": token.group(1), "email": email, "password": factories.PASSWORD}))
            assert status == 302, status
            cookie = headers["Set-Cookie"].split(";")[0]
            assert COORDINATOR in _http(port, "GET", "/", cookie)[1]

            database.stop(app)
            for path, who in (("/", cookie), ("/login", "")):
                status, page, headers = _http(port, "GET", path, who)
                assert status == 503, (path, status, page[:300])
                assert TITLE in page and "govuk-template__body" in page and COORDINATOR not in page
                assert headers["Retry-After"] == str(RETRY_AFTER_SECONDS)

            database.start(app)  # the same gunicorn process
            status, page, _ = _http(port, "GET", "/", cookie)
            assert status == 200 and COORDINATOR in page
        finally:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            try:
                gunicorn.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(gunicorn.pid, signal.SIGKILL)
                gunicorn.wait()
        served = log.read_text()
        assert "The database is unreachable at start" in served, served[-3000:]
        assert "The database is unreachable on GET /" in served and "Traceback" not in served, served[-3000:]
    finally:
        outage.close()
