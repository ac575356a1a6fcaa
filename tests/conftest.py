"""Shared fixtures: the app on a real database, users per role, signed-in clients.

The database is SQLite in a temporary file by default, or whatever
TEST_DATABASE_URL names (CI: PostgreSQL). Feature tests put their own fixtures in
tests/<feature>/conftest.py.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest
import redis
from flask import Flask, current_app, g, request_started
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession
from sqlalchemy import text
from sqlalchemy.engine import Connection, Transaction, make_url
from werkzeug.serving import make_server

from tests import factories
from tests.databases import scratch_postgres_database
from tracker import create_app
from tracker.extensions import db, limiter
from tracker.models import Role, User
from tracker.seed import seed_reference_data


def xdist_worker() -> tuple[str, int]:
    """This process's pytest-xdist worker ("gw3", 3), or ("", 0) when the suite runs in one process."""
    name = os.environ.get("PYTEST_XDIST_WORKER", "")
    return name, int(name.removeprefix("gw") or 0)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SQLite in a temporary file (each xdist worker has its own temporary folder), or the database
    TEST_DATABASE_URL names; under xdist each worker gets a database of its own beside it
    (``<name>_gw0``, ...), made empty at the start and dropped at the end."""
    url = os.environ.get("TEST_DATABASE_URL")
    worker, _ = xdist_worker()
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    elif not worker or make_url(url).get_backend_name() != "postgresql":
        yield url
    else:
        with scratch_postgres_database(url, worker) as own:
            yield own


# What of the process-wide limiter an app built by a test replaces: its storage, its strategy, and the
# in-memory ones it falls back to while that storage is unreachable.
_LIMITER_STATE = ("_storage", "_limiter", "_fallback_storage", "_fallback_limiter")


def _forget_request_state(sender: Flask, **extra: object) -> None:
    # In production `g` lives for one request; here the test's app context outlives requests.
    g.pop("_login_user", None)  # Flask-Login's cached user
    g.pop("csrf_token", None)  # Flask-WTF's cached token
    g.pop("csp_nonce", None)  # one nonce per response
    g.pop("api_token_owner", None)  # /api/v1's bearer token, looked up once per request


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        "test",
        overrides={
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_DIR": str(instance),
        },
    )
    # Each test holds an app context (fixture _db), so its requests share one `g`, where
    # Flask-Login caches the user and Flask-WTF the CSRF token: without this, a second
    # client in the same test would be served as the first client's user.
    request_started.connect(_forget_request_state, app)
    # Flask-Limiter keeps one storage per process (the last app built sets it); tests that build
    # an app of their own (production, a Redis of their own) must not leave theirs behind.
    app.extensions["kc_session_limiter"] = {name: getattr(limiter, name) for name in _LIMITER_STATE}
    with app.app_context():
        # Tests build the schema from the models; test_migrations checks the
        # migrations produce exactly the same schema.
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _empty_all_tables() -> None:
    db.session.rollback()
    db.session.remove()
    with db.engine.begin() as conn:
        tables = list(reversed(db.metadata.sorted_tables))
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


def _reset_to_reference_data() -> None:
    _empty_all_tables()
    seed_reference_data()
    db.session.commit()
    db.session.remove()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "committed(reason): the test's data must really be committed (other threads or processes, a browser, "
        "an engine or app of its own read it): it runs on emptied tables reseeded with the reference data "
        "instead of inside a transaction rolled back at its end",
    )
    config.addinivalue_line(
        "markers",
        "long: runs for ten seconds or more (a walk of every page or route, processes started and killed): "
        "run first, so that the parallel workers end together instead of one running a long test alone at "
        "the end",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The long tests first in each worker's share. pytest-xdist's worksteal hands each of N workers
    a consecutive share of the collection (the i-th gets what is left divided by the workers left)
    and rebalances by taking from the end of a queue: so the long tests open the shares, and only
    short tests are left to move at the end. They are dealt in blocks, the browser walks together,
    so that two Chromium walks do not run at once on a small machine. Every worker collects the
    same order. Without xdist, the long tests simply run first."""
    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    long = sorted((item for item in items if item.get_closest_marker("long") is not None),
                  key=lambda item: item.get_closest_marker("browser") is None)
    short = iter([item for item in items if item.get_closest_marker("long") is None])
    ordered: list[pytest.Item] = []
    left = len(items)
    for n in range(workers):
        share = left // (workers - n)
        firsts = long[n * len(long) // workers:(n + 1) * len(long) // workers]
        ordered += firsts + [next(short) for _ in range(max(share - len(firsts), 0))]
        left -= share
    ordered += list(short)
    assert len(ordered) == len(items)
    items[:] = ordered


# Fixtures that serve the session app from another thread: its requests use connections of their
# own, which see only committed rows.
_COMMITTED_FIXTURES = {"live_server"}


def _needs_committed_data(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker("committed") is not None or bool(
        _COMMITTED_FIXTURES.intersection(request.fixturenames))


class _JoinedSession(FlaskSQLAlchemySession):
    """Flask-SQLAlchemy's session picks the engine by bind key and ignores its own bind: this one
    uses the test's connection in the session app, and its own engine in an app a test built."""

    def get_bind(self, *args: Any, **kwargs: Any) -> Any:
        if current_app._get_current_object() is self.info["app"]:  # type: ignore[attr-defined]
            return self.bind
        return super().get_bind(*args, **kwargs)


class _JoinedEngine:
    """`db.engine` during a rolled-back test. Code that opens a connection of its own
    (`db.engine.begin()`/`connect()`, e.g. the import lock, the session touch) gets the test's
    connection inside a savepoint: another connection would not see the test's uncommitted rows,
    and on SQLite would wait for the write lock the test's transaction holds."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection.engine, name)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self._connection.begin_nested():
            yield self._connection

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        with self._connection.begin_nested():
            yield self._connection


def _begin_outer_transaction(connection: Connection) -> Transaction:
    transaction = connection.begin()
    if connection.dialect.name == "sqlite":
        # pysqlite begins a transaction only before INSERT/UPDATE/DELETE and never before SAVEPOINT,
        # which breaks savepoints: switch its handling off on this connection and emit BEGIN
        # ourselves (SQLAlchemy's pysqlite docs, "Serializable isolation / Savepoints / Transactional DDL").
        connection.connection.driver_connection.isolation_level = None  # type: ignore[union-attr]
        connection.exec_driver_sql("BEGIN")
    return transaction


@contextmanager
def _inside_rolled_back_transaction(app: Flask) -> Iterator[None]:
    """The test runs in one transaction on one connection, rolled back at its end. The code's own
    commit()/rollback() work on a savepoint (join_transaction_mode="create_savepoint")."""
    engines = db._app_engines[app]
    engine = engines[None]
    saved_session = db.session
    with ExitStack() as undo:  # each step undone, last first, even when a test left things broken
        connection = undo.enter_context(engine.connect())
        transaction = _begin_outer_transaction(connection)
        if connection.dialect.name == "sqlite":
            undo.callback(setattr, connection.connection.driver_connection, "isolation_level", "")
        undo.callback(lambda: transaction.rollback() if transaction.is_active else None)
        joined = db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": _JoinedSession,
             "info": {"app": app}})
        undo.callback(joined.remove)
        undo.callback(setattr, db, "session", saved_session)
        undo.callback(engines.__setitem__, None, engine)
        db.session = joined
        engines[None] = _JoinedEngine(connection)  # type: ignore[assignment]
        yield


@pytest.fixture(scope="session")
def _reference_data(app: Flask) -> None:
    """The reference data (cities, work areas, settings), seeded once and committed."""
    with app.app_context():
        _reset_to_reference_data()


@pytest.fixture(autouse=True)
def _db(app: Flask, _reference_data: None, request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts with the reference data and nothing else, and leaves nothing behind."""
    # create_app() makes its Celery app the default; a test that built another app must
    # not leave its tasks running in that app.
    app.extensions["celery"].set_current()
    app.extensions["celery"].set_default()
    for name, value in app.extensions["kc_session_limiter"].items():
        setattr(limiter, name, value)
    limiter._storage_dead = False  # a test that stopped its Redis leaves the limiter falling back
    limiter.reset()  # sign-in attempts of one test do not throttle the next
    limiter._fallback_storage.reset()
    with app.app_context():
        if _needs_committed_data(request):
            _reset_to_reference_data()
            try:
                yield
            finally:
                _reset_to_reference_data()
        else:
            with _inside_rolled_back_transaction(app):
                yield


def redis_test_url() -> str:
    """The real Redis database for this process's tests: TEST_REDIS_URL's (default 5), plus the xdist
    worker's number, so that workers never share one (Redis has 16: 0 to 15)."""
    url = make_url(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5"))
    _, index = xdist_worker()
    number = int(url.database or 0) + index
    if number > 15:
        raise RuntimeError(f"Redis database {number} does not exist: give TEST_REDIS_URL a lower number "
                           "or run fewer xdist workers")
    return url.set(database=str(number)).render_as_string(hide_password=False)


@pytest.fixture
def redis_url() -> str:
    """The real Redis for tests that need one, emptied (its own database number). Fails, never
    skips, when Redis is missing and CI is set."""
    url = redis_test_url()
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.ping()
    except redis.RedisError as exc:
        message = f"Redis is not reachable at {url}: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    client.flushdb()  # our own database number: stale keys from an earlier run
    return url


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@contextmanager
def statements_run() -> Iterator[list[str]]:
    """The SQL of every statement the engine runs while inside."""
    from sqlalchemy import event

    seen: list[str] = []

    def record(conn: Any, cursor: Any, sql: str, *args: Any) -> None:
        seen.append(sql)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


@pytest.fixture
def reused_counts(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The counts and lists a web process reuses (consultations/counts.py) kept for a minute, as in
    production, starting from none; yields the SQL of every statement run meanwhile, to show what
    was not read again."""
    from tracker.consultations import counts

    monkeypatch.setitem(app.config, "LIST_COUNT_CACHE_SECONDS", 60)
    counts.forget()
    with statements_run() as seen:
        yield seen
    counts.forget()


def login(client: FlaskClient, user: User) -> FlaskClient:
    """Sign in without the password form (the auth tests use the real form): a real server-side
    session, committed so that servers in other threads see it too."""
    from tracker.auth import sessions

    token = sessions.start(user)
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return client


@pytest.fixture
def admin() -> User:
    user = factories.make_user(Role.ADMIN, name="Ada Admin")
    db.session.commit()
    return user


@pytest.fixture
def coordinator() -> User:
    user = factories.make_user(Role.COORDINATOR, name="Cora Coordinator")
    db.session.commit()
    return user


@pytest.fixture
def lead() -> User:
    """A policy lead of Hull, the demo lead city for Transport."""
    user = factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Lena Lead")
    db.session.commit()
    return user


@pytest.fixture
def other_lead() -> User:
    """A policy lead of Salford (leads Housing, not Transport)."""
    user = factories.make_user(Role.POLICY_LEAD, city_name="Salford", name="Omar Other")
    db.session.commit()
    return user


@pytest.fixture
def contributor() -> User:
    user = factories.make_user(Role.CONTRIBUTOR, city_name="Newport", name="Cai Contributor")
    db.session.commit()
    return user


@pytest.fixture
def users(admin: User, coordinator: User, lead: User, other_lead: User, contributor: User) -> dict[str, User]:
    return {
        "admin": admin,
        "coordinator": coordinator,
        "lead": lead,
        "other_lead": other_lead,
        "contributor": contributor,
    }


@pytest.fixture
def as_user(app: Flask, users: dict[str, User]):  # type: ignore[no-untyped-def]
    """as_user("coordinator") -> a test client signed in as that fixture user."""

    def _client(name: str | None) -> FlaskClient:
        c = app.test_client()
        if name is not None and name != "anonymous":
            login(c, users[name])
        return c

    return _client


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    """The session app served by a threaded werkzeug server on a free port (browser and race
    tests): requests really run at the same time, each with its own session and connection.
    A test using it sees committed data only (see _db)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
