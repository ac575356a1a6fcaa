"""Recovering cut-off sends: soon after the lease with the default settings, never taking over a
send that is alive, never calling a message the mail server accepted "may not have been
delivered" (its receipt says so), and every reason saying what actually happened."""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from tests import factories
from tests.reminders.conftest import Inbox, free_port
from tests.reminders.processes import wait_for
from tracker.extensions import db
from tracker.messaging import delivery, receipts, recovery, tasks
from tracker.messaging.notify import notify
from tracker.models import Status, User
from tracker.models.messages import DigestRun, Kind, Message, Stage, State
from tracker.reminders import services
from tracker.timeutil import add_working_days, uk_instant, uk_today

NINE = uk_instant(date(2027, 3, 1), time(9, 0))


def one_reminder(lead: User, title: str = "Bus reform", deadline: date = date(2027, 3, 3)) -> Message:
    """A reminder, queued to the in-memory broker (nobody runs it)."""
    factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=deadline, closes_in_days=20,
                                title=title)
    db.session.commit()
    services.sweep()
    db.session.commit()
    return db.session.scalars(
        select(Message).where(Message.kind != Kind.BRIEFING.value, Message.subject.contains(title))).one()


def cut_off(row: Message | DigestRun, stage: Stage | None, last_renewed: datetime, claim: str = "dead") -> None:
    """What a worker that stopped leaves behind: its claim, last renewed at ``last_renewed``."""
    row.state, row.stage, row.claim_token = State.SENDING.value, stage.value if stage else None, claim
    row.claimed_at, row.attempts = last_renewed, 1
    db.session.commit()


def fresh(row: Message | DigestRun) -> Message | DigestRun:
    db.session.expire_all()
    return db.session.get(type(row), row.id)  # type: ignore[return-value]


def test_with_the_default_settings_a_send_cut_off_before_the_server_had_it_goes_again_within_two_minutes(
    app: Flask, smtp: Inbox, lead: User, request: pytest.FixtureRequest
) -> None:
    config = app.config
    lease = timedelta(seconds=config["REMINDER_SEND_LEASE_SECONDS"])
    period = timedelta(seconds=config["REMINDER_RECOVER_SECONDS"])
    # Beat runs the recovery on its own, every period (a run not started by the next is dropped).
    assert app.extensions["celery"].conf.beat_schedule["messaging-recover"] == {
        "task": "tracker.messaging.tasks.recover", "schedule": period.total_seconds(),
        "options": {"expires": period.total_seconds()}}
    # A live worker renews its claim several times within a lease, so a claim runs out only when
    # its worker has stopped.
    assert 3 * timedelta(seconds=config["REMINDER_SEND_HEARTBEAT_SECONDS"]) <= lease
    with time_machine.travel(NINE, tick=False):
        row = one_reminder(lead)
        cut_off(row, Stage.CLAIMED, NINE)  # the worker was killed at nine, just after it renewed its claim
    request.getfixturevalue("eager")  # from now on what recovery queues is sent at once
    with time_machine.travel(NINE + lease - timedelta(seconds=1), tick=False):
        assert tasks.recover()["retried"] == 0  # it could still be alive: not taken over
    assert fresh(row).state == State.SENDING and smtp.messages == []
    # The first recovery run after the lease ran out comes at the latest one period later.
    latest = NINE + lease + period
    assert latest - NINE <= timedelta(minutes=2)
    with time_machine.travel(latest, tick=False):
        assert tasks.recover()["retried"] == 1
    row = fresh(row)
    assert row.state == State.SENT and row.attempts == 2
    assert [str(m["Subject"]).split(": ")[-1] for m in smtp.messages] == ["Bus reform"]


@pytest.mark.committed  # the sending thread and its heartbeat use connections of their own
def test_a_slow_send_that_is_alive_renews_its_claim_and_is_never_taken_over(
    app: Flask, smtp: Inbox, lead: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "REMINDER_SEND_LEASE_SECONDS", 2)
    monkeypatch.setitem(app.config, "REMINDER_SEND_HEARTBEAT_SECONDS", 0.2)
    monkeypatch.setitem(app.config, "MAIL_SMTP_TIMEOUT", 120)
    smtp.stall_rcpt[:] = [120]  # until released
    row = one_reminder(lead, deadline=add_working_days(uk_today(), 1))
    outcomes: list[str] = []

    def worker() -> None:
        with app.app_context():
            outcomes.append(delivery.deliver(row.id).status)
            db.session.remove()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert smtp.stalled.wait(30)
        claimed = fresh(row)
        token, first_claimed_at = claimed.claim_token, claimed.claimed_at
        assert first_claimed_at is not None
        runs: list[dict[str, int]] = []

        def alive_past_two_leases() -> bool:
            runs.append(tasks.recover())
            now = fresh(row)
            assert (now.state, now.stage, now.claim_token) == (State.SENDING, Stage.CLAIMED, token)
            return now.claimed_at is not None and now.claimed_at > first_claimed_at + timedelta(seconds=4)

        wait_for(alive_past_two_leases, 60, "the claim to be renewed past two leases")
        assert all(run["retried"] == 0 and run["uncertain"] == 0 for run in runs)
    finally:
        smtp.release.set()
        thread.join(60)
    assert outcomes == ["sent"] and len(smtp.messages) == 1
    row = fresh(row)
    assert row.state == State.SENT and row.attempts == 1


def test_what_each_may_not_have_been_delivered_and_each_retry_says(
    app: Flask, lead: User, coordinator: User, as_user  # type: ignore[no-untyped-def]
) -> None:
    with time_machine.travel(NINE, tick=False):
        handing_over = one_reminder(lead, "Handing over")
        before_stages = one_reminder(lead, "Before stages", date(2027, 3, 4))
        claimed = one_reminder(lead, "Still claimed", date(2027, 3, 5))
        cut_off(handing_over, Stage.DATA, NINE)
        cut_off(before_stages, None, NINE)
        cut_off(claimed, Stage.CLAIMED, NINE)
        run = DigestRun(user_id=lead.id, day=date(2027, 3, 1))
        db.session.add(run)
        db.session.flush()
        item = Message(recipient_id=lead.id, kind=Kind.MESSAGE.value, subject="In a digest", delivery="digest",
                        state=State.SENDING.value, digest_run_id=run.id)
        db.session.add(item)
        cut_off(run, Stage.DATA, NINE)
    with time_machine.travel(NINE + timedelta(minutes=2), tick=False):
        out = recovery.recover(NINE + timedelta(minutes=2))
        db.session.commit()
    assert (out.uncertain, len(out.retried), out.digests_uncertain) == (2, 1, 1)
    stopped = ("May not have been delivered: the worker sending it stopped (it was killed, or lost touch with the "
               "database) after it had started handing the message to the mail server, and before it could record "
               "the server's answer, so the server may or may not have it.")
    assert (fresh(handing_over).state, fresh(handing_over).last_error) == (State.UNCERTAIN, stopped)
    assert (fresh(run).state, fresh(run).last_error) == (State.UNCERTAIN, stopped)
    assert (fresh(item).state, fresh(item).last_error) == (State.UNCERTAIN, stopped)
    assert fresh(before_stages).last_error == (
        "May not have been delivered: the send was cut off at a point that was not recorded (it began before the "
        "tracker kept how far sends got), so the server may or may not have it.")
    assert (fresh(claimed).state, fresh(claimed).last_error) == (State.PENDING, (
        "The worker sending it stopped before the mail server had the message (it was killed, or lost touch with "
        "the database); sending it again."))
    page = as_user("coordinator").get("/reminders/attention?state=uncertain").get_data(as_text=True)
    assert "the worker sending it stopped" in page and "was cut off at a point that was not recorded" in page


def test_a_server_that_hangs_up_before_it_says_go_ahead_has_nothing_and_the_send_is_retried(
    app: Flask, smtp: Inbox, lead: User
) -> None:
    smtp.hang_up[:] = ["asked"]
    with time_machine.travel(NINE, tick=False):
        row = one_reminder(lead)
        first = delivery.deliver(row.id)
    port = app.config["MAIL_SMTP_PORT"]
    assert first.status == "retry" and smtp.messages == []
    assert fresh(row).last_error == (
        f"Attempt 1 failed, retrying: The mail server 127.0.0.1:{port} was asked to take the message and stopped "
        "answering before it said to go ahead (SMTPServerDisconnected: Connection unexpectedly closed); it was "
        "not sent")
    assert delivery.deliver(row.id).status == "sent" and len(smtp.messages) == 1


def test_a_connection_that_breaks_while_the_message_is_written_leaves_nothing_and_the_send_is_retried(
    app: Flask, smtp: Inbox, lead: User
) -> None:
    smtp.hang_up[:] = ["writing"]  # the server says go ahead, then hangs up
    # Bigger than the socket buffers, so that the writing itself fails.
    notify([lead], kind="message", subject="Annual report", body=("All of the annual report. " * 3 + "\n") * 80_000)
    db.session.commit()
    row = db.session.scalars(select(Message)).one()
    first = delivery.deliver(row.id)
    assert first.status == "retry" and smtp.messages == [], first
    error = fresh(row).last_error
    assert error.startswith(f"Attempt 1 failed, retrying: The connection to the mail server "
                            f"127.0.0.1:{app.config['MAIL_SMTP_PORT']} broke while the message was being sent, "
                            "before its end had gone (")
    assert error.endswith("); a server keeps no part of a message")
    assert delivery.deliver(row.id).status == "sent" and len(smtp.messages) == 1


def test_a_send_the_server_accepted_is_recorded_from_its_receipt_and_never_called_uncertain(
    app: Flask, lead: User, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    accepted_at = NINE + timedelta(seconds=5)
    with time_machine.travel(NINE, tick=False):
        accepted = one_reminder(lead, "Accepted")
        other_attempt = one_reminder(lead, "Another attempt", date(2027, 3, 4))
        cut_off(accepted, Stage.DATA, NINE, claim="first")
        cut_off(other_attempt, Stage.DATA, NINE, claim="second")
        run = DigestRun(user_id=lead.id, day=date(2027, 3, 1))
        db.session.add(run)
        db.session.flush()
        items = [Message(recipient_id=lead.id, kind=Kind.MESSAGE.value, subject=f"Item {i}", delivery="digest",
                          state=State.SENDING.value, digest_run_id=run.id) for i in range(2)]
        db.session.add_all(items)
        cut_off(run, Stage.DATA, NINE, claim="digest")
    for receipt in (receipts.Receipt("message", accepted.id, "first", accepted_at),
                    receipts.Receipt("message", other_attempt.id, "an earlier attempt", accepted_at),
                    receipts.Receipt("digest_run", run.id, "digest", accepted_at)):
        assert receipts.keep(receipt)
    later = NINE + timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        out = recovery.recover(later)
        db.session.commit()
    assert (out.recorded, out.uncertain, out.digests_uncertain) == (2, 1, 0)
    row = fresh(accepted)
    assert (row.state, row.sent_at, row.last_error, row.attempts) == (State.SENT, accepted_at, "", 1)
    assert fresh(run).state == State.SENT and {fresh(i).state for i in items} == {State.SENT}
    # A receipt of another attempt settles nothing.
    assert fresh(other_attempt).state == State.UNCERTAIN
    assert sorted((r.table, r.row_id) for r in receipts.waiting() or []) == [
        ("digest_run", run.id), ("message", accepted.id)]
    with time_machine.travel(later + timedelta(seconds=30), tick=False):
        assert recovery.recover(later + timedelta(seconds=30)).recorded == 0
        db.session.commit()
    assert receipts.waiting() == []  # spent receipts are removed once the database has the fact


def test_while_the_receipts_cannot_be_read_a_send_cut_off_while_handing_over_waits(
    app: Flask, lead: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")  # nothing listens
    with time_machine.travel(NINE, tick=False):
        handing_over = one_reminder(lead, "Handing over")
        claimed = one_reminder(lead, "Still claimed", date(2027, 3, 4))
        cut_off(handing_over, Stage.DATA, NINE)
        cut_off(claimed, Stage.CLAIMED, NINE)
    later = NINE + timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        out = recovery.recover(later)
        db.session.commit()
    # Whether the server accepted it cannot be told: not called uncertain yet. A send stopped
    # before the message went cannot have been accepted: retried as ever.
    assert out.uncertain == 0 and fresh(handing_over).state == State.SENDING
    assert out.retried == [claimed.id] and fresh(claimed).state == State.PENDING
