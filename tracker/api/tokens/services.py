"""Making and revoking personal access tokens, and reading who a presented token belongs to.

A token is ``kct_`` and 43 random URL-safe characters (256 bits); only its SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

import limits
from flask import current_app
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload

from tracker import activity
from tracker.auth import credentials
from tracker.errors import DomainError, one_line
from tracker.extensions import db, get_where, rowcount
from tracker.models import User
from tracker.models.api import ApiToken
from tracker.timeutil import utcnow

log = logging.getLogger(__name__)

TOKEN_PREFIX = "kct_"  # noqa: S105 - the public start of every token, not a secret
# What the list shows of each token: enough to tell them apart, far too little to guess the rest.
SHOWN_CHARACTERS = len(TOKEN_PREFIX) + 6
MAX_NAME = 100
# A person with this many live tokens revokes one before making another: a forgotten token
# is a way in, and tokens are cheap to make again.
MAX_LIVE_TOKENS = 20
# last_used_at is written at most this often, so that reading the API does not write per request.
TOUCH_EVERY = timedelta(minutes=1)
# Expiry choices offered by the form: value -> (label, days or None for never).
EXPIRY_CHOICES: dict[str, tuple[str, int | None]] = {
    "30": ("In 30 days", 30),
    "90": ("In 90 days", 90),
    "365": ("In a year", 365),
    "never": ("Never (revoke it when it is no longer needed)", None),
}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def live_count(user: User, now: datetime) -> int:
    return int(db.session.scalar(
        select(func.count()).select_from(ApiToken).where(
            ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None),
            (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > now))
    ) or 0)


def create(user: User, name: str, expiry: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the token itself, which is never stored and
    so can be shown only now."""
    name = one_line(name, field="name", missing="Enter a name for the token", limit=MAX_NAME,
                    too_long=f"Name must be {MAX_NAME} characters or fewer")
    if expiry not in EXPIRY_CHOICES:
        raise DomainError("Choose when the token expires", field="expiry")
    now = utcnow()
    if live_count(user, now) >= MAX_LIVE_TOKENS:
        raise DomainError(f"You already have {MAX_LIVE_TOKENS} tokens: revoke one you no longer use first",
                          field="name")
    days = EXPIRY_CHOICES[expiry][1]
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name, token_hash=token_hash(secret), prefix=secret[:SHOWN_CHARACTERS],
                   created_at=now, expires_at=now + timedelta(days=days) if days else None)
    db.session.add(row)
    db.session.flush()
    activity.record("api_token_created", actor=user, subject_type="api_token", subject_id=row.id,
                    message=f"Made the API token “{name}” ({row.prefix}…)")
    return row, secret


def own_token(user: User, token_id: int) -> ApiToken:
    """One of ``user``'s own tokens; another person's is as good as missing."""
    return get_where(ApiToken, token_id, f"You have no API token number {token_id}.", user_id=user.id)


def revoke(user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s tokens; it stops working with the next request. Revoking it again
    changes nothing."""
    row = own_token(user, token_id)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        activity.record("api_token_revoked", actor=user, subject_type="api_token", subject_id=row.id,
                        message=f"Revoked the API token “{row.name}” ({row.prefix}…)")
        db.session.flush()
    return row


def revoke_all(user: User, *, actor: User | None, reason: str) -> int:
    """Revoke every live token of ``user`` at once ("sign out everywhere", a new password, a
    disabled account); how many there were. One activity entry for them all."""
    now = utcnow()
    result = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None),
               (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > now))
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    )
    revoked = rowcount(result)
    if revoked:
        activity.record("api_tokens_revoked", actor=actor, subject_type="user", subject_id=user.id,
                        message=f"Revoked {revoked} API token{'s' if revoked != 1 else ''} of {user.email} ({reason})")
    return revoked


# Every API request runs it: built once, its values bound at each execution.
_PRESENTED = (
    select(ApiToken, User)
    .join(User, User.id == ApiToken.user_id)
    .options(joinedload(User.city))
    .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None))
)


def authenticate(token: str, now: datetime | None = None) -> User | None:
    """The enabled owner of a live token, or None (unknown, revoked, expired, or the account
    disabled). Records the use at most once a TOUCH_EVERY."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    now = now or utcnow()
    row = db.session.execute(_PRESENTED, {"token_hash": token_hash(token)}).first()
    if row is None:
        return None
    api_token, user = row
    if not user.is_enabled or not api_token.is_live(now):
        return None
    if api_token.last_used_at is None or now - api_token.last_used_at >= TOUCH_EVERY:
        # On a connection of its own, as sessions.load does: the request's reads stay read-only,
        # and a busy database skips the record rather than failing the request.
        try:
            with db.engine.begin() as conn:
                conn.execute(update(ApiToken).where(ApiToken.id == api_token.id).values(last_used_at=now))
        except OperationalError:
            log.warning("could not record the use of API token %s; will try again", api_token.id)
    return user


def rate_limit() -> str:
    """The API_RATE_LIMIT setting, in Flask-Limiter's notation ("600 per hour")."""
    return str(current_app.config["API_RATE_LIMIT"])


def rate_limit_in_words() -> str:
    """The limit as the pages say it: "600 requests per hour", "10 requests per 15 minutes"."""
    try:
        items = limits.parse_many(rate_limit())
    except ValueError:
        return rate_limit()
    return " and ".join(
        f"{item.amount:,} request{'s' if item.amount != 1 else ''} per "
        + (f"{item.multiples} {item.GRANULARITY.name}s" if item.multiples != 1 else item.GRANULARITY.name)
        for item in items)


# Ended with the person's sessions ("sign out everywhere", a new password, a disabled account).
credentials.register(credentials.API_TOKENS, credentials.Credential(
    held=lambda user: live_count(user, utcnow()),
    end=lambda user, actor, reason: revoke_all(user, actor=actor, reason=reason),
))
