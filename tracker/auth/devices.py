"""Device cookies, as OWASP's "Slow Down Online Guessing Attacks with Device Cookies" describes them.

A browser that once signed in to an account gets a cookie naming that account and a random nonce,
signed with an HMAC keyed from SECRET_KEY. At the sign-in form such a browser is a known device for
that account: the per-account and per-address limits, which exist to stop guessing from unknown
places, do not apply to it, so a guesser cannot lock the owner out (or an office behind one address
out of the tracker). Its own failures are counted against its nonce instead, so a stolen or shared
cookie that is used for guessing locks out only itself. The cookie proves nothing on its own: the
password is still checked every time, and it is no sign-in.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, request
from werkzeug.wrappers import Response

COOKIE_NAME = "kc_device"
# Only the sign-in form reads it: no other request carries it.
COOKIE_PATH = "/login"
# Long enough that the browsers people use count as known between sign-ins; each sign-in renews it.
LIFETIME = timedelta(days=365)
_MAX_LENGTH = 600
_PURPOSE = b"key-cities-tracker device cookie"


@dataclass(frozen=True)
class Device:
    email: str  # the account, as services.normalise_email gives it
    nonce: str


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str | bytes, email: str, nonce: str) -> str:
    raw = secret.encode() if isinstance(secret, str) else secret
    # A key of its own for this purpose, so that a device signature says nothing about sessions'.
    key = hmac.new(raw, _PURPOSE, hashlib.sha256).digest()
    return _b64(hmac.new(key, f"{email}\n{nonce}".encode(), hashlib.sha256).digest())


def _secrets() -> list[str | bytes]:
    keys = [current_app.config["SECRET_KEY"], *(current_app.config.get("SECRET_KEY_FALLBACKS") or [])]
    return [k for k in keys if k]


def issue(email: str) -> str:
    """A new cookie value for the account ``email`` (normalised), with a nonce of its own."""
    nonce = secrets.token_urlsafe(16)
    return ".".join((_b64(email.encode()), nonce, _signature(_secrets()[0], email, nonce)))


def read(value: str) -> Device | None:
    """The device a cookie value names, if a key in use signed it; None for anything else."""
    if not value or len(value) > _MAX_LENGTH or value.count(".") != 2:
        return None
    encoded, nonce, signature = value.split(".")
    try:
        email = _unb64(encoded).decode()
    except (binascii.Error, ValueError):
        return None
    if not email or not nonce:
        return None
    given = signature.encode()
    if any(hmac.compare_digest(given, _signature(key, email, nonce).encode()) for key in _secrets()):
        return Device(email, nonce)
    return None


def presented() -> Device | None:
    """The valid device cookie this request carries, if any."""
    return read(request.cookies.get(COOKIE_NAME, ""))


def known_for(email: str) -> bool:
    """Whether this browser signed in to the account ``email`` (normalised) before."""
    device = presented()
    return device is not None and bool(email) and device.email == email


def remember(response: Response, email: str) -> None:
    """After a successful sign-in: a fresh device cookie for the account."""
    response.set_cookie(
        COOKIE_NAME, issue(email), max_age=int(LIFETIME.total_seconds()), path=COOKIE_PATH,
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]), httponly=True, samesite="Lax",
    )
