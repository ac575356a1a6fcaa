"""Demo data for reminders: the network defaults, and one lead who prefers a daily digest.

The reminders themselves come from the demo consultations' deadlines: the first
sweep at `make run` sends them (as .eml files under instance/mail/). Idempotent;
flushes only.
"""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from tracker.extensions import db
from tracker.messaging.preferences import network_settings
from tracker.models import User
from tracker.models.messages import Delivery, ReminderPreference

DIGEST_USER = "lead.salford@keycities.test"


def seed_demo() -> None:
    network_settings()
    user = db.session.scalar(select(User).where(User.email == DIGEST_USER))
    if user is None:
        return
    exists = db.session.scalar(select(ReminderPreference).where(ReminderPreference.user_id == user.id))
    if exists is None:
        db.session.add(ReminderPreference(user_id=user.id, delivery=Delivery.DIGEST.value, digest_time=time(8, 0)))
    db.session.flush()
