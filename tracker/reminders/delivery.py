"""Sending one reminder or one digest: claim, check, send, record.

Each function owns its transactions (it is the body of a task): the claim is
committed before the message leaves, so a second worker given the same id finds
nothing to claim and a reminder is never sent twice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from tracker import mail
from tracker.extensions import db
from tracker.models import OPEN_STATUSES, Consultation
from tracker.models.reminders import KIND_LABELS, Delivery, DigestRun, Kind, Reminder, State
from tracker.reminders.services import NOT_APPROVED, NOT_YET_IN_REVIEW, REMINDER_KINDS
from tracker.timeutil import to_uk, utcnow
from tracker.urls import external_url


@dataclass(frozen=True)
class Outcome:
    status: str  # sent, retry, failed, skipped, not-claimed
    delay: float | None = None
    reason: str = ""


def max_attempts() -> int:
    return int(current_app.config["REMINDER_SEND_MAX_ATTEMPTS"])


def retry_delay(attempt: int) -> float:
    """Exponential backoff with full-range jitter on top: base * 2^(attempt-1) * [1, 1.25)."""
    base = float(current_app.config["REMINDER_RETRY_BASE_SECONDS"])
    cap = float(current_app.config["REMINDER_RETRY_MAX_SECONDS"])
    delay = min(cap, base * (2 ** max(0, attempt - 1)))
    return delay * (1 + random.random() * 0.25)  # noqa: S311 - jitter, not security


def consultation_link(consultation_id: int) -> str:
    return external_url("consultations.detail", consultation_id=consultation_id)


def _still_relevant(reminder: Reminder) -> str:
    """'' if the reminder should still go out, else why not (the data changed since the sweep)."""
    c = reminder.consultation
    if reminder.kind not in REMINDER_KINDS and not reminder.kind.startswith("escalation_"):
        return ""
    if c is None:
        return "The consultation no longer exists."
    if c.status not in OPEN_STATUSES:
        return f"The consultation is now {c.status_label.lower()}."
    if not reminder.recipient.is_enabled:
        return "The account is disabled."
    if reminder.kind in REMINDER_KINDS - {Kind.CLOSING_DAY} or reminder.kind == Kind.ESCALATION_OVERDUE:
        if c.internal_deadline != reminder.deadline:
            return "The internal deadline has changed."
    if reminder.kind in (Kind.CLOSING_DAY, Kind.ESCALATION_CLOSING):
        if to_uk(c.closes_at).date() != reminder.deadline:
            return "The closing date has changed."
    if reminder.kind in (Kind.OVERDUE, Kind.ESCALATION_OVERDUE) and c.status not in NOT_YET_IN_REVIEW:
        return "The work is now in review."
    if reminder.kind == Kind.ESCALATION_CLOSING and c.status not in NOT_APPROVED:
        return "The response has been approved."
    return ""


def _item(reminder: Reminder) -> dict:
    c: Consultation | None = reminder.consultation
    return {
        "reminder": reminder,
        "kind_label": KIND_LABELS.get(reminder.kind, reminder.kind),
        "subject": reminder.subject,
        "body": reminder.body,
        "consultation": c,
        "link": consultation_link(c.id) if c else external_url("dashboard.index"),
        "closes_uk": to_uk(c.closes_at).strftime("%A %-d %B %Y at %H:%M") + " (UK time)" if c else "",
        "internal_deadline": c.internal_deadline.strftime("%A %-d %B %Y") if c and c.internal_deadline else "",
    }


def render_reminder(reminder: Reminder) -> tuple[str, str, str]:
    ctx = {"item": _item(reminder), "user": reminder.recipient, "network": current_app.config["NETWORK_NAME"],
           "preferences_link": external_url("reminders.preferences")}
    return (
        reminder.subject,
        render_template("reminders/email/reminder.txt", **ctx),
        render_template("reminders/email/reminder.html", **ctx),
    )


def render_digest(user: object, reminders: list[Reminder], day: str) -> tuple[str, str, str]:
    ctx = {"items": [_item(r) for r in reminders], "user": user, "day": day,
           "network": current_app.config["NETWORK_NAME"],
           "preferences_link": external_url("reminders.preferences")}
    subject = f"Your {current_app.config['NETWORK_NAME']} tracker digest: {len(reminders)} item" + (
        "s" if len(reminders) != 1 else "")
    return (
        subject,
        render_template("reminders/email/digest.txt", **ctx),
        render_template("reminders/email/digest.html", **ctx),
    )


def deliver(reminder_id: int, now: datetime | None = None) -> Outcome:
    """Send one immediate reminder. Safe to call twice, concurrently or after it was sent."""
    now = now or utcnow()
    claimed = db.session.execute(
        update(Reminder)
        .where(
            Reminder.id == reminder_id,
            Reminder.state == State.PENDING.value,
            Reminder.delivery == Delivery.IMMEDIATE.value,
        )
        .values(state=State.SENDING.value, claimed_at=now, attempts=Reminder.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if not claimed:
        return Outcome("not-claimed")
    reminder = db.session.scalar(
        select(Reminder)
        .options(joinedload(Reminder.consultation), joinedload(Reminder.recipient))
        .where(Reminder.id == reminder_id)
        .execution_options(populate_existing=True)
    )
    assert reminder is not None
    reason = _still_relevant(reminder)
    if reason:
        reminder.state = State.SKIPPED.value
        reminder.last_error = reason
        db.session.commit()
        return Outcome("skipped", reason=reason)
    subject, text, html = render_reminder(reminder)
    try:
        mail.send(mail.build_message(to=reminder.recipient.email, subject=subject, text=text, html=html))
    except mail.MailError as exc:
        return _failed(reminder, exc, now)
    reminder.state = State.SENT.value
    reminder.sent_at = utcnow()
    reminder.last_error = ""
    db.session.commit()
    return Outcome("sent")


def _failed(row: Reminder | DigestRun, exc: mail.MailError, now: datetime) -> Outcome:
    reason = str(exc)[:2000]
    if exc.transient and row.attempts < max_attempts():
        delay = retry_delay(row.attempts)
        row.state = State.PENDING.value
        row.last_error = f"Attempt {row.attempts} failed, retrying: {reason}"
        if isinstance(row, Reminder):
            row.next_attempt_at = now + timedelta(seconds=delay)
        db.session.commit()
        return Outcome("retry", delay=delay, reason=reason)
    row.state = State.FAILED.value
    why = f"Gave up after {row.attempts} attempts: {reason}" if exc.transient else f"Permanent failure: {reason}"
    row.last_error = why
    db.session.commit()
    return Outcome("failed", reason=why)


def deliver_digest(run_id: int, now: datetime | None = None) -> Outcome:
    """Send one user's daily digest: every pending digest item in one email."""
    now = now or utcnow()
    claimed = db.session.execute(
        update(DigestRun)
        .where(DigestRun.id == run_id, DigestRun.state == State.PENDING.value)
        .values(state=State.SENDING.value, attempts=DigestRun.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if not claimed:
        return Outcome("not-claimed")
    run = db.session.get(DigestRun, run_id, populate_existing=True)
    assert run is not None
    # Attach this user's waiting items to the run (items of a failed earlier attempt stay attached).
    db.session.execute(
        update(Reminder)
        .where(
            Reminder.recipient_id == run.user_id,
            Reminder.delivery == Delivery.DIGEST.value,
            Reminder.state == State.PENDING.value,
            or_(Reminder.digest_run_id.is_(None), Reminder.digest_run_id == run.id),
        )
        .values(state=State.SENDING.value, digest_run_id=run.id, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    items = list(
        db.session.scalars(
            select(Reminder)
            .options(joinedload(Reminder.consultation), joinedload(Reminder.recipient))
            .where(Reminder.digest_run_id == run.id, Reminder.state == State.SENDING.value)
            .order_by(Reminder.created_at, Reminder.id)
            .execution_options(populate_existing=True)
        ).unique()
    )
    keep: list[Reminder] = []
    for item in items:
        reason = _still_relevant(item)
        if reason:
            item.state = State.SKIPPED.value
            item.last_error = reason
        else:
            keep.append(item)
    if not keep:
        run.state = State.SKIPPED.value
        db.session.commit()
        return Outcome("skipped", reason="Nothing left to send.")
    user = keep[0].recipient
    subject, text, html = render_digest(user, keep, f"{to_uk(now):%A %-d %B %Y}")
    try:
        mail.send(mail.build_message(to=user.email, subject=subject, text=text, html=html))
    except mail.MailError as exc:
        outcome = _failed(run, exc, now)
        new_state = State.PENDING.value if outcome.status == "retry" else State.FAILED.value
        for item in keep:
            item.state = new_state
            item.last_error = run.last_error
        db.session.commit()
        return outcome
    sent_at = utcnow()
    run.state = State.SENT.value
    run.sent_at = sent_at
    for item in keep:
        item.state = State.SENT.value
        item.sent_at = sent_at
        item.last_error = ""
    db.session.commit()
    return Outcome("sent")
