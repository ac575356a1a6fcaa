"""The activity log: one call per change, from the service that made it."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from tracker.extensions import db
from tracker.locking import claimed_version
from tracker.models import ActivityLog, Consultation, User


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def snapshot(obj: Any, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record_edit(action: str, *, actor: User | None, obj: Any, fields: tuple[str, ...],
                before: dict[str, Any], subject_type: str, message: str) -> None:
    """Log an edit of an admin record (a city, an account) with only the fields that changed;
    nothing when the save changed nothing."""
    db.session.flush()
    old, new = changes(before, snapshot(obj, fields))
    if new:
        record(action, actor=actor, subject_type=subject_type, subject_id=obj.id, message=message,
               before=old, after=new)


def record(
    action: str,
    *,
    actor: User | None,
    consultation: Consultation | None = None,
    message: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    subject_type: str = "consultation",
    subject_id: int | None = None,
) -> ActivityLog:
    entry = ActivityLog(
        action=action,
        actor=actor,
        consultation=consultation,
        message=message,
        before=before,
        after=after,
        subject_type=subject_type,
        subject_id=subject_id if subject_id is not None else (consultation.id if consultation else None),
        # Set only when this transaction moved the consultation's version (a change of state).
        consultation_version=claimed_version(consultation) if consultation is not None else None,
    )
    db.session.add(entry)
    return entry
