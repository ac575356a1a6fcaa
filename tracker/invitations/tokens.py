"""An invitation's link token, never stored.

The token is an HMAC of the invitation's nonce under a key derived from SECRET_KEY; the database
keeps the nonce and the token's SHA-256 (to find the invitation from a link). So the email can be
written when the send task sends it (and again if a coordinator resends it), while a copy of the
database alone opens no invitation. After a change of SECRET_KEY, links made with an older key work
while it is among SECRET_KEY_FALLBACKS.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from tracker.models.invitations import Invitation
from tracker.sealing import derived_key, secrets_in_use

_PURPOSE = b"invitation link"
# 43 characters (256 bits); anything much longer is not one of ours.
MAX_TOKEN_LENGTH = 64


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _token(secret: str | bytes, nonce: str) -> str:
    mac = hmac.new(derived_key(secret, _PURPOSE), nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def issue(nonce: str) -> tuple[str, str]:
    """(token, its hash) for a fresh nonce, made with the current SECRET_KEY."""
    token = _token(secrets_in_use()[0], nonce)
    return token, token_hash(token)


def token_of(invitation: Invitation) -> str | None:
    """The link's token again, for the email; None when no key in use makes it any more."""
    for secret in secrets_in_use():
        token = _token(secret, invitation.nonce)
        if hmac.compare_digest(token_hash(token), invitation.token_hash):
            return token
    return None
