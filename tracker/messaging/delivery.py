"""Sending one message or one digest: claim, check, send, record.

Each function owns its transactions (it is the body of a task). The policy:

- The claim (state "sending", stage "claimed", a fresh claim token) is committed before
  anything is sent, so a second worker given the same id finds nothing to claim. While
  the send is alive its worker renews the claim (heartbeat.py), so the lease is short.
- Just before the message goes to the mail server the stage becomes "data", committed,
  and only if the claim is still ours (the token fences off a worker whose claim the
  sweep took back). A send cut off before that point cannot have reached the server: the
  recovery run puts it back in the queue. One whose worker stopped after it may or may
  not have: it becomes "uncertain" and waits for a coordinator to resend it (never resent
  automatically), with the reason saying what happened.
- Once the server has accepted the message, a receipt goes to Redis before "sent" goes
  to the database (receipts.py): a worker that cannot reach the database keeps trying,
  and one that dies leaves the receipt for the recovery run, so an accepted message is
  never called uncertain.
- A transient refusal is retried with backoff; a permanent one, or too many transient
  ones, fails with the reason. An answer from the server after the claim was taken back
  still counts: the row records what really happened.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app, render_template
from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import joinedload

from tracker import mail
from tracker.extensions import db, rowcount
from tracker.messaging import kinds, receipts
from tracker.messaging.heartbeat import Heartbeat
from tracker.models import Consultation
from tracker.models.messages import KIND_LABELS, Delivery, DigestRun, Message, Stage, State
from tracker.timeutil import to_uk, utcnow
from tracker.urls import action_url, external_url

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    status: str  # sent, retry, failed, uncertain, skipped, not-claimed, unrecorded
    delay: float | None = None
    reason: str = ""


class ClaimLost(Exception):
    """The sweep took the claim back (it looked abandoned) before the message went."""


def max_attempts() -> int:
    return int(current_app.config["REMINDER_SEND_MAX_ATTEMPTS"])


def send_lease() -> timedelta:
    """How long a claim may go unrenewed before the recovery run treats its worker as gone."""
    return timedelta(seconds=float(current_app.config["REMINDER_SEND_LEASE_SECONDS"]))


# How long a worker whose message the server accepted keeps trying to record it while the
# database cannot be reached; after that the receipt (if Redis had it) is the recovery run's.
RECORD_PATIENCE_SECONDS = 3600.0
RECORD_PAUSE_MAX_SECONDS = 30.0


def retry_delay(attempt: int) -> float:
    """Exponential backoff with full-range jitter on top: base * 2^(attempt-1) * [1, 1.25)."""
    base = float(current_app.config["REMINDER_RETRY_BASE_SECONDS"])
    cap = float(current_app.config["REMINDER_RETRY_MAX_SECONDS"])
    delay = min(cap, base * (2 ** max(0, attempt - 1)))
    return delay * (1 + random.random() * 0.25)  # noqa: S311 - jitter, not security


def consultation_link(consultation_id: int) -> str:
    return external_url("consultations.detail", consultation_id=consultation_id)


def _item(row: Message) -> dict:
    c: Consultation | None = row.consultation
    return {
        "message": row,
        "kind_label": KIND_LABELS.get(row.kind, row.kind),
        "subject": row.subject,
        "body": row.body,
        "consultation": c,
        # The page of the message's action (the response to review, ...), else its consultation.
        "link": action_url(row.body or "") or (consultation_link(c.id) if c else external_url("dashboard.index")),
        "closes_uk": to_uk(c.closes_at).strftime("%A %-d %B %Y at %H:%M") + " (UK time)" if c else "",
        "internal_deadline": c.internal_deadline.strftime("%A %-d %B %Y") if c and c.internal_deadline else "",
    }


def render_message(row: Message) -> tuple[str, str, str]:
    ctx = {"item": _item(row), "user": row.recipient, "network": current_app.config["NETWORK_NAME"],
           "preferences_link": external_url("reminders.preferences")}
    return (
        row.subject,
        render_template("messaging/email/reminder.txt", **ctx),
        render_template("messaging/email/reminder.html", **ctx),
    )


def personalisation(row: Message, *, with_item: bool) -> dict[str, str]:
    """GOV.UK Notify's personalisation of a message, besides its subject and text: the facts the
    SMTP email is written from (a template may lay them out its own way)."""
    fields = {"name": row.recipient.name, "network": current_app.config["NETWORK_NAME"]}
    if with_item:
        item = _item(row)
        c = item["consultation"]
        fields.update(kind=item["kind_label"], link=item["link"], consultation=c.title if c else "",
                      organisation=c.issuing_organisation if c else "", closes=item["closes_uk"],
                      internal_deadline=item["internal_deadline"], preferences_link=external_url("reminders.preferences"))
    return fields


def render_digest(user: object, messages: list[Message], day: str) -> tuple[str, str, str]:
    ctx = {"items": [_item(r) for r in messages], "user": user, "day": day,
           "network": current_app.config["NETWORK_NAME"],
           "preferences_link": external_url("reminders.preferences")}
    subject = f"Your {current_app.config['NETWORK_NAME']} tracker digest: {len(messages)} item" + (
        "s" if len(messages) != 1 else "")
    return (
        subject,
        render_template("messaging/email/digest.txt", **ctx),
        render_template("messaging/email/digest.html", **ctx),
    )


def _claim(model: type[Message] | type[DigestRun], row_id: int, now: datetime,
           *extra: ColumnElement[bool]) -> str | None:
    """Claim a pending row for this attempt; returns the claim token, or None if not ours."""
    token = uuid.uuid4().hex
    claimed = rowcount(db.session.execute(
        update(model)
        .where(model.id == row_id, model.state == State.PENDING.value, *extra)
        .values(state=State.SENDING.value, stage=Stage.CLAIMED.value, claim_token=token, claimed_at=now,
                attempts=model.attempts + 1)
        .execution_options(synchronize_session=False)
    ))
    db.session.commit()
    return token if claimed else None


def _fence(model: type[Message] | type[DigestRun], row_id: int, token: str) -> None:
    """Record that the message is about to go, if the claim is still ours; else abandon the send."""
    moved = rowcount(db.session.execute(
        update(model)
        .where(model.id == row_id, model.claim_token == token, model.state == State.SENDING.value)
        .values(stage=Stage.DATA.value, claimed_at=utcnow())
        .execution_options(synchronize_session=False)
    ))
    db.session.commit()
    if not moved:
        raise ClaimLost


def _settle(model: type[Message] | type[DigestRun], row_id: int, token: str, states: tuple[State, ...],
            **values: object) -> bool:
    """Write this attempt's result, unless another attempt has claimed the row since."""
    done = rowcount(db.session.execute(
        update(model)
        .where(model.id == row_id, model.claim_token == token, model.state.in_([s.value for s in states]))
        .values(**values)
        .execution_options(synchronize_session=False)
    ))
    return bool(done)


# After a send: sent counts even if the sweep marked it uncertain meanwhile (the answer came late),
# or a coordinator asked for a resend that has not been claimed yet.
SENT_FROM = (State.SENDING, State.UNCERTAIN, State.PENDING)
OURS = (State.SENDING,)


def _result(exc: mail.MailError, attempts: int, now: datetime) -> tuple[Outcome, dict[str, object]]:
    """What a failed attempt means: (outcome, the row's new values)."""
    reason = str(exc)[:2000]
    if exc.uncertain:
        why = f"May not have been delivered: {reason[:1].lower()}{reason[1:]}"
        return Outcome("uncertain", reason=why), {"state": State.UNCERTAIN.value, "last_error": why}
    if exc.transient and attempts < max_attempts():
        delay = retry_delay(attempts)
        retry_at = now + timedelta(seconds=delay)
        return Outcome("retry", delay=delay, reason=reason), {
            "state": State.PENDING.value, "last_error": f"Attempt {attempts} failed, retrying: {reason}",
            "next_attempt_at": retry_at, "queued_at": retry_at,
        }
    why = f"Gave up after {attempts} attempts: {reason}" if exc.transient else f"Permanent failure: {reason}"
    return Outcome("failed", reason=why), {"state": State.FAILED.value, "last_error": why}


def _send(model: type[Message] | type[DigestRun], row_id: int, token: str, build: Callable[[], EmailMessage],
          fail: Callable[[mail.MailError], Outcome]) -> Outcome:
    """Build the message and hand it to the mail server, fenced by the claim, renewing the claim
    meanwhile; then record what happened: sent, or a failure through ``fail``.

    Commits what the caller changed (a digest's skipped items) before the message goes, so no
    transaction is held open while the server talks."""
    what = "digest" if model is DigestRun else "message"
    with Heartbeat(model, row_id, token):
        try:
            message = build()
        except mail.MailError as exc:
            return fail(exc)
        except Exception as exc:  # noqa: BLE001 - a template fault would fail the same way every time
            log.exception("%s %s: the email could not be built", what, row_id)
            return fail(mail.MailError(f"The email could not be built ({type(exc).__name__}: {exc})",
                                       transient=False))
        db.session.commit()
        try:
            mail.send(message, before_data=lambda: _fence(model, row_id, token))
        except ClaimLost:
            db.session.rollback()
            return Outcome("not-claimed", reason="The claim was taken back before the message went.")
        except mail.MailError as exc:
            return fail(exc)
        return _record_accepted(model, row_id, token)


def _record_accepted(model: type[Message] | type[DigestRun], row_id: int, token: str) -> Outcome:
    """The server has accepted the message: keep that fact until the database has it.

    The receipt goes to Redis first, so the fact outlives this worker; then the database is
    tried until it answers, with backoff."""
    receipt = receipts.Receipt(model.__tablename__, row_id, token, utcnow())
    kept = receipts.keep(receipt)
    started, pause, tries = time.monotonic(), 1.0, 0
    while True:
        tries += 1
        try:
            recorded = record_sent(model, row_id, token, receipt.sent_at)
            db.session.commit()
            break
        except (OperationalError, InterfaceError) as exc:
            db.session.rollback()
            if time.monotonic() - started >= RECORD_PATIENCE_SECONDS:
                left = ("its receipt is left for the recovery run" if kept
                        else "it has no receipt (Redis could not be written)")
                log.error("%s %s was accepted by the mail server but could not be recorded as sent (%s); %s",
                          receipt.table, row_id, type(exc).__name__, left)
                return Outcome("unrecorded", reason=f"Accepted by the mail server; {left}.")
            if tries == 1:
                log.warning("%s %s was accepted by the mail server but cannot be recorded as sent yet (%s); "
                            "trying again until the database answers", receipt.table, row_id, type(exc).__name__)
            time.sleep(pause)
            pause = min(pause * 2, RECORD_PAUSE_MAX_SECONDS)
    if tries > 1:
        log.warning("%s %s: recorded as sent once the database answered (%d tries)", receipt.table, row_id, tries)
    if kept:
        receipts.forget(receipt)
    if not recorded:
        log.warning("%s %s was delivered, but it was recorded from its receipt or claimed by another attempt since",
                    receipt.table, row_id)
    return Outcome("sent")


def record_sent(model: type[Message] | type[DigestRun], row_id: int, token: str, sent_at: datetime) -> bool:
    """Record that the mail server accepted this attempt's message (flushes): the row, a digest's
    items, and the other dates of the same points superseded. False, changing nothing, when
    another attempt has claimed the row since or it is recorded already."""
    which = Message.digest_run_id == row_id if model is DigestRun else Message.id == row_id
    items = db.session.execute(
        select(Message.id, Message.consultation_id, Message.recipient_id, Message.kind, Message.deadline)
        .where(which, Message.state.in_([s.value for s in SENT_FROM]))
    ).all()
    if not _settle(model, row_id, token, SENT_FROM, state=State.SENT.value, sent_at=sent_at, last_error=""):
        return False
    if model is DigestRun:
        _set_items([item.id for item in items], state=State.SENT.value, sent_at=sent_at, last_error="")
    kinds.after_sent([(i.consultation_id, i.recipient_id, i.kind, i.deadline) for i in items], sent_at)
    return True


def deliver(message_id: int, now: datetime | None = None) -> Outcome:
    """Send one immediate message. Safe to call twice, concurrently or after it was sent."""
    now = now or utcnow()
    token = _claim(Message, message_id, now, Message.delivery == Delivery.IMMEDIATE.value)
    if token is None:
        return Outcome("not-claimed")
    row = db.session.scalar(
        select(Message)
        .options(joinedload(Message.consultation), joinedload(Message.recipient))
        .where(Message.id == message_id)
        .execution_options(populate_existing=True)
    )
    assert row is not None
    attempts, address = row.attempts, row.recipient.email
    # Whether it is still worth sending, and what it says, is decided now: the data may have moved
    # since it was planned (a Monday briefing says what is true when it goes).
    ready = kinds.prepare(row, now)
    reason = ready.reason
    if reason:
        # Never sent, so it must not stand in the way of the same point planned again later.
        _settle(Message, message_id, token, OURS, state=State.SKIPPED.value, last_error=reason, superseded_at=now)
        db.session.commit()
        return Outcome("skipped", reason=reason)

    def build() -> EmailMessage:
        subject, text, html = ready.write() if ready.write is not None else render_message(row)
        return mail.build_message(to=address, subject=subject, text=text, html=html, notify_kinds=(row.kind,),
                                  personalisation=personalisation(row, with_item=ready.write is None),
                                  reference=row.event_key or f"message-{message_id}")

    return _send(Message, message_id, token, build,
                 lambda exc: _record_failure(message_id, token, exc, attempts, now))


def _record_failure(message_id: int, token: str, exc: mail.MailError, attempts: int, now: datetime) -> Outcome:
    outcome, values = _result(exc, attempts, now)
    _settle(Message, message_id, token, OURS, **values)
    db.session.commit()
    return outcome


def deliver_digest(run_id: int, now: datetime | None = None) -> Outcome:
    """Send one user's daily digest: every pending digest item in one email."""
    now = now or utcnow()
    token = _claim(DigestRun, run_id, now)
    if token is None:
        return Outcome("not-claimed")
    run = db.session.get(DigestRun, run_id, populate_existing=True)
    assert run is not None
    user_id, attempts = run.user_id, run.attempts
    # Attach this user's waiting items to the run (items of an earlier attempt stay attached).
    db.session.execute(
        update(Message)
        .where(
            Message.recipient_id == user_id,
            Message.delivery == Delivery.DIGEST.value,
            Message.state == State.PENDING.value,
            or_(Message.digest_run_id.is_(None), Message.digest_run_id == run_id),
        )
        .values(state=State.SENDING.value, digest_run_id=run_id, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    items = list(
        db.session.scalars(
            select(Message)
            .options(joinedload(Message.consultation), joinedload(Message.recipient))
            .where(Message.digest_run_id == run_id, Message.state == State.SENDING.value)
            .order_by(Message.created_at, Message.id)
            .execution_options(populate_existing=True)
        ).unique()
    )
    keep: list[Message] = []
    for item in items:
        reason = kinds.prepare(item, now).reason
        if reason:
            item.state = State.SKIPPED.value
            item.last_error = reason
            item.superseded_at = now
        else:
            keep.append(item)
    if not keep:
        _settle(DigestRun, run_id, token, OURS, state=State.SKIPPED.value, last_error="Nothing left to send.")
        db.session.commit()
        return Outcome("skipped", reason="Nothing left to send.")
    keep_ids = [item.id for item in keep]
    user = keep[0].recipient

    def build() -> EmailMessage:
        day = f"{to_uk(now):%A %-d %B %Y}"
        subject, text, html = render_digest(user, keep, day)
        fields = {"name": user.name, "network": current_app.config["NETWORK_NAME"], "day": day,
                  "count": str(len(keep)), "preferences_link": external_url("reminders.preferences")}
        return mail.build_message(to=user.email, subject=subject, text=text, html=html, notify_kinds=("digest",),
                                  personalisation=fields, reference=f"digest-{run_id}")

    return _send(DigestRun, run_id, token, build,
                 lambda exc: _record_digest_failure(run_id, token, keep_ids, exc, attempts, now))


def _record_digest_failure(run_id: int, token: str, item_ids: list[int], exc: mail.MailError, attempts: int,
                           now: datetime) -> Outcome:
    outcome, values = _result(exc, attempts, now)
    values.pop("next_attempt_at", None)  # digest runs keep only queued_at
    if _settle(DigestRun, run_id, token, OURS, **values):
        _set_items(item_ids, state=values["state"], last_error=values["last_error"])
    db.session.commit()
    return outcome


def _set_items(item_ids: list[int], **values: object) -> None:
    db.session.execute(
        update(Message).where(Message.id.in_(item_ids)).values(**values)
        .execution_options(synchronize_session=False)
    )
