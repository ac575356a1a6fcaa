"""Reminders that the sweep plans by event key (a follow-up's, an evidence request's): each goes
to each person once per key, with its in-app copy, by their preference for its kind.

The unique index on (event_key, recipient) settles a race with another sweep: only the rows this
sweep inserted come back, so only it writes their notifications and queues their sends.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from tracker.extensions import db, dialect_insert, table_of
from tracker.messaging.outbox import queue_after_commit
from tracker.messaging.preferences import preferences_for
from tracker.models.messages import Delivery, Message, Notification, State
from tracker.timeutil import add_working_days

# The sweep's catch-up after downtime reaches this far back; older ones were reminded of then.
OVERDUE_LOOKBACK = timedelta(days=30)


@dataclass(frozen=True)
class DueDates:
    """Reminders of things due on a day: one kind when the day is within ``soon`` working days,
    another once it has passed; each keyed ``prefix:id:kind:day``, so a moved day is a new event."""

    prefix: str
    due: str
    overdue: str
    soon: int

    def key(self, ident: int, kind: str, day: date) -> str:
        return f"{self.prefix}:{ident}:{kind}:{day.isoformat()}"

    def parse(self, key: str | None) -> tuple[int, date] | None:
        """The id and the day a key of ours names, or None."""
        parts = (key or "").split(":")
        if len(parts) != 4 or parts[0] != self.prefix or not parts[1].isdigit():
            return None
        try:
            return int(parts[1]), date.fromisoformat(parts[3])
        except ValueError:
            return None

    def point(self, day: date, today: date) -> str | None:
        """Which reminder a thing due on ``day`` has earned by ``today``, if any."""
        if day < today:
            return self.overdue
        return self.due if day <= self.horizon(today) else None

    def horizon(self, today: date) -> date:
        """The last due day the sweep looks at today."""
        return add_working_days(today, self.soon)


@dataclass(frozen=True)
class Due:
    """One reminder for one person."""

    key: str
    recipient_id: int
    kind: str
    subject: str
    body: str
    consultation_id: int | None = None


def insert_once(due: Iterable[Due], now: datetime) -> tuple[int, list[int]]:
    """Insert the reminders nobody has had yet; returns (how many went in, the ids to email at
    once, queued after the caller's commit). Flushes, never commits."""
    wanted = list(due)
    keys = {d.key for d in wanted}
    told = set(db.session.execute(
        select(Message.event_key, Message.recipient_id).where(Message.event_key.in_(keys))).tuples()) if keys else set()
    wanted = [d for d in wanted if (d.key, d.recipient_id) not in told]
    if not wanted:
        return 0, []
    prefs = preferences_for(d.recipient_id for d in wanted)
    values = []
    for d in wanted:
        delivery = prefs[d.recipient_id].delivery_for(d.kind)
        values.append({
            "consultation_id": d.consultation_id, "recipient_id": d.recipient_id, "kind": d.kind, "deadline": None,
            "subject": d.subject, "body": d.body, "delivery": delivery,
            "state": State.SKIPPED.value if delivery == Delivery.NONE else State.PENDING.value,
            "attempts": 0, "last_error": "", "created_at": now, "queued_at": now, "event_key": d.key,
        })
    message = table_of(Message)
    inserted = db.session.execute(
        dialect_insert(Message).on_conflict_do_nothing(index_elements=["event_key", "recipient_id"])
        .returning(message.c.id, message.c.recipient_id, message.c.kind, message.c.subject, message.c.body,
                   message.c.delivery, message.c.consultation_id),
        values,
    ).all()
    if not inserted:
        return 0, []
    db.session.execute(table_of(Notification).insert(), [
        {"user_id": r.recipient_id, "consultation_id": r.consultation_id, "message_id": r.id, "kind": r.kind,
         "subject": r.subject, "body": r.body, "created_at": now}
        for r in inserted
    ])
    queued = [r.id for r in inserted if r.delivery == Delivery.IMMEDIATE.value]
    queue_after_commit(db.session(), queued)
    return len(inserted), queued
