"""Redis speeds the limits up and shares them between workers; it never decides whether a person gets
in. A redis-server of the test's own (free port) is killed while people sign in, read the API and
fetch their calendar: everything answers, the limits go on counting in the process's memory (said
once in the log), and go back to Redis when it returns."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
import time_machine
from flask import Flask

from tests.auth.conftest import WRONG_LOGIN, sign_in
from tests.reminders.processes import RedisServer
from tracker import create_app
from tracker.account import services as feeds
from tracker.account import tokens as feed_tokens
from tracker.api.tokens import services as api_tokens
from tracker.extensions import db
from tracker.models import User

FALLING_BACK = "Rate limit storage unreachable - falling back to in-memory storage"


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_app(app: Flask, own_redis: RedisServer, database_url: str, tmp_path: Path,
              restore_celery_default: None) -> Iterator[Flask]:
    """An app (a web worker) whose limits live in our own Redis."""
    built = create_app("test", overrides={
        "SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_DIR": str(tmp_path), "REDIS_URL": own_redis.url,
        "RATELIMIT_KEY_PREFIX": f"kc-test-{uuid.uuid4().hex}",
    })
    yield built
    with built.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_sign_in_too_large_to_read_is_a_413_not_a_storage_failure(
        app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="flask-limiter")
    too_large = app.config["MAX_CONTENT_LENGTH"] + 1024
    response = app.test_client().post("/login", data={"email": "a@example.test", "password": "x" * too_large})
    assert response.status_code == 413
    assert "larger than the tracker accepts" in response.get_data(as_text=True)
    assert FALLING_BACK not in [r.getMessage() for r in caplog.records]


def _limit_keys(server: RedisServer) -> list[bytes]:
    return list(redis.Redis.from_url(server.url).scan_iter("LIMITS*"))


@pytest.mark.committed  # the app with Redis reads the accounts and tokens through its own engine
def test_with_redis_killed_people_sign_in_read_the_api_and_their_calendar(
        redis_app: Flask, own_redis: RedisServer, lead: User, caplog: pytest.LogCaptureFixture) -> None:
    _row, api_token = api_tokens.create(lead, "Power BI", "90")
    feed = feeds.set_up_feeds(lead)
    db.session.commit()
    feed_token = feed_tokens.unseal(feed.token_sealed)
    client = redis_app.test_client()

    # While Redis runs, a refused sign-in is counted there.
    assert sign_in(client, lead.email, "not-the-password").status_code == 401
    assert _limit_keys(own_redis), "the refused sign-in was not counted in Redis"

    assert own_redis.proc is not None
    own_redis.proc.kill()
    own_redis.proc.wait(15)
    with pytest.raises(redis.ConnectionError):
        redis.Redis.from_url(own_redis.url, socket_connect_timeout=1).ping()

    caplog.set_level(logging.INFO, logger="flask-limiter")
    refused = sign_in(client, lead.email, "still-not-the-password")
    assert refused.status_code == 401
    assert WRONG_LOGIN in refused.get_data(as_text=True)
    signed_in = sign_in(client, lead.email)
    assert signed_in.status_code == 302
    assert urlsplit(signed_in.headers["Location"]).path == "/"
    assert "Lena Lead" in client.get("/").get_data(as_text=True)

    api = redis_app.test_client().get("/api/v1/cities", headers={"Authorization": f"Bearer {api_token}"})
    assert api.status_code == 200, api.get_data(as_text=True)
    assert any(city["name"] == "Hull" for city in api.get_json()["items"])
    calendar = redis_app.test_client().get(f"/calendar/mine/{feed_token}.ics")
    assert calendar.status_code == 200
    assert calendar.mimetype == "text/calendar"

    # The switch is logged once, not once per request.
    switched = [r for r in caplog.records if r.getMessage() == FALLING_BACK]
    assert len(switched) == 1, [r.getMessage() for r in caplog.records]

    # Without Redis the limits still hold, counted in this process.
    redis_app.config["LOGIN_ACCOUNT_LIMIT"] = "2 per 15 minutes"
    assert sign_in(redis_app.test_client(), lead.email, "wrong-again-1").status_code == 401
    assert sign_in(redis_app.test_client(), lead.email, "wrong-again-2").status_code == 401
    assert sign_in(redis_app.test_client(), lead.email, "wrong-again-3").status_code == 429

    # Redis returns: once the limiter has looked again, the counts go back to it.
    own_redis.start()
    assert not _limit_keys(own_redis)  # a new, empty server
    with time_machine.travel(timedelta(minutes=2), tick=True):
        assert sign_in(redis_app.test_client(), "nobody@example.test", "whatever-it-is").status_code == 401
    assert _limit_keys(own_redis), "the limits did not go back to Redis"
    messages = [r.getMessage() for r in caplog.records if r.name == "flask-limiter"]
    assert "Rate limit storage recovered" in messages
    # Only the news of the storage reaches the log: not a line per refused request naming the account.
    assert messages == [FALLING_BACK, "Rate limit storage recovered"], messages
    assert any(isinstance(h, logging.StreamHandler) for h in logging.getLogger("flask-limiter").handlers)
