"""What else a person's account opens besides its sign-in sessions: their personal API tokens and their
calendar feed addresses. Each works without a session, so ending the sessions alone would leave a
stolen copy working: "Sign out everywhere", a password change, an admin's reset and disabling the
account end these too, and enabling an account again revives none of them (it ends any still held,
for an account disabled before this rule).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tracker.extensions import db
from tracker.models import User

# The features that hand out such credentials register them (auth is below them and imports none):
# tracker/api/tokens/services.py and tracker/account/services.py.
API_TOKENS = "api_tokens"
CALENDAR_FEEDS = "calendar_feeds"


@dataclass(frozen=True)
class Credential:
    held: Callable[[User], int]  # how many the person holds now
    end: Callable[[User, User | None, str], int]  # end them all (flushes; the activity log says why): how many


_KINDS: dict[str, Credential] = {}


def register(name: str, credential: Credential) -> None:
    _KINDS[name] = credential


@dataclass(frozen=True)
class Held:
    """What would stop working: the live API tokens and whether calendar addresses were given out."""

    live_tokens: int
    has_feeds: bool

    def __bool__(self) -> bool:
        return bool(self.live_tokens or self.has_feeds)


def _held(counts: dict[str, int]) -> Held:
    return Held(counts.get(API_TOKENS, 0), bool(counts.get(CALENDAR_FEEDS)))


def held_by(user: User) -> Held:
    """For the pages that ask before ending them: what the person holds now."""
    return _held({name: kind.held(user) for name, kind in _KINDS.items()})


def end_all(user: User, *, actor: User | None, reason: str) -> Held:
    """Revoke every token of ``user`` and give their calendar feeds new addresses (the old ones stop
    working at once); each written in the activity log with ``reason``. Returns what was live."""
    ended = _held({name: kind.end(user, actor, reason) for name, kind in _KINDS.items()})
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
