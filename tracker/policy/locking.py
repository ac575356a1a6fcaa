"""Optimistic concurrency for the policy feature's shared rows (asks, engagements, the annual
report's introduction), as tracker/locking.py does for a consultation.

A form carries the ``version`` its page showed; the verb moves the row on with a compare-and-set
UPDATE (``version = version + 1 WHERE version = <seen>``) before it writes. When someone else
saved in between, no row matches and the verb raises ``Stale`` with what they changed (read from
the activity log, whose entries for these rows carry the version they produced in ``after``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tracker.errors import Change, Stale
from tracker.extensions import db
from tracker.locking import latest_changes, move_version, who_changed
from tracker.models import ActivityLog


def claim(row: Any, seen_version: int, *, subject_type: str, what: str) -> int:
    """Move ``row`` to its next version, or raise Stale if it is no longer at ``seen_version``."""
    if not move_version(row, seen_version):
        raise stale(row, seen_version, subject_type=subject_type, what=what)
    return seen_version + 1


def changes_since(subject_type: str, subject_id: int, version: int) -> list[Change]:
    return [change for entry, change in latest_changes(ActivityLog.subject_type == subject_type,
                                                       ActivityLog.subject_id == subject_id)
            if int((entry.after or {}).get("version") or 0) > version]


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
