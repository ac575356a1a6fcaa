"""One import per source at a time, across processes and machines.

The lock is a row of ``import_lock``, taken and freed in short transactions of their
own (committed at once, whatever the import's own transaction does), on SQLite and
PostgreSQL alike. A run that dies without freeing it holds it until ``expires_at``
(GOVUK_IMPORT_LOCK_SECONDS). A second run finds it taken and is skipped, not queued:
the next scheduled run will catch up, since the import is idempotent.

Each source has its own lock (its own row): a GOV.UK import and a committees import touch
different items and may run together; two runs of one source may not.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from tracker.extensions import db, rowcount
from tracker.models.intake import ImportLock
from tracker.timeutil import to_uk, utcnow

NAME = "govuk-import"
COMMITTEES = "committees-import"


@dataclass(frozen=True)
class Held:
    """Who holds the lock, for the "skipped" message."""

    holder: str
    since: datetime

    def describe(self) -> str:
        return f"another import has been running since {to_uk(self.since):%-d %b %Y %H:%M} UK time ({self.holder})"


@dataclass
class Lock:
    acquired: bool
    held_by: Held | None = None


def _holder(trigger: str) -> str:
    return f"{trigger} on {socket.gethostname()}, process {os.getpid()}, run {uuid.uuid4().hex[:8]}"[:200]


def acquire(trigger: str, now: datetime | None = None, *, name: str = NAME) -> tuple[str | None, Held | None]:
    """(our holder id, None) if we have the lock ``name``, else (None, who holds it)."""
    now = now or utcnow()
    me = _holder(trigger)
    expires = now + timedelta(seconds=float(current_app.config["GOVUK_IMPORT_LOCK_SECONDS"]))
    try:
        with db.engine.begin() as conn:
            row = conn.execute(select(ImportLock.holder, ImportLock.acquired_at, ImportLock.expires_at)
                               .where(ImportLock.name == name)).first()
            if row is None:
                conn.execute(insert(ImportLock).values(name=name, holder=me, acquired_at=now, expires_at=expires))
                return me, None
            if row.expires_at > now:
                return None, Held(row.holder, row.acquired_at)
            # Expired: take it over, unless another run did so first (compare and set).
            taken = rowcount(conn.execute(
                update(ImportLock)
                .where(ImportLock.name == name, ImportLock.holder == row.holder)
                .values(holder=me, acquired_at=now, expires_at=expires)
            ))
            if taken:
                return me, None
    except (IntegrityError, OperationalError):
        pass  # another run inserted it at the same moment (or holds SQLite's write lock): it won
    with db.engine.connect() as conn:
        winner = conn.execute(select(ImportLock.holder, ImportLock.acquired_at).where(ImportLock.name == name)).first()
    return None, Held(winner.holder, winner.acquired_at) if winner else Held("another run", now)


def release(me: str, *, name: str = NAME) -> None:
    with db.engine.begin() as conn:
        conn.execute(delete(ImportLock).where(ImportLock.name == name, ImportLock.holder == me))


@contextmanager
def one_import_at_a_time(trigger: str, *, name: str = NAME) -> Iterator[Lock]:
    me, held = acquire(trigger, name=name)
    try:
        yield Lock(acquired=me is not None, held_by=held)
    finally:
        if me is not None:
            release(me, name=name)
