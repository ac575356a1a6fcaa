"""Who is calling /api/v1: the owner of the bearer token, and nothing else. The session cookie
is never read here, so a page's script (or a forged cross-site request) cannot use the API as the
signed-in person; the API needs no CSRF token because nothing but the header authenticates."""

from __future__ import annotations

from flask import Response, g, request
from flask_limiter.util import get_remote_address
from sqlalchemy.exc import SQLAlchemyError

from tracker.api.tokens import services as tokens
from tracker.api.v1.problems import problem
from tracker.models import User

_CHALLENGE = 'Bearer realm="Key Cities Tracker API"'


def presented_token() -> str:
    """The token in ``Authorization: Bearer <token>``, or ""."""
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _token_owner() -> User | None:
    """The enabled owner of the live token presented, looked up once per request (the rate limit
    asks before the operation does)."""
    if "api_token_owner" not in g:
        token = presented_token()
        g.api_token_owner = tokens.authenticate(token) if token else None
    owner: User | None = g.api_token_owner
    return owner


def rate_limit_key() -> str:
    """One count per live token (by its fingerprint, as the database knows it). Requests without one,
    or with a token that opens nothing (made up, revoked, expired), share their address's count: a
    fresh count per made-up token would let anyone guess tokens unthrottled."""
    token = presented_token()
    try:
        owner = _token_owner() if token else None
    except SQLAlchemyError:
        owner = None  # no database: the operation itself fails, and says why, when it asks again
    if owner is not None:
        return "api-token:" + tokens.token_hash(token)
    return "api-address:" + (get_remote_address() or "")


def authenticate() -> Response | None:
    """Before every operation: a 401 problem unless a live token of an enabled account came."""
    token = presented_token()
    if not token:
        return problem(401, "Send a personal access token in the Authorization header: "
                            "`Authorization: Bearer <token>`. Make one on your account's API tokens page.",
                       headers={"WWW-Authenticate": _CHALLENGE})
    user = _token_owner()
    if user is None:
        return problem(401, "The token is not valid: it may have been revoked or have expired, or its "
                            "account may be disabled. Make a new one on your account's API tokens page.",
                       headers={"WWW-Authenticate": _CHALLENGE + ', error="invalid_token"'})
    g.api_user = user
    return None


def api_user() -> User:
    """The token's owner, for an operation that needs to know who reads."""
    user: User = g.api_user
    return user
