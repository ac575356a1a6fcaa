"""What the tokens page shows: one person's tokens, live ones first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import User
from tracker.models.api import ApiToken
from tracker.timeutil import utcnow


@dataclass(frozen=True)
class TokenRow:
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    state: str  # "live", "expired" or "revoked"

    @property
    def is_live(self) -> bool:
        return self.state == "live"


def tokens_of(user: User, now: datetime | None = None) -> list[TokenRow]:
    """Every token ``user`` made (bounded by the live-token cap and revocation being rare), the
    live ones first, newest first within each."""
    now = now or utcnow()
    rows = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        .limit(200)
    ).all()
    shown = [
        TokenRow(r.id, r.name, r.prefix, r.created_at, r.last_used_at, r.expires_at, r.revoked_at,
                 "revoked" if r.revoked_at is not None else ("live" if r.is_live(now) else "expired"))
        for r in rows
    ]
    return sorted(shown, key=lambda t: not t.is_live)
