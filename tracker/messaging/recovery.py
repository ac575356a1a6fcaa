"""What each sweep does about sends that were cut off or never queued.

The send policy is in delivery.py. Here, for reminders and daily digests alike:

- a claim that made no progress within the send lease belongs to a worker that is
  gone. Stopped before the message went ("claimed"): it goes back in the queue (or
  fails, with the reason, once it has used its attempts). Stopped while the message
  was going ("data"): "uncertain", for a coordinator to resend or not;
- a pending send with no message in the broker (queueing failed: the broker was down)
  is queued now, and one queued longer ago than the lease is queued again (the broker
  lost it, or the worker holding it died). A duplicate message is harmless: only one
  worker can claim the row.

Flushes, never commits; the sends are queued after the sweep's commit (outbox.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Update, or_, select, update

from tracker.extensions import db
from tracker.messaging.delivery import max_attempts, send_lease
from tracker.messaging.outbox import DIGEST, SEND, queue_after_commit
from tracker.models.messages import Delivery, DigestRun, Message, Stage, State

# Per sweep: a backlog is worked through over several sweeps rather than queued twice at once.
REQUEUE_LIMIT = 1000

RETRYING = "An attempt was interrupted before the mail server had the message; sending it again."
GAVE_UP = "Gave up after {n} attempts: the last was interrupted before the mail server had the message."
UNCERTAIN = ("May not have been delivered: the worker stopped while handing the message to the mail server, "
             "so the server may or may not have it.")


@dataclass
class Recovered:
    retried: list[int] = field(default_factory=list)
    gave_up: int = 0
    uncertain: int = 0
    requeued: int = 0
    digests_retried: int = 0
    digests_uncertain: int = 0
    digests_requeued: int = 0


def recover(now: datetime) -> Recovered:
    out = Recovered()
    cutoff = now - send_lease()
    _reminders(out, now, cutoff)
    _digests(out, now, cutoff)
    return out


def _update_returning_ids(stmt: Update) -> list[int]:
    return list(db.session.scalars(stmt.returning(stmt.table.c.id).execution_options(synchronize_session=False)))


def _reminders(out: Recovered, now: datetime, cutoff: datetime) -> None:
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
    # A claim with no stage was made before stages were recorded: its outcome is unknown too.
    uncertain = _update_returning_ids(
        update(Message)
        .where(*abandoned, or_(Message.stage == Stage.DATA.value, Message.stage.is_(None)))
        .values(state=State.UNCERTAIN.value, last_error=UNCERTAIN)
    )
    out.uncertain = len(uncertain)
    waiting = list(
        db.session.scalars(
            select(Message.id)
            .where(
                Message.state == State.PENDING.value,
                Message.delivery == Delivery.IMMEDIATE.value,
                or_(Message.queued_at.is_(None), Message.queued_at < cutoff),
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


def _digests(out: Recovered, now: datetime, cutoff: datetime) -> None:
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
    uncertain = _update_returning_ids(
        update(DigestRun)
        .where(*abandoned, or_(DigestRun.stage == Stage.DATA.value, DigestRun.stage.is_(None)))
        .values(state=State.UNCERTAIN.value, last_error=UNCERTAIN)
    )
    _items_of(uncertain, State.UNCERTAIN, UNCERTAIN)
    waiting = list(
        db.session.scalars(
            select(DigestRun.id)
            .where(
                DigestRun.state == State.PENDING.value,
                or_(DigestRun.queued_at.is_(None), DigestRun.queued_at < cutoff),
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
