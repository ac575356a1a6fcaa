"""Accounts, their roles and their server-side sessions; passwords hashed with argon2id."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.models.types import LabelledEnum, UTCDateTime
from tracker.timeutil import utcnow

if TYPE_CHECKING:
    from tracker.models.city import City

# argon2id with the library's RFC 9106 "low memory" profile (t=3, m=64 MiB, p=4).
_STRONG = PasswordHasher()
# For the test suite only (PASSWORD_HASH_FAST): the same algorithm at its lowest cost, since the
# tests create hundreds of accounts and the cost is the point of the strong profile.
_FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def _hasher() -> PasswordHasher:
    return _FAST if has_app_context() and current_app.config.get("PASSWORD_HASH_FAST") else _STRONG


class Role(LabelledEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    POLICY_LEAD = "policy_lead"
    CONTRIBUTOR = "contributor"

    @property
    def needs_city(self) -> bool:
        return self in (Role.POLICY_LEAD, Role.CONTRIBUTOR)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


class User(Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    job_title: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.CONTRIBUTOR.value)
    city_id: Mapped[int | None] = mapped_column(
        ForeignKey("city.id", ondelete="RESTRICT"), index=True
    )
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    city: Mapped[City | None] = relationship(back_populates="users")

    # Flask-Login protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.is_enabled

    @property
    def is_anonymous(self) -> bool:
        return False

    # The token of the sign-in session this object was loaded for (auth/sessions.py); it is what
    # the session cookie carries, so that one session can end without ending the others.
    login_token: str = ""

    def get_id(self) -> str:
        return self.login_token

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        try:
            ok = _hasher().verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        if ok and _hasher().check_needs_rehash(self.password_hash):
            self.password_hash = hash_password(password)
        return ok

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_coordinator(self) -> bool:
        """Coordinators and admins run the network's workflow."""
        return self.role in (Role.ADMIN, Role.COORDINATOR)

    @property
    def is_policy_lead(self) -> bool:
        return self.role == Role.POLICY_LEAD

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.city.name})" if self.city else self.name

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class UserSession(Model):
    """One signed-in browser. Signing out ends it on the server, so a copied cookie is dead."""

    __tablename__ = "user_session"
    __table_args__ = (Index("ix_user_session_user_id_ended_at", "user_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    # SHA-256 of the cookie's token: a copy of the database does not sign anyone in.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_reason: Mapped[str] = mapped_column(String(40), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    ip_address: Mapped[str] = mapped_column(String(45), default="")

    user: Mapped[User] = relationship()
