"""The in-app notifications a person reads: marking them read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from tracker.extensions import db, rowcount
from tracker.models import User
from tracker.models.messages import Notification
from tracker.timeutil import utcnow


def mark_all_read(user: User, now: datetime | None = None) -> int:
    res = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return rowcount(res)
