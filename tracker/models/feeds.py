"""A person's calendar feed address: the secret that lets a calendar app read their deadlines."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.models.types import UTCDateTime
from tracker.timeutil import utcnow

if TYPE_CHECKING:
    from tracker.models.user import User


class CalendarFeed(Model):
    """One per person. Resetting replaces the token in place, so the old addresses die at once.

    The token is found by its SHA-256 (as sessions are) and kept encrypted with a key derived from
    SECRET_KEY so that the account page can show the address again: a copy of the database alone
    neither opens the feeds nor shows their addresses (tracker/account/tokens.py)."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_sealed: Mapped[str] = mapped_column(String(400))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
