"""Shared fixtures: the app on a real database, users per role, signed-in clients.

The database is SQLite in a temporary file by default, or whatever
TEST_DATABASE_URL names (CI: PostgreSQL). Feature tests put their own fixtures in
tests/<feature>/conftest.py.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import redis
from flask import Flask, g, request_started
from flask.testing import FlaskClient
from sqlalchemy import text

from tests import factories
from tracker import create_app
from tracker.extensions import db, limiter
from tracker.models import Role, User
from tracker.seed import seed_reference_data


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _database_url(tmp_path_factory)


def _forget_request_state(sender: Flask, **extra: object) -> None:
    # In production `g` lives for one request; here the test's app context outlives requests.
    g.pop("_login_user", None)  # Flask-Login's cached user
    g.pop("csrf_token", None)  # Flask-WTF's cached token
    g.pop("csp_nonce", None)  # one nonce per response


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
    app.extensions["kc_session_limiter"] = (limiter._storage, limiter._limiter)
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


@pytest.fixture(autouse=True)
def _db(app: Flask) -> Iterator[None]:
    """Every test starts with the reference data and nothing else."""
    # create_app() makes its Celery app the default; a test that built another app must
    # not leave its tasks running in that app.
    app.extensions["celery"].set_current()
    app.extensions["celery"].set_default()
    limiter._storage, limiter._limiter = app.extensions["kc_session_limiter"]
    limiter.reset()  # sign-in attempts of one test do not throttle the next
    with app.app_context():
        _empty_all_tables()
        seed_reference_data()
        db.session.commit()
        yield
        _empty_all_tables()


def redis_test_url() -> str:
    return os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


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
