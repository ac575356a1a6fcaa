"""What each sweep does about sends that were cut off or never queued.

The send policy is in delivery.py. Here, for reminders and daily digests alike, run by
the sweep and, more often, by the recovery task of its own (tasks.recover):

- a send the mail server accepted, whose worker could not record it (receipts.py), is
  recorded as sent, first, so that nothing below mistakes it for an abandoned one;
- a claim not renewed within the send lease belongs to a worker that is gone (a live
  one renews it, heartbeat.py). Stopped before the message went ("claimed"): it goes
  back in the queue (or fails, with the reason, once it has used its attempts). Stopped
  once the message was going ("data"): "uncertain", for a coordinator to resend or not,
  unless it had a receipt. While the receipts cannot be read (Redis down) such sends
  wait: there is no telling them apart from accepted ones;
- a pending send with no message in the broker (queueing failed: the broker was down)
  is queued now, and one queued longer ago than REMINDER_REQUEUE_SECONDS is queued
  again (the broker lost it, or the worker holding it died). A duplicate message is
  harmless: only one worker can claim the row.

Flushes, never commits; the sends are queued after the caller's commit (outbox.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, Update, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute

from tracker.extensions import db
from tracker.messaging import receipts
from tracker.messaging.delivery import max_attempts, record_sent, send_lease
from tracker.messaging.outbox import DIGEST, SEND, queue_after_commit
from tracker.models.messages import Delivery, DigestRun, Message, Stage, State

# Per sweep: a backlog is worked through over several sweeps rather than queued twice at once.
REQUEUE_LIMIT = 1000

RETRYING = ("The worker sending it stopped before the mail server had the message (it was killed, or lost "
            "touch with the database); sending it again.")
GAVE_UP = ("Gave up after {n} attempts: the worker sending the last one stopped before the mail server had the "
           "message.")
UNCERTAIN = ("May not have been delivered: the worker sending it stopped (it was killed, or lost touch with the "
             "database) after it had started handing the message to the mail server, and before it could record "
             "the server's answer, so the server may or may not have it.")
UNCERTAIN_UNRECORDED = ("May not have been delivered: the send was cut off at a point that was not recorded (it "
                        "began before the tracker kept how far sends got), so the server may or may not have it.")


@dataclass
class Recovered:
    recorded: int = 0  # accepted by the mail server, recorded now from their receipts
    retried: list[int] = field(default_factory=list)
    gave_up: int = 0
    uncertain: int = 0
    requeued: int = 0
    digests_retried: int = 0
    digests_uncertain: int = 0
    digests_requeued: int = 0


def requeue_after() -> timedelta:
    return timedelta(seconds=float(current_app.config["REMINDER_REQUEUE_SECONDS"]))


def recover(now: datetime) -> Recovered:
    out = Recovered()
    known = _record_receipts(out)
    cutoff, lost = now - send_lease(), now - requeue_after()
    _reminders(out, now, cutoff, lost, known)
    _digests(out, now, cutoff, lost, known)
    return out


def _record_receipts(out: Recovered) -> bool:
    """Sends the mail server accepted, as sent; False when the receipts could not be read."""
    found = receipts.waiting()
    if found is None:
        return False
    models: dict[str, type[Message] | type[DigestRun]] = {"message": Message, "digest_run": DigestRun}
    for receipt in found:
        model = models.get(receipt.table)
        if model is not None and record_sent(model, receipt.row_id, receipt.token, receipt.sent_at):
            out.recorded += 1  # the receipt is removed by a later run, once this one has committed
        else:
            receipts.forget(receipt)  # recorded already, or another attempt since: spent
    return True


def _uncertain_stage(stage: InstrumentedAttribute[str | None]) -> list[tuple[ColumnElement[bool], str]]:
    """Abandoned claims whose outcome is unknown, with the reason that says why."""
    # A claim with no stage was made before stages were recorded.
    return [(stage == Stage.DATA.value, UNCERTAIN), (stage.is_(None), UNCERTAIN_UNRECORDED)]


def _update_returning_ids(stmt: Update) -> list[int]:
    return list(db.session.scalars(stmt.returning(stmt.table.c.id).execution_options(synchronize_session=False)))


def _reminders(out: Recovered, now: datetime, cutoff: datetime, lost: datetime, known: bool) -> None:
    abandoned = (
        Message.state == State.SENDING.value,
        Message.delivery == Delivery.IMMEDIATE.value,  # digest items follow their run
        Message.claimed_at < cutoff,
    )
    limit = max_attempts()
    out.retried = _update_returning_ids(
        update(Message)
        .where(*abandoned, Message.stage == Stage.CLAIMED.value, Message.attempts < limit)
        .values(state=State.PENDING.value, queued_at=now, last_error=RETRYING)
    )
    gave_up = _update_returning_ids(
        update(Message)
        .where(*abandoned, Message.stage == Stage.CLAIMED.value, Message.attempts >= limit)
        .values(state=State.FAILED.value, last_error=GAVE_UP.format(n=limit))
    )
    out.gave_up = len(gave_up)
    for stage, why in _uncertain_stage(Message.stage) if known else []:
        out.uncertain += len(_update_returning_ids(
            update(Message).where(*abandoned, stage).values(state=State.UNCERTAIN.value, last_error=why)
        ))
    waiting = list(
        db.session.scalars(
            select(Message.id)
            .where(
                Message.state == State.PENDING.value,
                Message.delivery == Delivery.IMMEDIATE.value,
                or_(Message.queued_at.is_(None), Message.queued_at < lost),
                Message.id.not_in(out.retried) if out.retried else Message.id.is_not(None),
            )
            .order_by(Message.queued_at.is_not(None), Message.queued_at, Message.id)
            .limit(REQUEUE_LIMIT)
        )
    )
    if waiting:
        db.session.execute(
            update(Message).where(Message.id.in_(waiting)).values(queued_at=now)
            .execution_options(synchronize_session=False)
        )
    out.requeued = len(waiting)
    queue_after_commit(db.session(), out.retried + waiting, SEND)


def _digests(out: Recovered, now: datetime, cutoff: datetime, lost: datetime, known: bool) -> None:
    abandoned = (DigestRun.state == State.SENDING.value, DigestRun.claimed_at < cutoff)
    limit = max_attempts()
    retried = _update_returning_ids(
        update(DigestRun)
        .where(*abandoned, DigestRun.stage == Stage.CLAIMED.value, DigestRun.attempts < limit)
        .values(state=State.PENDING.value, queued_at=now, last_error=RETRYING)
    )
    _items_of(retried, State.PENDING, "")
    gave_up = _update_returning_ids(
        update(DigestRun)
        .where(*abandoned, DigestRun.stage == Stage.CLAIMED.value, DigestRun.attempts >= limit)
        .values(state=State.FAILED.value, last_error=GAVE_UP.format(n=limit))
    )
    _items_of(gave_up, State.FAILED, GAVE_UP.format(n=limit))
    uncertain: list[int] = []
    for stage, why in _uncertain_stage(DigestRun.stage) if known else []:
        these = _update_returning_ids(
            update(DigestRun).where(*abandoned, stage).values(state=State.UNCERTAIN.value, last_error=why)
        )
        _items_of(these, State.UNCERTAIN, why)
        uncertain += these
    waiting = list(
        db.session.scalars(
            select(DigestRun.id)
            .where(
                DigestRun.state == State.PENDING.value,
                or_(DigestRun.queued_at.is_(None), DigestRun.queued_at < lost),
                DigestRun.id.not_in(retried) if retried else DigestRun.id.is_not(None),
            )
            .order_by(DigestRun.id)
            .limit(REQUEUE_LIMIT)
        )
    )
    if waiting:
        db.session.execute(
            update(DigestRun).where(DigestRun.id.in_(waiting)).values(queued_at=now)
            .execution_options(synchronize_session=False)
        )
    out.digests_retried, out.digests_uncertain, out.digests_requeued = len(retried), len(uncertain), len(waiting)
    queue_after_commit(db.session(), retried + waiting, DIGEST)


def _items_of(run_ids: list[int], state: State, why: str) -> None:
    """A digest's items share their run's fate."""
    if not run_ids:
        return
    values: dict[str, object] = {"state": state.value}
    if why:
        values["last_error"] = why
    db.session.execute(
        update(Message)
        .where(Message.digest_run_id.in_(run_ids), Message.state == State.SENDING.value)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
