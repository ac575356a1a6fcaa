"""/healthz: database, Redis, the last worker heartbeat and the last sweep; 503 when one is down.

Uses a redis-server of its own (free port) so that it can be stopped, and a real worker."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask

from tests.reminders.processes import PROCESS_DEADLINE, RedisServer, Worker, wait_for
from tracker import health


@pytest.fixture
def own_redis(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    monkeypatch.setitem(app.config, "REDIS_URL", server.url)
    yield server
    server.stop()


def healthz(app: Flask) -> tuple[int, dict]:
    response = app.test_client().get("/healthz")
    return response.status_code, response.get_json()


def test_without_a_broker_nothing_can_be_queued_so_it_is_not_healthy(app: Flask) -> None:
    status, body = healthz(app)
    assert status == 503
    assert body["database"] == "ok" and body["status"] == "error"
    assert body["redis"].startswith("not configured")
    web = app.test_client().get("/healthz/web")
    assert web.status_code == 200 and web.get_json() == {"status": "ok", "database": "ok"}


def test_no_heartbeat_and_no_sweep_yet_is_503(app: Flask, own_redis: RedisServer) -> None:
    status, body = healthz(app)
    assert status == 503
    assert body["redis"] == "ok"
    assert body["worker"]["status"] == "never seen" and body["sweep"]["status"] == "never seen"


def test_fresh_heartbeat_and_sweep_is_ok_and_stale_ones_are_503(app: Flask, own_redis: RedisServer) -> None:
    with app.app_context():
        health.record_worker_heartbeat("celery@here")
        health.record_sweep()
    status, body = healthz(app)
    assert status == 200, body
    assert body["status"] == "ok" and body["worker"]["worker"] == "celery@here"
    assert body["worker"]["seconds_ago"] <= body["worker"]["limit_seconds"]
    assert body["sweep"]["limit_seconds"] == 2 * app.config["REMINDER_SWEEP_SECONDS"] + 60
    client = redis.Redis.from_url(own_redis.url)
    sweep_limit = app.config["HEALTH_SWEEP_STALE_SECONDS"]
    client.set(health.SWEEP_KEY, f"{time.time() - sweep_limit - 30:.3f}")
    status, body = healthz(app)
    assert status == 503 and body["sweep"]["status"] == "stale" and body["worker"]["status"] == "ok"
    assert body["sweep"]["seconds_ago"] >= sweep_limit + 30


def test_redis_down_is_503_with_the_reason(app: Flask, own_redis: RedisServer) -> None:
    with app.app_context():
        health.record_worker_heartbeat("celery@here")
        health.record_sweep()
    assert healthz(app)[0] == 200
    own_redis.stop()
    status, body = healthz(app)
    assert status == 503
    assert body["redis"].startswith("unreachable") and body["database"] == "ok"
    assert body["worker"]["status"].startswith("unknown")
    own_redis.start()  # and back: the next sweep and heartbeat make it healthy again (the keys went with it)
    assert healthz(app)[1]["redis"] == "ok"


@pytest.mark.committed  # a Celery worker process reads and commits through its own connection
def test_a_real_worker_beats_and_a_killed_one_goes_stale(
    app: Flask, own_redis: RedisServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.reminders.test_faults import run_sweep

    monkeypatch.setitem(app.config, "HEALTH_WORKER_STALE_SECONDS", 3)
    monkeypatch.setitem(app.config, "MAIL_SMTP_PORT", 25)
    monkeypatch.setitem(app.config, "MAIL_SMTP_TIMEOUT", 5)
    worker = Worker(app, own_redis.url, tmp_path, HEALTH_WORKER_HEARTBEAT_SECONDS="1")
    try:
        wait_for(lambda: healthz(app)[1]["worker"]["status"] == "ok", PROCESS_DEADLINE, "the worker's first heartbeat")
        run_sweep(own_redis.url)
        wait_for(lambda: healthz(app)[0] == 200, PROCESS_DEADLINE, "the sweep to be recorded")
        worker.kill()
        wait_for(lambda: healthz(app)[1]["worker"]["status"] == "stale", PROCESS_DEADLINE, "the heartbeat to go stale")
        status, body = healthz(app)
        assert status == 503 and body["sweep"]["status"] == "ok"
    finally:
        worker.stop()
