"""End to end: a real Celery worker process, the real Redis broker, a real SMTP server.

Fails (never skips) when Redis is missing and CI is set.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from celery import Celery
from flask import Flask
from sqlalchemy import select

from tests import factories
from tests.reminders.conftest import Inbox
from tests.reminders.processes import PROCESS_DEADLINE, Worker
from tracker.extensions import db
from tracker.models import Status, User
from tracker.models.messages import Message, State
from tracker.timeutil import add_working_days, uk_today


@pytest.mark.committed  # a Celery worker process reads and commits through its own connection
def test_real_worker_runs_the_sweep_through_redis_and_the_email_arrives(
    app: Flask, smtp: Inbox, redis_url: str, lead: User, tmp_path: Path
) -> None:
    c = factories.make_consultation(
        Status.DRAFTING, lead=lead, internal_deadline=add_working_days(uk_today(), 1), closes_in_days=20,
        title="Worker end to end",
    )
    db.session.commit()
    worker = Worker(app, redis_url, tmp_path)
    try:
        client = Celery("test-client", broker=redis_url, set_as_current=False)
        client.conf.update(task_serializer="json", accept_content=["json"])
        client.send_task("tracker.reminders.tasks.sweep")
        deadline = time.monotonic() + PROCESS_DEADLINE
        while time.monotonic() < deadline and not smtp.messages and worker.proc.poll() is None:
            time.sleep(0.2)
        output = worker.output()
    finally:
        worker.stop()
    assert len(smtp.messages) == 1, output[-4000:]
    assert "Worker end to end" in str(smtp.messages[0]["Subject"])
    assert smtp.messages[0]["To"] == lead.email
    db.session.expire_all()
    (row,) = db.session.scalars(select(Message).where(Message.consultation_id == c.id)).all()
    assert row.state == State.SENT and row.sent_at is not None
    assert "tracker.messaging.tasks.send_message" in output  # the send went through the broker too
