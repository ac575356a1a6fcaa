"""/api/v1 is rate-limited per token, its counts in the real Redis (so the limit holds across
workers), with a 429 problem and Retry-After past the limit. Fails, never skips, in CI without Redis."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.conftest import assert_problem, bearer
from tracker import create_app
from tracker.api.tokens import services
from tracker.extensions import db
from tracker.models import User
from tracker.models.api import ApiToken


@pytest.mark.committed  # the app with Redis reads the tokens through its own engine
def test_past_its_limit_a_token_gets_429_with_retry_after_and_other_tokens_do_not(
        app: Flask, redis_url: str, database_url: str, tmp_path: Path, contributor: User, lead: User,
        make_token: Callable[..., str]) -> None:
    busy, other = make_token(contributor, name="Busy script"), make_token(lead, name="Other script")
    limited = create_app("test", overrides={
        "SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_DIR": str(tmp_path), "REDIS_URL": redis_url,
        "RATELIMIT_KEY_PREFIX": f"kc-test-{uuid.uuid4().hex}", "API_RATE_LIMIT": "3 per minute",
    })
    assert limited.config["RATELIMIT_STORAGE_URI"] == redis_url
    client = limited.test_client()
    try:
        for _ in range(3):
            response = client.get("/api/v1/cities", headers=bearer(busy))
            assert response.status_code == 200
        assert response.headers["X-RateLimit-Remaining"] == "0"
        refused = client.get("/api/v1/consultations", headers=bearer(busy))
        body = assert_problem(refused, 429)
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert "limit of 3 requests per minute" in body["detail"] and "seconds" in body["detail"]
        assert body["detail"].startswith("This token has made more requests")
        # Another token has its own count; and a second app (another worker) shares this one's.
        assert client.get("/api/v1/cities", headers=bearer(other)).status_code == 200
        second_worker = create_app("test", overrides={
            "SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_DIR": str(tmp_path), "REDIS_URL": redis_url,
            "RATELIMIT_KEY_PREFIX": limited.config["RATELIMIT_KEY_PREFIX"], "API_RATE_LIMIT": "3 per minute",
        })
        assert_problem(second_worker.test_client().get("/api/v1/cities", headers=bearer(busy)), 429)
    finally:
        with limited.app_context():
            from tracker.extensions import db

            db.session.remove()
            db.engine.dispose()
        app.extensions["celery"].set_current()
        app.extensions["celery"].set_default()


def test_made_up_tokens_share_their_address_s_count_and_live_tokens_keep_their_own(
        app: Flask, client: FlaskClient, contributor: User, make_token: Callable[..., str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    live = make_token(contributor, name="Live script")
    revoked = make_token(contributor, name="Old script")
    services.revoke(contributor, db.session.scalar(select(ApiToken.id).where(ApiToken.name == "Old script")))
    db.session.commit()

    # Each guess is a new made-up token; together with a revoked one they use up one count.
    for guess in ("kct_" + secrets.token_urlsafe(32), "kct_" + secrets.token_urlsafe(32), revoked):
        assert_problem(client.get("/api/v1/cities", headers=bearer(guess)), 401)
    refused = client.get("/api/v1/cities", headers=bearer("kct_" + secrets.token_urlsafe(32)))
    body = assert_problem(refused, 429)
    assert 1 <= int(refused.headers["Retry-After"]) <= 60 and "Try again in" in body["detail"]
    assert body["detail"].startswith("Requests from this address without a valid token have made more requests")
    assert_problem(client.get("/api/v1/cities"), 429)  # no token at all: the same address's count

    # A live token from the same address has its own count.
    for _ in range(3):
        assert client.get("/api/v1/cities", headers=bearer(live)).status_code == 200
    assert_problem(client.get("/api/v1/cities", headers=bearer(live)), 429)
