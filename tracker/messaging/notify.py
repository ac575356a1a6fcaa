"""notify(): the one way any feature tells users something.

It adds an in-app notification per user and, per the user's preference for that
kind, an email row (immediate or for the daily digest). Immediate emails are
queued only after the caller commits (see outbox.py). Flushes, never commits.

A ``key`` names one event (a workflow change: the consultation and the version it
produced): the email row is unique on (key, recipient), and users the event has
already reached are skipped, so one event never tells one person twice.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from tracker.extensions import db
from tracker.messaging.outbox import queue_after_commit
from tracker.messaging.preferences import preferences_for
from tracker.models import Consultation, User
from tracker.models.messages import Delivery, Kind, Message, Notification, State


def notify(
    users: Iterable[User],
    *,
    kind: str,
    subject: str,
    body: str,
    consultation: Consultation | None = None,
    key: str | None = None,
    delivery: str | None = None,
) -> list[Notification]:
    """Tell each (enabled, distinct) user; returns the in-app notifications created.

    ``delivery`` (the caller's own choice, such as a saved search's "in the daily digest") replaces
    a person's preference for the kind, except that one who wants no emails of it gets none."""
    recipients: dict[int, User] = {}
    for user in users:
        if user is not None and user.is_enabled:
            recipients.setdefault(user.id, user)
    if key is not None and recipients:
        told = db.session.scalars(
            select(Message.recipient_id).where(Message.event_key == key, Message.recipient_id.in_(list(recipients)))
        )
        for user_id in told:
            recipients.pop(user_id, None)
    if not recipients:
        return []
    kind = kind or Kind.MESSAGE.value
    prefs = preferences_for(list(recipients))
    notifications: list[Notification] = []
    immediate: list[Message] = []
    for user_id, user in recipients.items():
        chosen = prefs[user_id].delivery_for(kind)
        way = delivery if delivery is not None and chosen != Delivery.NONE else chosen
        # What the email and the in-app notification share.
        said = {"consultation": consultation, "kind": kind, "subject": subject[:300], "body": body}
        email = Message(
            recipient=user, deadline=None, delivery=way, event_key=key,
            state=State.SKIPPED.value if way == Delivery.NONE else State.PENDING.value, **said,
        )
        db.session.add(email)
        notification = Notification(user=user, message=email, **said)
        db.session.add(notification)
        notifications.append(notification)
        if way == Delivery.IMMEDIATE:
            immediate.append(email)
    db.session.flush()
    queue_after_commit(db.session(), [r.id for r in immediate])
    return notifications


def email_only(user: User, *, kind: str, subject: str, body: str, key: str) -> Message:
    """One email of a feature's own kind to one person, with no in-app copy and whatever their
    preferences, even before their account is enabled (an invitation is how it becomes so). The
    feature registers its kind (kinds.py) to write the email when it goes, and to say whether it is
    still worth sending. ``key`` names the event: told once per key. Flushes; queued after commit."""
    existing = db.session.scalar(select(Message).where(Message.event_key == key, Message.recipient_id == user.id))
    if existing is not None:
        return existing
    email = Message(recipient=user, deadline=None, delivery=Delivery.IMMEDIATE.value, event_key=key,
                    state=State.PENDING.value, kind=kind, subject=subject[:300], body=body)
    db.session.add(email)
    db.session.flush()
    queue_after_commit(db.session(), [email.id])
    return email
