"""The daily digest: once a person's digest time has passed, one email a UK day of what waits
for them (delivery.py sends it)."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import select

from tracker.extensions import db, dialect_insert, table_of
from tracker.messaging.outbox import DIGEST, queue_after_commit
from tracker.messaging.preferences import Effective, all_preferences
from tracker.models.messages import Delivery, DigestRun, Message, State
from tracker.timeutil import to_uk


def start_digests(now: datetime, today: date,
                  preferences: tuple[Effective, dict[int, Effective]] | None = None) -> list[int]:
    """One digest per person per UK day, once their digest time has passed; the ids started now,
    queued after the caller's commit. ``preferences``: (the defaults, each person's own), if the
    caller read them already."""
    waiting = list(
        db.session.scalars(
            select(Message.recipient_id)
            .where(Message.state == State.PENDING.value, Message.delivery == Delivery.DIGEST.value)
            .distinct()
        )
    )
    if not waiting:
        return []
    defaults, own = preferences or all_preferences()
    clock: time = to_uk(now).time()
    ready = [uid for uid in waiting if own.get(uid, defaults).digest_time <= clock]
    if not ready:
        return []
    stmt = (
        dialect_insert(DigestRun)
        .on_conflict_do_nothing(index_elements=["user_id", "day"])
        .returning(table_of(DigestRun).c.id)
    )
    rows = db.session.execute(
        stmt,
        [
            {"user_id": uid, "day": today, "state": State.PENDING.value, "attempts": 0, "last_error": "",
             "created_at": now, "queued_at": now}
            for uid in ready
        ],
    ).all()
    started = [r.id for r in rows]
    queue_after_commit(db.session(), started, DIGEST)
    return started
