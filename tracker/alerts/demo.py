"""Demo data for alerts: Hull's transport lead keeps a saved search told in the digest and follows
the first bus consultation. Idempotent; flushes only."""

from __future__ import annotations

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Consultation, User
from tracker.models.alerts import AlertDelivery, Follow, FollowTarget, SavedSearch

DEMO_USER = "lead.hull@keycities.test"


def seed_demo() -> None:
    user = db.session.scalar(select(User).where(User.email == DEMO_USER))
    if user is None:
        return
    if db.session.scalar(select(SavedSearch.id).where(SavedSearch.user_id == user.id)) is None:
        db.session.add(SavedSearch(user_id=user.id, name="Buses", args={"q": "bus", "status": "open"},
                                   delivery=AlertDelivery.DIGEST.value))
    consultation = db.session.scalar(select(Consultation).where(Consultation.title.icontains("bus"))
                                     .order_by(Consultation.id).limit(1))
    key = f"{FollowTarget.CONSULTATION.value}:{consultation.id}" if consultation else ""
    if consultation is not None and db.session.scalar(
            select(Follow.id).where(Follow.user_id == user.id, Follow.target_key == key)) is None:
        db.session.add(Follow(user_id=user.id, target=FollowTarget.CONSULTATION.value, target_key=key,
                              consultation_id=consultation.id))
    db.session.flush()
