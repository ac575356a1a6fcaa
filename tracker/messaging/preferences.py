"""Each user's effective reminder preferences: their own choices over the network's defaults."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import time

from sqlalchemy import select

from tracker.errors import DomainError
from tracker.extensions import db
from tracker.models import User
from tracker.models.messages import (
    DEFAULT_POINTS,
    EVENT_LABELS,
    Delivery,
    Kind,
    ReminderPreference,
    ReminderSettings,
)


@dataclass(frozen=True)
class Effective:
    delivery: str
    digest_time: time
    points: frozenset[str]
    own: bool  # the user has chosen something themselves
    # How each kind of workflow event reaches them; a kind not here follows ``delivery``.
    events: Mapping[str, str] = field(default_factory=dict)
    # The Monday briefing: None follows their role's default (reminders/briefing.py).
    briefing: bool | None = None

    def delivery_for(self, kind: str) -> str:
        return self.events.get(kind, self.delivery)


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


def default_preferences() -> Effective:
    """The network's defaults (one query)."""
    return _defaults()


def preferences_for(user_ids: Iterable[int]) -> dict[int, Effective]:
    """Two queries whatever the number of users."""
    ids = list(set(user_ids))
    defaults = _defaults()
    result = {uid: defaults for uid in ids}
    if not ids:
        return result
    rows = db.session.scalars(select(ReminderPreference).where(ReminderPreference.user_id.in_(ids))).all()
    for row in rows:
        result[row.user_id] = _own(row, defaults)
    return result


def all_preferences() -> tuple[Effective, dict[int, Effective]]:
    """The defaults and every user's own choices (for the sweep: two queries)."""
    defaults = _defaults()
    result: dict[int, Effective] = {}
    for row in db.session.scalars(select(ReminderPreference)).all():
        result[row.user_id] = _own(row, defaults)
    return defaults, result


def _own(row: ReminderPreference, defaults: Effective) -> Effective:
    """A user's choices, the network's defaults filling what they left unset."""
    return Effective(
        delivery=row.delivery or defaults.delivery,
        digest_time=row.digest_time or defaults.digest_time,
        points=frozenset(row.points) if row.points is not None else defaults.points,
        own=True,
        events=dict(row.events or {}),
        briefing=row.briefing,
    )


def save_preferences(
    actor: User | None, user_id: int, *, delivery: str, digest_time: time, points: list[str],
    events: Mapping[str, str] | None = None, briefing: bool | None = None,
) -> ReminderPreference:
    """A user's own choices. Only that user may change them (checked here, not only in the view).

    ``events``: {workflow event kind: delivery}; None keeps what the user chose before.
    ``briefing``: whether they want the Monday briefing; None keeps what they chose before (whether
    the person may choose it is the reminders' rule: reminders.services.save_preferences).
    """
    from tracker import activity
    from tracker.errors import PermissionDenied
    from tracker.models.messages import USER_POINTS

    if actor is None or actor.id != user_id:
        raise PermissionDenied("You can only change your own reminder preferences.")
    _check(delivery, points, USER_POINTS)
    if events is not None:
        _check_events(events)
    row = db.session.scalar(select(ReminderPreference).where(ReminderPreference.user_id == user_id))
    if row is None:
        row = ReminderPreference(user_id=user_id)
        db.session.add(row)
    before = {"delivery": row.delivery, "digest_time": str(row.digest_time) if row.digest_time else None,
              "points": row.points, "events": row.events, "briefing": row.briefing}
    row.delivery, row.digest_time, row.points = delivery, digest_time, sorted(points)
    if events is not None:
        row.events = dict(sorted(events.items()))
    if briefing is not None:
        row.briefing = briefing
    db.session.flush()
    activity.record("reminder_preferences", actor=actor, message="Changed reminder preferences",
                    subject_type="user", subject_id=user_id, before=before,
                    after={"delivery": delivery, "digest_time": str(digest_time), "points": sorted(points),
                           "events": row.events, "briefing": row.briefing})
    return row


def save_network_settings(actor: User | None, *, delivery: str, digest_time: time, points: list[str]) -> ReminderSettings:
    from tracker import activity
    from tracker.errors import PermissionDenied
    from tracker.models.messages import USER_POINTS

    if actor is None or not actor.is_coordinator:
        raise PermissionDenied("Only coordinators can set the network's reminder defaults.")
    _check(delivery, points, USER_POINTS)
    row = network_settings()
    before = {"delivery": row.delivery, "digest_time": str(row.digest_time), "points": row.points}
    row.delivery, row.digest_time, row.points = delivery, digest_time, sorted(points)
    row.updated_by_id = actor.id
    db.session.flush()
    activity.record("reminder_settings", actor=actor, message="Changed the network's reminder defaults",
                    subject_type="reminder_settings", subject_id=row.id, before=before,
                    after={"delivery": delivery, "digest_time": str(digest_time), "points": sorted(points)})
    return row


def _check(delivery: str, points: list[str], allowed: list[Kind]) -> None:
    if delivery not in {d.value for d in Delivery}:
        raise DomainError("Choose how reminders are sent.", field="delivery")
    unknown = set(points) - {k.value for k in allowed}
    if unknown:
        raise DomainError(f"Unknown reminder points: {', '.join(sorted(unknown))}.", field="points")


def _check_events(events: Mapping[str, str]) -> None:
    unknown = set(events) - set(EVENT_LABELS)
    if unknown:
        raise DomainError(f"Unknown kinds of notification: {', '.join(sorted(unknown))}.")
    if set(events.values()) - {d.value for d in Delivery}:
        raise DomainError("Choose how each kind of notification reaches you.")
