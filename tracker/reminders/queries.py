"""Reads of the reminders feature: dashboard panels and the sends that need a person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, load_only

from tracker.extensions import db
from tracker.models import Consultation, User
from tracker.models.reminders import Delivery, DigestRun, Notification, Reminder, State
from tracker.reminders.services import CLOSING_SOON, NOT_APPROVED
from tracker.timeutil import utcnow

# Sends a coordinator should look at: failed, or perhaps not delivered.
NEEDS_ATTENTION = (State.UNCERTAIN.value, State.FAILED.value)

# The dashboard panel shows these four: whole rows cost more to load than the query.
_PANEL_COLUMNS = load_only(Consultation.id, Consultation.title, Consultation.status, Consultation.closes_at)


def closing_soon_without_approval(now: datetime | None = None, limit: int = 20) -> list[Consultation]:
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Consultation)
            .options(_PANEL_COLUMNS)
            .where(
                Consultation.status.in_([s.value for s in NOT_APPROVED]),
                Consultation.closes_at > now,
                Consultation.closes_at <= now + CLOSING_SOON,
            )
            .order_by(Consultation.closes_at)
            .limit(limit)
        )
    )


def recent_notifications(user: User, limit: int = 5) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Notification).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    ) or 0


@dataclass(frozen=True)
class AttentionCounts:
    uncertain: int
    failed: int
    digests: int

    @property
    def total(self) -> int:
        return self.uncertain + self.failed + self.digests


def attention_counts() -> AttentionCounts:
    """One query: immediate emails by state, and digests needing attention."""
    reminders = dict(
        db.session.execute(
            select(Reminder.state, func.count())
            .where(Reminder.state.in_(NEEDS_ATTENTION), Reminder.delivery == Delivery.IMMEDIATE.value)
            .group_by(Reminder.state)
        ).tuples().all()
    )
    digests = db.session.scalar(
        select(func.count()).select_from(DigestRun).where(DigestRun.state.in_(NEEDS_ATTENTION))
    ) or 0
    return AttentionCounts(reminders.get(State.UNCERTAIN.value, 0), reminders.get(State.FAILED.value, 0), digests)


def attention_reminders(state: str | None = None) -> Select[tuple[Reminder]]:
    """Immediate emails that failed or may not have been delivered, uncertain first, newest first."""
    states = [state] if state in NEEDS_ATTENTION else list(NEEDS_ATTENTION)
    return (
        select(Reminder)
        .options(joinedload(Reminder.consultation).load_only(Consultation.id, Consultation.title),
                 joinedload(Reminder.recipient))
        .where(Reminder.state.in_(states), Reminder.delivery == Delivery.IMMEDIATE.value)
        .order_by((Reminder.state == State.UNCERTAIN.value).desc(), Reminder.claimed_at.desc(), Reminder.id.desc())
    )


def attention_digests() -> Select[tuple[DigestRun]]:
    return (
        select(DigestRun)
        .options(joinedload(DigestRun.user))
        .where(DigestRun.state.in_(NEEDS_ATTENTION))
        .order_by((DigestRun.state == State.UNCERTAIN.value).desc(), DigestRun.day.desc(), DigestRun.id.desc())
    )


def digest_item_counts(run_ids: list[int]) -> dict[int, int]:
    if not run_ids:
        return {}
    return dict(
        db.session.execute(
            select(Reminder.digest_run_id, func.count()).where(Reminder.digest_run_id.in_(run_ids))
            .group_by(Reminder.digest_run_id)
        ).tuples().all()
    )
