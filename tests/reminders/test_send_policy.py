"""The send policy against a real SMTP server that stalls: retried when the server cannot have
the message, "may not have been delivered" when it may, never twice by itself."""

from __future__ import annotations

import threading
from datetime import date, time

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from tests import factories
from tests.reminders.conftest import Inbox
from tracker import mail
from tracker.extensions import db
from tracker.messaging import delivery
from tracker.messaging.notify import notify
from tracker.messaging.resend import resend_digest, resend_message
from tracker.models import Status, User
from tracker.models.messages import DigestRun, Kind, Message, ReminderPreference, Stage, State
from tracker.reminders import services
from tracker.timeutil import uk_instant


def at(day: date, clock: time = time(9, 0)):  # type: ignore[no-untyped-def]
    return uk_instant(day, clock)


def one_reminder(lead: User, title: str = "Bus reform") -> Message:
    factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 3), closes_in_days=20,
                                title=title)
    db.session.commit()
    services.sweep()
    db.session.commit()  # queued to the in-memory broker: nobody runs it
    (row,) = db.session.scalars(select(Message).where(Message.kind != Kind.BRIEFING.value)).all()
    return row


def fresh(row: Message | DigestRun) -> Message | DigestRun:
    db.session.expire_all()
    return db.session.get(type(row), row.id)  # type: ignore[return-value]


def test_a_server_that_stalls_before_it_has_the_message_is_retried_and_sends_once(
    app: Flask, smtp: Inbox, lead: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "MAIL_SMTP_TIMEOUT", 1)
    smtp.stall_rcpt[:] = [3]
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        row = one_reminder(lead)
        first = delivery.deliver(row.id)
    assert first.status == "retry" and "no answer within 1s" in first.reason
    row = fresh(row)
    assert row.state == State.PENDING and row.stage == Stage.CLAIMED and smtp.messages == []
    assert delivery.deliver(row.id).status == "sent"
    assert len(smtp.messages) == 1 and fresh(row).state == State.SENT


def test_a_timeout_after_the_whole_message_was_sent_is_uncertain_and_not_retried(
    app: Flask, smtp: Inbox, lead: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "MAIL_SMTP_TIMEOUT", 1)
    smtp.stall_data[:] = [3]  # the server has it all, but answers too late
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        row = one_reminder(lead)
        outcome = delivery.deliver(row.id)
        assert outcome.status == "uncertain"
        # Neither a retry nor the next sweeps send it again: that could be a duplicate.
        assert delivery.deliver(row.id).status == "not-claimed"
    with time_machine.travel(at(date(2027, 3, 1), time(10, 0)), tick=False):
        result = services.sweep()
        db.session.commit()
    assert result.requeued == 0 and result.stuck == 0
    row = fresh(row)
    assert row.state == State.UNCERTAIN and row.stage == Stage.DATA
    assert row.last_error == (
        f"May not have been delivered: the connection to the mail server 127.0.0.1:{app.config['MAIL_SMTP_PORT']} "
        "broke after the message was sent and before the server answered (no answer within 1s), so the server "
        "may or may not have it")
    assert len(smtp.messages) == 1  # it did arrive: only a person can know


def test_a_claim_taken_back_by_the_sweep_never_sends_twice(
    app: Flask, smtp: Inbox, lead: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that looks dead (its claim not renewed within the lease: paused, or cut off from
    the database) but is only slow: the sweep re-queues its reminder and another worker sends
    it; the slow one then finds its claim gone and hangs up before the message."""
    monkeypatch.setitem(app.config, "REMINDER_SEND_LEASE_SECONDS", 1)
    monkeypatch.setitem(app.config, "REMINDER_SEND_HEARTBEAT_SECONDS", 60)  # its renewals stopped
    smtp.stall_rcpt[:] = [30]
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        row = one_reminder(lead)
    outcomes: list[str] = []

    def slow_worker() -> None:
        with app.app_context():
            outcomes.append(delivery.deliver(row.id).status)
            db.session.remove()

    worker = threading.Thread(target=slow_worker)
    worker.start()
    assert smtp.stalled.wait(10)
    threading.Event().wait(1.5)  # the lease runs out
    result = services.sweep()
    db.session.commit()
    assert result.stuck == 1 and fresh(row).state == State.PENDING
    assert delivery.deliver(row.id).status == "sent"  # a second worker
    smtp.release.set()
    worker.join(30)
    assert outcomes == ["not-claimed"]
    assert len(smtp.messages) == 1
    row = fresh(row)
    assert row.state == State.SENT and row.attempts == 2


def test_an_interrupted_send_that_used_its_attempts_fails_with_the_reason(
    app: Flask, smtp: Inbox, lead: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "REMINDER_SEND_MAX_ATTEMPTS", 1)
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        row = one_reminder(lead)
        row.state, row.stage, row.claimed_at, row.attempts = State.SENDING.value, Stage.CLAIMED.value, at(
            date(2027, 3, 1)), 1
        db.session.commit()
    with time_machine.travel(at(date(2027, 3, 1), time(9, 10)), tick=False):
        services.sweep()
        db.session.commit()
    row = fresh(row)
    assert row.state == State.FAILED and "Gave up after 1 attempts" in row.last_error


def test_a_title_with_line_breaks_cannot_break_the_header(smtp: Inbox, eager: None, lead: User) -> None:
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 3), closes_in_days=20,
                                    title="Bus reform\r\nBcc: everyone@example.test\r\n")
        db.session.commit()
        services.sweep()
        db.session.commit()
    (row,) = db.session.scalars(select(Message)).all()
    assert row.state == State.SENT
    (message,) = smtp.messages
    assert "\n" not in str(message["Subject"]) and message["Bcc"] is None
    assert str(message["Subject"]).endswith("Bus reform Bcc: everyone@example.test")


def test_a_subject_with_line_breaks_from_another_feature_is_sent_on_one_line(
    smtp: Inbox, eager: None, lead: User
) -> None:
    notify([lead], kind="message", subject="Assigned to you:\nRail\r\nfares", body="Over to you.")
    db.session.commit()
    (message,) = smtp.messages
    assert str(message["Subject"]) == "Assigned to you: Rail fares"


def test_a_header_the_mailer_refuses_is_a_permanent_failure_with_a_clear_reason(
    app: Flask, smtp: Inbox, lead: User
) -> None:
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        row = one_reminder(lead)
        db.session.execute(
            Message.__table__.update().where(Message.id == row.id).values(subject="x")
        )
        lead.email = "lena@hull.test\r\nBcc: everyone@example.test"  # as if it slipped past the forms
        db.session.commit()
        outcome = delivery.deliver(row.id)
        again = delivery.deliver(row.id)
    assert outcome.status == "failed" and again.status == "not-claimed"
    row = fresh(row)
    assert row.state == State.FAILED and row.attempts == 1
    assert row.last_error.startswith("Permanent failure: The email cannot be built: bad header")
    assert smtp.messages == [] and smtp.attempts == 0


def test_header_text_makes_one_line() -> None:
    assert mail.header_text("a\r\nb\tc\x00d  e") == "a b c d e"
    assert len(mail.header_text("x" * 500)) == 300


def test_digest_cut_off_while_handing_over_is_uncertain_with_its_items_and_a_resend_sends_it(
    app: Flask, smtp: Inbox, lead: User, coordinator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "MAIL_SMTP_TIMEOUT", 1)
    db.session.add(ReminderPreference(user_id=lead.id, delivery="digest", digest_time=time(8, 0)))
    db.session.commit()
    smtp.stall_data[:] = [3]
    with time_machine.travel(at(date(2027, 3, 1), time(9, 0)), tick=False):
        for title, d in (("Alpha buses", date(2027, 3, 2)), ("Beta trams", date(2027, 3, 4))):
            factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=d, closes_in_days=30,
                                        title=title)
        db.session.commit()
        result = services.sweep()
        db.session.commit()
        (run_id,) = result.digests
        assert delivery.deliver_digest(run_id).status == "uncertain"
        assert delivery.deliver_digest(run_id).status == "not-claimed"
        run = fresh(db.session.get(DigestRun, run_id))
        assert run.state == State.UNCERTAIN and run.stage == Stage.DATA
        items = select(Message).where(Message.kind != Kind.BRIEFING.value)  # not the coordinator's briefing
        assert {r.state for r in db.session.scalars(items)} == {State.UNCERTAIN}
        resend_digest(coordinator, run_id, run.claim_token or "")
        db.session.commit()
        assert delivery.deliver_digest(run_id).status == "sent"
    assert len(smtp.messages) == 2  # the first did arrive; the coordinator chose to resend
    assert {r.state for r in db.session.scalars(items)} == {State.SENT}


def test_a_late_answer_after_the_sweep_called_it_uncertain_still_counts_as_sent(
    app: Flask, smtp: Inbox, lead: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "REMINDER_SEND_LEASE_SECONDS", 1)
    monkeypatch.setitem(app.config, "REMINDER_SEND_HEARTBEAT_SECONDS", 60)  # its renewals stopped
    smtp.stall_data[:] = [2.5]
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        row = one_reminder(lead)
    outcomes: list[str] = []

    def slow() -> None:
        with app.app_context():
            outcomes.append(delivery.deliver(row.id).status)
            db.session.remove()

    worker = threading.Thread(target=slow)
    worker.start()
    assert smtp.stalled.wait(10)
    threading.Event().wait(1.2)
    services.sweep()
    db.session.commit()
    assert fresh(row).state == State.UNCERTAIN
    worker.join(30)
    assert outcomes == ["sent"]
    assert fresh(row).state == State.SENT and len(smtp.messages) == 1


def test_resend_is_for_coordinators_only_and_queues_once(
    smtp: Inbox, lead: User, coordinator: User, admin: User
) -> None:
    from tracker.errors import DomainError, PermissionDenied
    from tracker.models import ActivityLog

    smtp.fail_next[:] = ["550 5.1.1 No such mailbox"]
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        row = one_reminder(lead)
        assert delivery.deliver(row.id).status == "failed"
        row = fresh(row)
        version = row.claim_token or ""
        with pytest.raises(PermissionDenied):
            resend_message(lead, row.id, version)
        db.session.rollback()
        resend_message(admin, row.id, version)
        db.session.commit()
        with pytest.raises(DomainError, match="already been resent"):
            resend_message(coordinator, row.id, version)  # the second click
        db.session.rollback()
        row = fresh(row)
        assert row.state == State.PENDING and row.attempts == 0 and "Resent by Ada Admin" in row.last_error
        assert delivery.deliver(row.id).status == "sent"
    logs = db.session.scalars(select(ActivityLog).where(ActivityLog.action == "reminder_resend")).all()
    assert len(logs) == 1 and logs[0].actor_id == admin.id and logs[0].subject_id == row.id
    assert len(smtp.messages) == 1
