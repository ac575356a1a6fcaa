"""The Monday briefing end to end: planned by a sweep, sent by a real Celery worker process taking
its task from the real Redis broker, received by a real SMTP server.

Fails (never skips) when Redis is missing and CI is set."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from celery import Celery
from flask import Flask

from tests import factories
from tests.reminders.conftest import Inbox
from tests.reminders.processes import PROCESS_DEADLINE, Worker
from tests.reminders.test_sweep import briefing_rows
from tracker.extensions import db
from tracker.models import Status, User
from tracker.models.messages import State
from tracker.reminders import briefing, tasks
from tracker.timeutil import utcnow


@pytest.mark.committed  # a Celery worker process reads and commits through its own connection
def test_a_real_worker_sends_this_weeks_briefing_once(
    app: Flask, smtp: Inbox, redis_url: str, coordinator: User, tmp_path: Path
) -> None:
    factories.make_consultation(Status.DRAFTING, title="Worker briefing", closes_at=utcnow() + timedelta(days=5))
    db.session.commit()
    # Planned as the week's sweeps would (in its window: the worker sends it at today's real time,
    # in the same week, and reads its lists then).
    week = briefing.Week.of(utcnow())
    opens, closes = week.window(briefing.briefing_hour())
    with time_machine.travel(min(max(opens, utcnow()), closes - timedelta(minutes=1)), tick=False):
        assert tasks.sweep()["briefings"] == 1  # queued to the test app's in-memory broker: nobody runs it
        assert tasks.sweep()["briefings"] == 0
    (row,) = briefing_rows()
    worker = Worker(app, redis_url, tmp_path)
    try:
        client = Celery("test-client", broker=redis_url, set_as_current=False)
        client.conf.update(task_serializer="json", accept_content=["json"])
        for _ in range(2):  # the message twice (a redelivery, a second worker): one email
            client.send_task("tracker.messaging.tasks.send_message", args=[row.id])
        deadline = time.monotonic() + PROCESS_DEADLINE
        while time.monotonic() < deadline and worker.output().count("succeeded") < 2 and worker.proc.poll() is None:
            time.sleep(0.2)
        output = worker.output()
    finally:
        worker.stop()
    assert len(smtp.messages) == 1, output[-4000:]
    assert smtp.messages[0]["To"] == coordinator.email
    assert "Monday briefing" in str(smtp.messages[0]["Subject"])
    assert "Worker briefing" in smtp.messages[0].get_payload()[0].get_payload(decode=True).decode()  # type: ignore[union-attr,index]
    (row,) = briefing_rows()
    assert row.state == State.SENT and row.attempts == 1
