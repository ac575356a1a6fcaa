"""Resending an email that failed or may not have been delivered: a coordinator's decision.

A resend puts the row back in the queue as a fresh send (attempts from zero). It is
made on the version the coordinator saw (the claim token of the attempt that failed),
in one conditional UPDATE, so a double click, two coordinators at once or a page that
is out of date queue it once. Checks, changes, logs and flushes; the view commits and
the send is queued after the commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from sqlalchemy import func, update

from tracker import activity
from tracker.errors import DomainError, NotFound, PermissionDenied
from tracker.extensions import db, rowcount
from tracker.messaging.outbox import DIGEST, SEND, queue_after_commit
from tracker.models import User
from tracker.models.messages import DigestRun, Message, State
from tracker.timeutil import to_uk, utcnow

R = TypeVar("R", Message, DigestRun)

RESENDABLE = (State.UNCERTAIN.value, State.FAILED.value)


def version_of(row: Message | DigestRun) -> str:
    return row.claim_token or ""


def _check(actor: User) -> None:
    if not actor.is_coordinator:
        raise PermissionDenied("Only coordinators and admins can resend emails.")


def _already(row: Message | DigestRun) -> DomainError:
    if row.state in RESENDABLE:
        return DomainError("This email failed again since you loaded the page: check the reason and try again.")
    return DomainError("This email has already been resent (or sent): nothing was queued again.")


def _resent_note(actor: User, now: datetime) -> str:
    return f"Resent by {actor.name} on {to_uk(now):%-d %B %Y at %H:%M}."


def _put_back(model: type[Message] | type[DigestRun], row: Message | DigestRun, actor: User, version: str,
              now: datetime, **extra: object) -> None:
    """Back in the queue with fresh attempts, if it is still as the coordinator saw it (``version``)."""
    changed = rowcount(db.session.execute(
        update(model)
        .where(model.id == row.id, model.state.in_(RESENDABLE), func.coalesce(model.claim_token, "") == version)
        .values(state=State.PENDING.value, attempts=0, stage=None, queued_at=now,
                last_error=_resent_note(actor, now), **extra)
        .execution_options(synchronize_session=False)
    ))
    db.session.refresh(row)
    if not changed:
        raise _already(row)


def _resendable(actor: User, model: type[R], row_id: int, missing: str) -> R:
    _check(actor)
    row = db.session.get(model, row_id)
    if row is None:
        raise NotFound(missing)
    return row


def resend_message(actor: User, message_id: int, version: str, now: datetime | None = None) -> Message:
    message = _resendable(actor, Message, message_id, "There is no such email.")
    before = message.state
    _put_back(Message, message, actor, version, now or utcnow(), next_attempt_at=None)
    activity.record(
        "reminder_resend", actor=actor, consultation=message.consultation,
        subject_type="message", subject_id=message.id,
        message=f"Email resent to {message.recipient.email}: {message.subject}"[:1000],
        before={"state": before}, after={"state": State.PENDING.value},
    )
    db.session.flush()
    queue_after_commit(db.session(), [message.id], SEND)
    return message


def resend_digest(actor: User, run_id: int, version: str, now: datetime | None = None) -> DigestRun:
    run = _resendable(actor, DigestRun, run_id, "There is no such digest.")
    before = run.state
    _put_back(DigestRun, run, actor, version, now or utcnow())
    # Its items go with it (deliver_digest picks up the pending items attached to the run).
    db.session.execute(
        update(Message)
        .where(Message.digest_run_id == run_id, Message.state.in_(RESENDABLE))
        .values(state=State.PENDING.value, last_error="")
        .execution_options(synchronize_session=False)
    )
    activity.record(
        "digest_resend", actor=actor, subject_type="digest_run", subject_id=run.id,
        message=f"Daily digest of {run.day:%-d %B %Y} resent to {run.user.email}",
        before={"state": before}, after={"state": State.PENDING.value},
    )
    db.session.flush()
    queue_after_commit(db.session(), [run.id], DIGEST)
    return run
