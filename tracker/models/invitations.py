"""Invitations: a single-use link by email that lets someone without an account join the tracker."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.models.types import UTCDateTime
from tracker.timeutil import utcnow

if TYPE_CHECKING:
    from tracker.models.city import City
    from tracker.models.consultation import Consultation
    from tracker.models.user import User


class Invitation(Model):
    """An admin's invitation (with a role and city), or a lead's invitation of a contributor to one
    response (``consultation_id``). The invitee's account exists from the start, disabled and
    without a password (``user_id``), so that the email goes through messaging like any other.

    The link's token is never stored: only its SHA-256 (to find the invitation) and the nonce from
    which the token is made with a key derived from SECRET_KEY (tracker/invitations/tokens.py), so
    the email can be written when it is sent. Resending draws a new nonce: the old link dies."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(20))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("city.id", ondelete="SET NULL"), index=True)
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(64))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # last (re)sent
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    times_sent: Mapped[int] = mapped_column(Integer, default=1)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How it was accepted: "password", "entra" or "google".
    accepted_with: Mapped[str] = mapped_column(String(20), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Every change (resent, revoked, accepted) moves it: a form made on an older one is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])
    city: Mapped[City | None] = relationship()
    consultation: Mapped[Consultation | None] = relationship()

    def state(self, now: datetime) -> str:
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "pending"

    def is_live(self, now: datetime) -> bool:
        return self.state(now) == "pending"
