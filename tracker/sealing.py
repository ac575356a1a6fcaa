"""Secrets the tracker must read back (a TOTP shared secret), kept encrypted with a key derived from
SECRET_KEY for one purpose each: a copy of the database alone does not reveal them.

SECRET_KEY_FALLBACKS still open what older keys sealed; after a key change without fallbacks a seal
cannot be opened (``unseal`` gives None) and the person sets it up again.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


def derived_key(secret: str | bytes, purpose: bytes) -> bytes:
    """32 bytes of key for ``purpose`` alone, so that what it makes says nothing about the sessions' key."""
    raw = secret.encode() if isinstance(secret, str) else secret
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"key-cities-tracker " + purpose).derive(raw)


def secrets_in_use() -> list[str | bytes]:
    """SECRET_KEY first, then its fallbacks."""
    keys = [current_app.config["SECRET_KEY"], *(current_app.config.get("SECRET_KEY_FALLBACKS") or [])]
    return [k for k in keys if k]


def _sealer(purpose: bytes) -> MultiFernet:
    return MultiFernet([Fernet(base64.urlsafe_b64encode(derived_key(s, purpose))) for s in secrets_in_use()])


def seal(text: str, purpose: bytes) -> str:
    return _sealer(purpose).encrypt(text.encode()).decode("ascii")


def unseal(sealed: str, purpose: bytes) -> str | None:
    try:
        return _sealer(purpose).decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        return None
