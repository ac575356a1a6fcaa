"""Sign-in sessions kept on the server.

The session cookie carries a random token; its SHA-256 names a ``UserSession`` row. A request is
signed in only while that row has not ended, is younger than the absolute lifetime and was used
within the idle lifetime. Signing out ends the row, so a copy of the cookie taken before is
dead; "sign out everywhere", a password change, a reset or disabling the account end them all.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app, has_request_context, request, session
from sqlalchemy import CursorResult, bindparam, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.models import User, UserSession
from tracker.timeutil import utcnow

log = logging.getLogger(__name__)

# last_seen_at is written at most this often, so that reading a page does not write to the database.
TOUCH_EVERY = timedelta(minutes=5)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User, *, user_agent: str = "", ip_address: str = "") -> str:
    """A new session for ``user``; returns the token for the cookie (and sets user.login_token)."""
    now = utcnow()
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(
        user_id=user.id, token_hash=_hash(token), created_at=now, last_seen_at=now,
        expires_at=now + timedelta(seconds=int(current_app.config["SESSION_ABSOLUTE_SECONDS"])),
        user_agent=user_agent[:200], ip_address=ip_address[:45],
    ))
    db.session.flush()
    user.login_token = token
    return token


# Every request runs it: built once, with its values bound at each execution, so that neither the
# statement nor its cache key is made anew per request.
_LIVE_SESSION = (
    select(User, UserSession.id, UserSession.last_seen_at)
    .join(UserSession, UserSession.user_id == User.id)
    .options(joinedload(User.city))
    .where(
        UserSession.token_hash == bindparam("token_hash"),
        UserSession.ended_at.is_(None),
        UserSession.expires_at > bindparam("now"),
    )
)


def load(token: str, now: datetime | None = None) -> User | None:
    """The enabled user of a live session, with their city, in one statement; None otherwise."""
    if not token or len(token) > 100:
        return None
    now = now or utcnow()
    row = db.session.execute(_LIVE_SESSION, {"token_hash": _hash(token), "now": now}).first()
    if row is None:
        return None
    user, session_id, last_seen_at = row
    if not user.is_enabled or last_seen_at + current_app.permanent_session_lifetime <= now:
        return None
    if now - last_seen_at >= TOUCH_EVERY:
        # On a connection of its own: the request's transaction stays read-only and its loaded
        # objects are not expired by a commit. A busy database skips it: the next request tries.
        try:
            with db.engine.begin() as conn:
                conn.execute(update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now))
        except OperationalError:
            log.warning("could not record the use of session %s; will try again", session_id)
        else:
            if has_request_context():
                # The cookie's idle lifetime renewed with the row's (SESSION_REFRESH_EACH_REQUEST is off).
                session.modified = True
    user.login_token = token
    return user


def end(token: str, reason: str = "signed out") -> None:
    if token:
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == _hash(token), UserSession.ended_at.is_(None))
            .values(ended_at=utcnow(), ended_reason=reason)
            .execution_options(synchronize_session=False)
        )


def end_all(user: User, reason: str, *, keep_token: str = "") -> int:
    """End every live session of ``user`` except the one holding ``keep_token``."""
    stmt = update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if keep_token:
        stmt = stmt.where(UserSession.token_hash != _hash(keep_token))
    result = db.session.execute(
        stmt.values(ended_at=utcnow(), ended_reason=reason).execution_options(synchronize_session=False)
    )
    return int(cast("CursorResult[Any]", result).rowcount or 0)


def live_sessions(user: User, now: datetime | None = None) -> list[UserSession]:
    now = now or utcnow()
    return list(db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None), UserSession.expires_at > now)
        .order_by(UserSession.last_seen_at.desc())
    ))


def is_current(row: UserSession, user: User) -> bool:
    return bool(user.login_token) and row.token_hash == _hash(user.login_token)


def client_details() -> dict[str, str]:
    return {"user_agent": request.headers.get("User-Agent", ""), "ip_address": request.remote_addr or ""}
