"""The second factor after a password: a TOTP authenticator app (RFC 6238) and ten single-use
recovery codes.

Which roles must use it is the setting MFA_REQUIRED_ROLES; anyone may. The shared secret is sealed
(tracker/sealing.py); a code is taken once (the time step of the last one accepted is kept, and the
update is conditional, so two requests with one code cannot both pass); recovery codes are kept as
SHA-256 hashes (80 random bits each) and spent in one conditional update. Sign-ins through a
council account (Entra ID, Google) rely on the council's own second factor and do not come here.
Services check, change, log and flush; the views commit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Any, cast

import pyotp
import segno
from flask import current_app
from sqlalchemy import CursorResult, delete, func, or_, select, update

from tracker import activity
from tracker.auth import sessions
from tracker.auth.permissions import require
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.models import Role, User
from tracker.models.signin import RecoveryCode, TotpAuthenticator
from tracker.sealing import seal, unseal
from tracker.timeutil import utcnow

_PURPOSE = b"totp secret"
RECOVERY_CODES = 10
# 16 characters of 32 symbols (no 0/O or 1/I to misread): 80 random bits.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_CODE_LENGTH = 16
STEP_SECONDS = 30
# One step either side: a phone's clock a little out, or a code typed as it turned.
WINDOW = 1


def required_roles() -> set[str]:
    roles = {str(r).strip().lower() for r in current_app.config.get("MFA_REQUIRED_ROLES") or []}
    return roles - {"none", ""}


def check_setting(roles: list[str]) -> None:
    """At start: a misspelt role would silently leave it unprotected."""
    unknown = {str(r).strip().lower() for r in roles} - {r.value for r in Role} - {"none", ""}
    if unknown:
        raise RuntimeError(f"MFA_REQUIRED_ROLES names unknown roles {sorted(unknown)}; use some of "
                           f"{[r.value for r in Role]}, or none")


def is_required(user: User) -> bool:
    return user.role in required_roles()


def _authenticator(user: User) -> TotpAuthenticator | None:
    return db.session.scalar(select(TotpAuthenticator).where(TotpAuthenticator.user_id == user.id))


def is_enrolled(user: User) -> bool:
    return db.session.scalar(select(TotpAuthenticator.id).where(
        TotpAuthenticator.user_id == user.id, TotpAuthenticator.confirmed_at.is_not(None))) is not None


def recovery_codes_left(user: User) -> int:
    return int(db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0)


def begin(user: User) -> str:
    """A new secret for an authenticator being set up (unconfirmed until a code proves it); returns it."""
    found = _authenticator(user)
    if found is not None and found.confirmed_at is not None:
        raise DomainError("Your authenticator app is already set up. Turn it off first to set up another.")
    secret = pyotp.random_base32()
    if found is None:
        db.session.add(TotpAuthenticator(user_id=user.id, secret_sealed=seal(secret, _PURPOSE)))
    else:
        found.secret_sealed = seal(secret, _PURPOSE)
        found.created_at = utcnow()
    db.session.flush()
    return secret


def pending_secret(user: User) -> str | None:
    """The secret of the authenticator being set up, to show again (None: none, or unreadable)."""
    found = _authenticator(user)
    if found is None or found.confirmed_at is not None:
        return None
    return unseal(found.secret_sealed, _PURPOSE)


def provisioning_uri(user: User, secret: str) -> str:
    issuer = f"{current_app.config['NETWORK_NAME']} Tracker"
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_code(uri: str) -> str:
    """The QR code of ``uri`` as an SVG data: address, drawn here: the page needs no script and no
    other site, and an <img> with a data: source is allowed by the strict CSP."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2, dark="#0b0c0c", light="#ffffff"))


def _digits(code: str) -> str:
    return "".join(ch for ch in code if not ch.isspace())


def _totp_step(secret: str, code: str, after: int | None, now: float | None = None) -> int | None:
    """The time step ``code`` belongs to (within the window, later than ``after``), or None."""
    code = _digits(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int((now if now is not None else time.time()) // STEP_SECONDS)
    for step in range(current - WINDOW, current + WINDOW + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _take_step(authenticator_id: int, step: int) -> bool:
    """Record the step as used, unless a code of it (or later) was taken meanwhile."""
    result = db.session.execute(
        update(TotpAuthenticator)
        .where(TotpAuthenticator.id == authenticator_id,
               or_(TotpAuthenticator.last_step.is_(None), TotpAuthenticator.last_step < step))
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    )
    return bool(cast("CursorResult[Any]", result).rowcount)


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normal_recovery(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(_CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, _CODE_LENGTH, 4))


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id)
                       .execution_options(synchronize_session=False))
    codes = [_new_code() for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_code_hash(_normal_recovery(c))) for c in codes)
    db.session.flush()
    return codes


def confirm(user: User, code: str) -> list[str]:
    """The first code from the app being set up: the authenticator is on. Returns the new recovery
    codes, to be shown once."""
    found = _authenticator(user)
    secret = unseal(found.secret_sealed, _PURPOSE) if found is not None and found.confirmed_at is None else None
    if found is None or secret is None:
        raise DomainError("Start setting up your authenticator app again.", "code")
    step = _totp_step(secret, code, None)
    if step is None:
        raise DomainError("The code is not right. Enter the 6-digit code your authenticator app shows now.", "code")
    found.confirmed_at = utcnow()
    found.last_step = step
    codes = _replace_recovery_codes(user)
    activity.record("second_factor_enrolled", actor=user, subject_type="user", subject_id=user.id,
                    message="Set up an authenticator app for signing in")
    return codes


def verify(user: User, code: str) -> str | None:
    """Check a code at sign-in: "app" for the authenticator's, "recovery" for a recovery code (now
    spent); None when it is neither (or was used already). Flushes."""
    found = _authenticator(user)
    if found is None or found.confirmed_at is None:
        return None
    secret = unseal(found.secret_sealed, _PURPOSE)
    if secret is not None:
        step = _totp_step(secret, code, found.last_step)
        if step is not None and _take_step(found.id, step):
            return "app"
    normal = _normal_recovery(code)
    if len(normal) != _CODE_LENGTH:
        return None
    result = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _code_hash(normal),
               RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if not cast("CursorResult[Any]", result).rowcount:
        return None
    activity.record("recovery_code_used", actor=user, subject_type="user", subject_id=user.id,
                    message=f"Signed in with a recovery code ({recovery_codes_left(user)} left)")
    return "recovery"


def record_failed_code(user: User, address: str) -> None:
    activity.record("second_factor_failed", actor=None, subject_type="user", subject_id=user.id,
                    message=f"Wrong second-factor code for {user.email} from {address or 'an unknown address'}")


def new_recovery_codes(user: User, code: str) -> list[str]:
    """Ten new recovery codes (the old ones stop working), confirmed with a current code."""
    if verify(user, code) is None:
        raise DomainError("The code is not right. Enter the code your authenticator app shows now.", "code")
    codes = _replace_recovery_codes(user)
    activity.record("recovery_codes_replaced", actor=user, subject_type="user", subject_id=user.id,
                    message="Made new recovery codes (the old ones no longer work)")
    return codes


def _remove(user: User) -> None:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id)
                       .execution_options(synchronize_session=False))
    db.session.execute(delete(TotpAuthenticator).where(TotpAuthenticator.user_id == user.id)
                       .execution_options(synchronize_session=False))
    db.session.flush()


def turn_off(user: User, code: str) -> None:
    if is_required(user):
        raise DomainError(f"A {user.role_enum.label.lower()} must use a second factor: it cannot be turned off.")
    if verify(user, code) is None:
        raise DomainError("The code is not right. Enter the code your authenticator app shows now.", "code")
    _remove(user)
    activity.record("second_factor_removed", actor=user, subject_type="user", subject_id=user.id,
                    message="Turned off the second factor")


def reset(actor: User, user: User) -> int:
    """An admin's reset for a lost device: the authenticator and recovery codes go and the person's
    sessions end (whoever has the device may be signed in); they set it up again at their next
    sign-in when their role requires it. Returns the number of sessions ended."""
    require(actor, "admins", "reset a second factor")
    if _authenticator(user) is None:
        raise DomainError(f"{user.name} has no authenticator app set up.")
    _remove(user)
    ended = sessions.end_all(user, "second factor reset")
    activity.record("second_factor_reset", actor=actor, subject_type="user", subject_id=user.id,
                    message=f"Reset the second factor of {user.email} (lost device); {ended} session(s) ended")
    return ended
