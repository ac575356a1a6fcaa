"""How people prove who they are besides a password: a council account (OpenID Connect) linked to
theirs, and the second factor after a password (a TOTP authenticator and recovery codes)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.models.types import UTCDateTime
from tracker.timeutil import utcnow

if TYPE_CHECKING:
    from tracker.models.user import User


class ExternalIdentity(Model):
    """A council account that signs a person in. Found by what the provider says never changes for
    the account: Entra ID's tenant and object id (tid, oid), Google's hosted domain and subject
    (hd, sub); never by the email address, which the council may reassign."""

    __tablename__ = "external_identity"
    __table_args__ = (UniqueConstraint("provider", "tenant", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(20))  # "entra" or "google"
    tenant: Mapped[str] = mapped_column(String(253))  # tid or hd
    subject: Mapped[str] = mapped_column(String(255))  # oid or sub
    # The address the provider gave when it was last used: shown to the person, never matched on.
    email: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class TotpAuthenticator(Model):
    """A person's authenticator app. The shared secret is sealed with a key derived from SECRET_KEY
    (a copy of the database alone makes no codes); unconfirmed until a first code proves the app
    has it. ``last_step`` is the time step of the last code accepted: no code is taken twice."""

    __tablename__ = "totp_authenticator"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    secret_sealed: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_step: Mapped[int | None] = mapped_column(Integer)

    user: Mapped[User] = relationship()


class RecoveryCode(Model):
    """One of the ten single-use codes for when the authenticator is not at hand: only its SHA-256
    is kept (each code is 80 random bits)."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
