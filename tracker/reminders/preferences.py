"""Each user's effective reminder preferences: their own choices over the network's defaults."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time

from sqlalchemy import select

from tracker.extensions import db
from tracker.models.reminders import DEFAULT_POINTS, Delivery, ReminderPreference, ReminderSettings


@dataclass(frozen=True)
class Effective:
    delivery: str
    digest_time: time
    points: frozenset[str]
    own: bool  # the user has chosen something themselves


def network_settings() -> ReminderSettings:
    """The one settings row, created with the defaults the first time (flushes)."""
    row = db.session.scalar(select(ReminderSettings).order_by(ReminderSettings.id).limit(1))
    if row is None:
        row = ReminderSettings(delivery=Delivery.IMMEDIATE.value, digest_time=time(8, 0), points=list(DEFAULT_POINTS))
        db.session.add(row)
        db.session.flush()
    return row


def _defaults() -> Effective:
    row = db.session.scalar(select(ReminderSettings).order_by(ReminderSettings.id).limit(1))
    if row is None:
        return Effective(Delivery.IMMEDIATE.value, time(8, 0), frozenset(DEFAULT_POINTS), False)
    return Effective(row.delivery, row.digest_time, frozenset(row.points or []), False)


def preferences_for(user_ids: Iterable[int]) -> dict[int, Effective]:
    """Two queries whatever the number of users."""
    ids = list(set(user_ids))
    defaults = _defaults()
    result = {uid: defaults for uid in ids}
    if not ids:
        return result
    rows = db.session.scalars(select(ReminderPreference).where(ReminderPreference.user_id.in_(ids))).all()
    for row in rows:
        result[row.user_id] = Effective(
            delivery=row.delivery or defaults.delivery,
            digest_time=row.digest_time or defaults.digest_time,
            points=frozenset(row.points) if row.points is not None else defaults.points,
            own=True,
        )
    return result


def all_preferences() -> tuple[Effective, dict[int, Effective]]:
    """The defaults and every user's own choices (for the sweep: two queries)."""
    defaults = _defaults()
    result: dict[int, Effective] = {}
    for row in db.session.scalars(select(ReminderPreference)).all():
        result[row.user_id] = Effective(
            delivery=row.delivery or defaults.delivery,
            digest_time=row.digest_time or defaults.digest_time,
            points=frozenset(row.points) if row.points is not None else defaults.points,
            own=True,
        )
    return defaults, result
