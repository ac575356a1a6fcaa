"""The database goes away just after the mail server accepted a message, with a real Celery worker,
a real SMTP server and Redis of the test's own.

The SMTP server makes the database unreachable as it receives the message, before it answers
(``ALTER DATABASE ... ALLOW_CONNECTIONS false`` and its sessions ended, on a database of the
test's own), so the worker has the server's "accepted" and nowhere to record it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask
from sqlalchemy import select
from sqlalchemy.engine import make_url

from tests import factories
from tests.databases import allow_connections, scratch_postgres_database
from tests.reminders.conftest import Inbox
from tests.reminders.processes import (
    PROCESS_DEADLINE,
    Beat,
    RedisServer,
    Worker,
    more_sweeps,
    run_sweep,
    wait_for,
)
from tracker import create_app
from tracker.extensions import db
from tracker.messaging.receipts import KEY
from tracker.models import Role, Status
from tracker.models.messages import Message, Stage, State
from tracker.seed import seed_reference_data
from tracker.timeutil import add_working_days, uk_today

pytestmark = pytest.mark.postgres

# The second worker treats a claim not renewed for 2 s as abandoned (renewing its own every
# half second): without the receipt, the killed worker's send would be "may not have been
# delivered" at its first sweep.
SHORT_LEASE = {"REMINDER_SEND_LEASE_SECONDS": "2", "REMINDER_SEND_HEARTBEAT_SECONDS": "0.5"}
GONE = "cannot be recorded as sent yet"


@pytest.fixture
def own_database(app: Flask, database_url: str, smtp: Inbox, redis_server: RedisServer,
                 tmp_path: Path) -> Iterator[Flask]:
    """An app on a PostgreSQL database of the test's own, with the reference data."""
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("making a database unreachable (ALLOW_CONNECTIONS) is PostgreSQL's")
    with scratch_postgres_database(database_url, f"outage_{uuid.uuid4().hex[:8]}") as url:
        own = create_app("test", overrides={
            "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": str(tmp_path), "REDIS_URL": redis_server.url,
            "MAIL_SMTP_HOST": "127.0.0.1", "MAIL_SMTP_PORT": app.config["MAIL_SMTP_PORT"], "MAIL_SMTP_TIMEOUT": 30,
        })
        try:
            with own.app_context():
                db.create_all()
                seed_reference_data()
                db.session.commit()
            yield own
        finally:
            allow_connections(url, True)
            with own.app_context():
                db.session.remove()
                db.engine.dispose()


def due_soon(app: Flask, *titles: str) -> None:
    with app.app_context():
        lead = factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Lena Lead")
        for title in titles:
            factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=add_working_days(uk_today(), 1),
                                        closes_in_days=20, title=title)
        db.session.commit()
        db.session.remove()


def rows(app: Flask) -> list[Message]:
    with app.app_context():
        found = list(db.session.scalars(select(Message).order_by(Message.id)))
        db.session.expunge_all()
        db.session.remove()
    return found


def receipts_held(server: RedisServer) -> dict[bytes, bytes]:
    return redis.Redis(port=server.port).hgetall(KEY)


def titles(inbox: Inbox) -> list[str]:
    return sorted(str(m["Subject"]).split(": ")[-1] for m in inbox.messages)


def test_a_worker_that_cannot_record_an_accepted_email_keeps_it_and_records_it_sent_when_the_database_returns(
    own_database: Flask, smtp: Inbox, redis_server: RedisServer, tmp_path: Path
) -> None:
    own, url = own_database, own_database.config["SQLALCHEMY_DATABASE_URI"]
    due_soon(own, "Bus franchising", "Rail fares")
    smtp.on_received[:] = [lambda: allow_connections(url, False)]  # as the first message arrives
    worker = Worker(own, redis_server.url, tmp_path)
    try:
        run_sweep(redis_server.url)
        wait_for(lambda: GONE in worker.output(), PROCESS_DEADLINE, "the worker to find the database gone",
                 lambda: worker.output()[-3000:])
        assert len(smtp.messages) == 1
        # The server's "accepted" is kept outside the database meanwhile.
        assert [field.split(b":")[0] for field in receipts_held(redis_server)] == [b"message"]
        allow_connections(url, True)
        wait_for(lambda: [r.state for r in rows(own)] == [State.SENT] * 2, PROCESS_DEADLINE, "both emails recorded as sent",
                 lambda: f"{rows(own)}\n{worker.output()[-3000:]}")
        more_sweeps(worker, redis_server.url)
        output = worker.output()
    finally:
        worker.stop()
    assert "recorded as sent once the database answered" in output
    assert titles(smtp) == ["Bus franchising", "Rail fares"]  # each exactly once
    assert [(r.state, r.attempts, r.last_error) for r in rows(own)] == [(State.SENT, 1, "")] * 2
    assert all(r.sent_at is not None for r in rows(own))
    assert receipts_held(redis_server) == {}


def test_a_worker_killed_while_the_database_was_gone_leaves_a_receipt_and_the_email_is_recorded_sent_not_uncertain(
    own_database: Flask, smtp: Inbox, redis_server: RedisServer, tmp_path: Path
) -> None:
    own, url = own_database, own_database.config["SQLALCHEMY_DATABASE_URI"]
    due_soon(own, "Tram extension")
    smtp.on_received[:] = [lambda: allow_connections(url, False)]
    first = Worker(own, redis_server.url, tmp_path, **SHORT_LEASE)
    try:
        run_sweep(redis_server.url)
        wait_for(lambda: GONE in first.output(), PROCESS_DEADLINE, "the worker to find the database gone",
                 lambda: first.output()[-3000:])
        assert len(receipts_held(redis_server)) == 1
        first.kill()
    finally:
        first.stop()
    allow_connections(url, True)
    (row,) = rows(own)
    assert (row.state, row.stage) == (State.SENDING, Stage.DATA)  # as the killed worker left it

    second = Worker(own, redis_server.url, tmp_path, **SHORT_LEASE)
    try:
        wait_for(lambda: "ready." in second.output(), PROCESS_DEADLINE, "the second worker to start")
        beat = Beat(redis_server.url)
        wait_for(lambda: beat() or rows(own)[0].state != State.SENDING, PROCESS_DEADLINE, "the sweep to settle the send",
                 lambda: f"{rows(own)}\n{second.output()[-3000:]}")
        more_sweeps(second, redis_server.url)
    finally:
        second.stop()
    (row,) = rows(own)
    assert (row.state, row.attempts, row.last_error) == (State.SENT, 1, "")
    # When the server accepted it, after the killed worker's last sign of life.
    assert row.sent_at is not None and row.claimed_at is not None and row.claimed_at <= row.sent_at
    assert titles(smtp) == ["Tram extension"]  # never sent again
    assert receipts_held(redis_server) == {}
