"""notify(): the one way any feature tells users something.

It adds an in-app notification per user and, per the user's preference, an
email row (immediate or for the daily digest). Immediate emails are queued only
after the caller commits (see outbox.py). Flushes, never commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from tracker.extensions import db
from tracker.models import Consultation, User
from tracker.models.reminders import Delivery, Kind, Notification, Reminder, State
from tracker.reminders.outbox import queue_after_commit
from tracker.reminders.preferences import preferences_for


def notify(
    users: Iterable[User],
    *,
    kind: str,
    subject: str,
    body: str,
    consultation: Consultation | None = None,
) -> list[Notification]:
    """Tell each (enabled, distinct) user; returns the in-app notifications created."""
    recipients: dict[int, User] = {}
    for user in users:
        if user is not None and user.is_enabled:
            recipients.setdefault(user.id, user)
    if not recipients:
        return []
    prefs = preferences_for(list(recipients))
    notifications: list[Notification] = []
    immediate: list[Reminder] = []
    for user_id, user in recipients.items():
        delivery = prefs[user_id].delivery
        reminder = Reminder(
            consultation=consultation,
            recipient=user,
            kind=kind or Kind.MESSAGE.value,
            deadline=None,
            subject=subject[:300],
            body=body,
            delivery=delivery,
            state=State.SKIPPED.value if delivery == Delivery.NONE else State.PENDING.value,
        )
        db.session.add(reminder)
        notification = Notification(
            user=user,
            consultation=consultation,
            reminder=reminder,
            kind=kind or Kind.MESSAGE.value,
            subject=subject[:300],
            body=body,
        )
        db.session.add(notification)
        notifications.append(notification)
        if delivery == Delivery.IMMEDIATE:
            immediate.append(reminder)
    db.session.flush()
    queue_after_commit(db.session(), [r.id for r in immediate])
    return notifications
