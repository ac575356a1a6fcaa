"""Models of alerts: a person's saved searches of the consultation list and what they follow.

A ``SavedSearch`` keeps the list's filters as its query-string arguments (read again with the
list's own parser when it is used) and how its owner wants to hear of new matches. A ``Follow`` is
one person following one consultation, ask or select committee; ``target_key`` names the target
("consultation:12", "ask:3", "committee:Treasury Committee") and is unique with the person.
Other models are named as strings: no model module imports another.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.models.types import UTCDateTime
from tracker.timeutil import utcnow

if TYPE_CHECKING:
    from tracker.models.consultation import Consultation
    from tracker.models.policy import PolicyAsk
    from tracker.models.user import User


class AlertDelivery(enum.StrEnum):
    """How a saved search's new matches reach its owner."""

    AT_ONCE = "at_once"  # in the app and by email as they are found (the person's preferences apply)
    DIGEST = "digest"  # in the app, and by email in the daily digest
    NONE = "none"  # not told: the search is only for opening the list

    @property
    def label(self) -> str:
        return ALERT_DELIVERY_LABELS[self.value]


ALERT_DELIVERY_LABELS = {
    "at_once": "At once",
    "digest": "In the daily digest",
    "none": "Not at all",
}


class FollowTarget(enum.StrEnum):
    CONSULTATION = "consultation"
    ASK = "ask"
    COMMITTEE = "committee"


class SavedSearch(Model):
    __tablename__ = "saved_search"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # The list's filters as query-string arguments ({"q": "housing", "status": "open"}).
    args: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    delivery: Mapped[str] = mapped_column(String(20), default=AlertDelivery.AT_ONCE.value)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # What existed before this instant is never alerted.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()

    @property
    def delivery_label(self) -> str:
        return ALERT_DELIVERY_LABELS.get(self.delivery, "Not at all")


class Follow(Model):
    __tablename__ = "follow"
    __table_args__ = (UniqueConstraint("user_id", "target_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(20))
    target_key: Mapped[str] = mapped_column(String(220))
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    ask_id: Mapped[int | None] = mapped_column(ForeignKey("policy_ask.id", ondelete="CASCADE"), index=True)
    # A select committee, by the name its calls for evidence carry.
    committee: Mapped[str | None] = mapped_column(String(200), index=True)
    # Only changes after this instant are told.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    consultation: Mapped[Consultation | None] = relationship()
    ask: Mapped[PolicyAsk | None] = relationship()
