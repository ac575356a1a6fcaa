"""Calendar feed tokens: made, found by their hash, and sealed so the account page can show them.

Why sealed rather than hashed only: calendar apps keep the address for years, and the account page
must show it again (with copy and reset), so the token itself has to be recoverable. It is kept
encrypted (Fernet) with a key derived from SECRET_KEY, and found by its SHA-256: a copy of the
database alone neither opens a feed nor shows its address. SECRET_KEY_FALLBACKS still open older
seals; after a key change without fallbacks the addresses keep working (found by hash) but cannot
be shown until their owner resets them.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import User
from tracker.models.feeds import CalendarFeed

# token_urlsafe(32) gives 43 characters; anything much longer is not one of ours.
MAX_TOKEN_LENGTH = 64


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _fernet_key(secret: str | bytes) -> bytes:
    raw = secret.encode() if isinstance(secret, str) else secret
    # A key of its own for this one purpose, so a seal says nothing about the session signing key.
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=b"key-cities-tracker calendar feed token").derive(raw)
    return base64.urlsafe_b64encode(derived)


def _sealer() -> MultiFernet:
    secrets_in_use = [current_app.config["SECRET_KEY"], *(current_app.config.get("SECRET_KEY_FALLBACKS") or [])]
    return MultiFernet([Fernet(_fernet_key(s)) for s in secrets_in_use if s])


def seal(token: str) -> str:
    return _sealer().encrypt(token.encode()).decode("ascii")


def unseal(sealed: str) -> str | None:
    """The token, or None when no key in use opens it (SECRET_KEY changed with no fallback)."""
    try:
        return _sealer().decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        return None


def feed_owner(token: str) -> User | None:
    """The enabled person whose feed token this is, in one statement; None for anything else."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return db.session.scalar(
        select(User)
        .join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.token_hash == token_hash(token), User.is_enabled.is_(True))
    )
