"""Optimistic concurrency for the policy feature's shared rows (asks, engagements, the annual
report's introduction), as tracker/locking.py does for a consultation.

A form carries the ``version`` its page showed; the verb moves the row on with a compare-and-set
UPDATE (``version = version + 1 WHERE version = <seen>``) before it writes. When someone else
saved in between, no row matches and the verb raises ``Stale`` with what they changed (read from
the activity log, whose entries for these rows carry the version they produced in ``after``).
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from tracker.errors import Change, Stale
from tracker.extensions import db, table_of
from tracker.locking import MAX_CHANGES, who_changed
from tracker.models import ActivityLog, User
from tracker.timeutil import utcnow


def claim(row: Any, seen_version: int, *, subject_type: str, what: str) -> int:
    """Move ``row`` to its next version, or raise Stale if it is no longer at ``seen_version``."""
    table = table_of(type(row))
    now = utcnow()
    result = cast(CursorResult[Any], db.session.execute(
        update(table).where(table.c.id == row.id, table.c.version == seen_version)
        .values(version=seen_version + 1, updated_at=now)
    ))
    if result.rowcount != 1:
        raise stale(row, seen_version, subject_type=subject_type, what=what)
    set_committed_value(row, "version", seen_version + 1)
    set_committed_value(row, "updated_at", now)
    return seen_version + 1


def changes_since(subject_type: str, subject_id: int, version: int) -> list[Change]:
    entries = db.session.scalars(
        select(ActivityLog)
        .options(selectinload(ActivityLog.actor).selectinload(User.city))
        .where(ActivityLog.subject_type == subject_type, ActivityLog.subject_id == subject_id)
        .order_by(ActivityLog.id.desc())
        .limit(MAX_CHANGES)
    ).all()
    return [
        Change(who=e.actor.display_name if e.actor else "The tracker", when=e.created_at, what=e.message or e.action)
        for e in reversed(entries)
        if int((e.after or {}).get("version") or 0) > version
    ]


def stale(row: Any, since: int, *, subject_type: str, what: str) -> Stale:
    model = type(row)
    db.session.expire(row, ["version"])
    current = db.session.scalar(select(model.version).where(model.id == row.id))
    changes = changes_since(subject_type, row.id, since)
    return Stale(
        f"{who_changed(changes)} changed {what} after you opened the page, so your change was not saved. "
        "What changed is listed below. Your entries are kept: check them against the latest version "
        "and save again if they are still right.",
        changes=changes,
        version=current,
    )
