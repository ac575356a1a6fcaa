"""What else a person's account opens besides its sign-in sessions: their personal API tokens and their
calendar feed addresses. Each works without a session, so ending the sessions alone would leave a
stolen copy working: "Sign out everywhere", a password change, an admin's reset and disabling the
account end these too, and enabling an account again revives none of them (it ends any still held,
for an account disabled before this rule).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from tracker.account import services as feeds
from tracker.api.tokens import services as api_tokens
from tracker.extensions import db
from tracker.models import User
from tracker.models.feeds import CalendarFeed
from tracker.timeutil import utcnow


@dataclass(frozen=True)
class Held:
    """What would stop working: the live API tokens and whether calendar addresses were given out."""

    live_tokens: int
    has_feeds: bool

    def __bool__(self) -> bool:
        return bool(self.live_tokens or self.has_feeds)


def held_by(user: User) -> Held:
    """For the pages that ask before ending them: what the person holds now."""
    has_feeds = db.session.scalar(select(CalendarFeed.id).where(CalendarFeed.user_id == user.id)) is not None
    return Held(api_tokens.live_count(user, utcnow()), has_feeds)


def end_all(user: User, *, actor: User | None, reason: str) -> Held:
    """Revoke every token of ``user`` and give their calendar feeds new addresses (the old ones stop
    working at once); each written in the activity log with ``reason``. Returns what was live."""
    ended = Held(api_tokens.revoke_all(user, actor=actor, reason=reason),
                 feeds.reset_feeds_if_any(user, actor=actor, reason=reason))
    db.session.flush()
    return ended


def ended_in_words(ended: Held, whose: str = "your") -> str:
    """For the message after: "Your 2 API tokens have been revoked and your calendar subscription
    addresses have changed." ("" when there were none)."""
    parts = []
    if ended.live_tokens:
        parts.append(f"{whose} {ended.live_tokens} API token{'s have' if ended.live_tokens != 1 else ' has'} been revoked")
    if ended.has_feeds:
        parts.append(f"{whose} calendar subscription addresses have changed")
    if not parts:
        return ""
    text = " and ".join(parts)
    return text[0].upper() + text[1:] + "."
