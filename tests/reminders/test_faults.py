"""Faults with real processes: a Celery worker killed with SIGKILL in the middle of a send to a
slow mail server, and Redis stopped and started while reminders are written.

Each test runs its own redis-server on a free port and its own worker (solo pool, so the
process killed is the one talking to the mail server)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from tests import factories
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
from tracker.models import Status, User
from tracker.models.messages import Message, Stage, State
from tracker.timeutil import add_working_days, uk_today

# Seconds: the workers here treat a claim not renewed for 2 s as abandoned, and renew theirs
# every half second (the defaults keep the same proportion, scaled up).
SHORT_LEASE = {"REMINDER_SEND_LEASE_SECONDS": "2", "REMINDER_SEND_HEARTBEAT_SECONDS": "0.5"}


def due_today(lead: User, title: str) -> int:
    c = factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=add_working_days(uk_today(), 1),
                                    closes_in_days=20, title=title)
    db.session.commit()
    return c.id


def the_reminder(consultation_id: int) -> Message:
    db.session.expire_all()
    return db.session.scalars(select(Message).where(Message.consultation_id == consultation_id)).one()


@pytest.mark.long
@pytest.mark.committed  # a Celery worker process reads and commits through its own connection
def test_worker_killed_before_the_server_had_the_message_is_sent_once_after_the_next_sweep(
    app: Flask, smtp: Inbox, lead: User, redis_server: RedisServer, tmp_path: Path
) -> None:
    consultation_id = due_today(lead, "Killed before DATA")
    smtp.stall_rcpt[:] = [600]  # the server stalls before it is given the message
    worker = Worker(app, redis_server.url, tmp_path, **SHORT_LEASE, MAIL_SMTP_TIMEOUT="600")
    try:
        run_sweep(redis_server.url)
        wait_for(smtp.stalled.is_set, PROCESS_DEADLINE, "the worker to be talking to the mail server")
        row = the_reminder(consultation_id)
        assert (row.state, row.stage) == (State.SENDING, Stage.CLAIMED)
        worker.kill()
    finally:
        worker.stop()
    smtp.release.set()
    assert smtp.messages == [] and the_reminder(consultation_id).state == State.SENDING

    second = Worker(app, redis_server.url, tmp_path, **SHORT_LEASE, MAIL_SMTP_TIMEOUT="600")
    try:
        wait_for(lambda: "ready." in second.output(), PROCESS_DEADLINE, "the second worker to start")
        beat = Beat(redis_server.url)  # the next sweep puts it back in the queue; the worker sends it
        wait_for(lambda: beat() or the_reminder(consultation_id).state == State.SENT, PROCESS_DEADLINE, "the reminder to be sent",
                 lambda: f"{the_reminder(consultation_id)!r} {the_reminder(consultation_id).last_error}\n"
                         f"{second.output()[-3000:]}")
        more_sweeps(second, redis_server.url)
    finally:
        second.stop()
    assert len(smtp.messages) == 1, second.output()[-3000:]
    assert "Killed before DATA" in str(smtp.messages[0]["Subject"])
    row = the_reminder(consultation_id)
    assert row.attempts == 2 and row.sent_at is not None


@pytest.mark.long
@pytest.mark.committed  # a Celery worker process reads and commits through its own connection
def test_worker_killed_while_the_server_received_the_message_is_uncertain_and_resent_only_by_a_person(
    app: Flask, smtp: Inbox, eager: None, lead: User, as_user, redis_server: RedisServer, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    consultation_id = due_today(lead, "Killed during DATA")
    smtp.stall_data[:] = [600]  # the server has the whole message but has not said so yet
    worker = Worker(app, redis_server.url, tmp_path, **SHORT_LEASE, MAIL_SMTP_TIMEOUT="600")
    try:
        run_sweep(redis_server.url)
        wait_for(smtp.stalled.is_set, PROCESS_DEADLINE, "the mail server to be receiving the message")
        row = the_reminder(consultation_id)
        assert (row.state, row.stage) == (State.SENDING, Stage.DATA)
        worker.kill()
    finally:
        worker.stop()
    smtp.release.set()
    assert len(smtp.messages) == 1  # it did arrive, though the worker never heard

    second = Worker(app, redis_server.url, tmp_path, **SHORT_LEASE, MAIL_SMTP_TIMEOUT="600")
    try:
        wait_for(lambda: "ready." in second.output(), PROCESS_DEADLINE, "the second worker to start")
        beat = Beat(redis_server.url)
        wait_for(lambda: beat() or the_reminder(consultation_id).state == State.UNCERTAIN, PROCESS_DEADLINE,
                 "the reminder to be uncertain",
                 lambda: f"{the_reminder(consultation_id)!r} {the_reminder(consultation_id).last_error}\n"
                         f"{second.output()[-3000:]}")
        more_sweeps(second, redis_server.url)
    finally:
        second.stop()
    assert len(smtp.messages) == 1  # never sent again by itself
    row = the_reminder(consultation_id)
    assert row.last_error.startswith("May not have been delivered: the worker sending it stopped")
    page = as_user("coordinator").get("/reminders/attention?state=uncertain").get_data(as_text=True)
    assert "Killed during DATA" in page and "May not have been delivered" in page
    as_user("coordinator").post(f"/reminders/attention/emails/{row.id}/resend", data={"version": row.claim_token})
    assert len(smtp.messages) == 2 and the_reminder(consultation_id).state == State.SENT


@pytest.mark.long
@pytest.mark.committed  # a Celery worker process reads and commits through its own connection
def test_reminders_written_while_redis_is_down_go_out_at_the_next_sweep(
    app: Flask, smtp: Inbox, lead: User, redis_server: RedisServer, tmp_path: Path
) -> None:
    from tracker.messaging.notify import notify
    from tracker.reminders import services

    consultation_id = due_today(lead, "Written while Redis was down")
    lead_id = lead.id
    # The web app and the sweep as processes of their own would see it: an app whose broker is our Redis.
    web = create_app("test", overrides={
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "INSTANCE_DIR": str(tmp_path),
        "REDIS_URL": redis_server.url,
    })
    worker = Worker(app, redis_server.url, tmp_path)
    try:
        wait_for(lambda: "ready." in worker.output(), PROCESS_DEADLINE, "the worker to start")
        redis_server.stop()
        with web.app_context():
            services.sweep()
            db.session.commit()  # queueing fails: logged, the rows are marked as not queued
            notify([db.session.get(User, lead_id)], kind="message", subject="Assigned to you: tram fares", body="Over to you.")
            db.session.commit()
            rows = db.session.scalars(select(Message).order_by(Message.id)).all()
            assert [(r.state, r.queued_at) for r in rows] == [(State.PENDING, None)] * 2
            db.session.remove()
        redis_server.start()
        run_sweep(redis_server.url)  # the next sweep, as soon as Redis is back: not ten minutes later
        wait_for(lambda: len(smtp.messages) == 2, PROCESS_DEADLINE, "both emails")
    finally:
        worker.stop()
    assert sorted(str(m["Subject"]).split(": ")[-1] for m in smtp.messages) == [
        "Written while Redis was down", "tram fares"]
    db.session.expire_all()
    assert {r.state for r in db.session.scalars(select(Message))} == {State.SENT}
    assert the_reminder(consultation_id).attempts == 1
