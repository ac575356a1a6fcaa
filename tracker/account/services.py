"""The account's verbs: setting up and resetting the calendar feed addresses. They flush; the
view commits."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tracker import activity
from tracker.account import tokens
from tracker.auth import credentials
from tracker.extensions import db
from tracker.models import User
from tracker.models.feeds import CalendarFeed
from tracker.timeutil import utcnow


def _feed_of(user: User) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def set_up_feeds(user: User) -> CalendarFeed:
    """Give the person their feed addresses; if they have them already, keep them as they are
    (a second click, or a second tab, must not kill the addresses a calendar already uses)."""
    existing = _feed_of(user)
    if existing is not None:
        return existing
    token = tokens.new_token()
    feed = CalendarFeed(user_id=user.id, token_hash=tokens.token_hash(token), token_sealed=tokens.seal(token),
                        issued_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(feed)
    except IntegrityError:
        # Another request set them up in the meantime: theirs stand.
        existing = _feed_of(user)
        assert existing is not None
        return existing
    activity.record("calendar_feeds", actor=user, subject_type="user", subject_id=user.id,
                    message="Set up calendar subscription addresses")
    return feed


def _replace_token(feed: CalendarFeed) -> None:
    token = tokens.new_token()
    feed.token_hash = tokens.token_hash(token)
    feed.token_sealed = tokens.seal(token)
    feed.issued_at = utcnow()
    db.session.flush()


def reset_feeds(user: User) -> CalendarFeed:
    """New addresses in place of the old ones, which stop working as soon as this commits."""
    feed = _feed_of(user)
    if feed is None:
        return set_up_feeds(user)
    _replace_token(feed)
    activity.record("calendar_feeds_reset", actor=user, subject_type="user", subject_id=user.id,
                    message="Reset calendar subscription addresses (the old ones no longer work)")
    return feed


def reset_feeds_if_any(user: User, *, actor: User | None, reason: str) -> bool:
    """New addresses for a person who has some ("sign out everywhere", a new password, a disabled
    account): the old ones stop working as soon as this commits. Whether there were any."""
    feed = _feed_of(user)
    if feed is None:
        return False
    _replace_token(feed)
    activity.record("calendar_feeds_reset", actor=actor, subject_type="user", subject_id=user.id,
                    message=f"Reset the calendar subscription addresses of {user.email} ({reason}): "
                            "the old ones no longer work")
    return True


# Given new addresses with the person's sessions ended ("sign out everywhere", a new password, a
# disabled account).
credentials.register(credentials.CALENDAR_FEEDS, credentials.Credential(
    held=lambda user: int(_feed_of(user) is not None),
    end=lambda user, actor, reason: int(reset_feeds_if_any(user, actor=actor, reason=reason)),
))
