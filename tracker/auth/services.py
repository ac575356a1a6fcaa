"""Accounts: authentication and the rules for who may hold which role."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TypeGuard
from urllib.parse import urlsplit

from sqlalchemy import func, select

from tracker import activity
from tracker.auth import credentials, mfa, sessions
from tracker.auth.passwords import password_problem
from tracker.errors import DomainError, PermissionDenied
from tracker.extensions import db
from tracker.models import ActivityLog, City, Role, User
from tracker.models.user import hash_password
from tracker.timeutil import utcnow

# Verifying against a real hash when the email is unknown keeps the timing the same.
_DUMMY_HASH: str | None = None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def authenticate(email: str, password: str) -> User | None:
    """The enabled user with this email and password, or None."""
    global _DUMMY_HASH
    user = db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))
    if user is None:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password("not-a-password")
        User(password_hash=_DUMMY_HASH).check_password(password)
        return None
    if not user.check_password(password):
        return None
    return user


def record_login(user: User) -> None:
    user.last_login_at = utcnow()


def record_failed_login(email: str, address: str) -> None:
    """A refused sign-in, in the activity log. The typed email is kept only if it names an
    account: people type passwords into the email box."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))
    who = user.email if user else "an unknown email address"
    activity.record(
        "sign_in_failed", actor=None, subject_type="user", subject_id=user.id if user else None,
        message=f"Failed sign-in for {who} from {address or 'an unknown address'}",
    )


def _throttled_message(who: str, address: str, attempts: int) -> str:
    times = "" if attempts == 1 else f" {attempts} times within the minute"
    return f"Sign-in for {who} from {address} refused{times}: too many failed attempts"


def record_throttled_login(email: str, address: str, now: datetime | None = None) -> ActivityLog:
    """A sign-in the limits refused. Those come as fast as anyone sends them, so they are counted,
    not written one by one: one entry per account (or unknown email) and address per minute, whose
    count goes up in place."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))
    who = user.email if user else "an unknown email address"
    address = address or "an unknown address"
    minute = (now or utcnow()).replace(second=0, microsecond=0)
    this_minute = db.session.scalars(
        select(ActivityLog)
        .where(ActivityLog.action == "sign_in_throttled", ActivityLog.created_at >= minute,
               ActivityLog.subject_type == "user",
               ActivityLog.subject_id == user.id if user else ActivityLog.subject_id.is_(None))
        .order_by(ActivityLog.id)
        .with_for_update()  # two workers counting into one entry wait for each other
    )
    for entry in this_minute:
        if (entry.after or {}).get("throttled_address") == address:
            attempts = int((entry.after or {}).get("throttled_attempts", 1)) + 1
            entry.after = {"throttled_address": address, "throttled_attempts": attempts}
            entry.message = _throttled_message(who, address, attempts)
            return entry
    return activity.record(
        "sign_in_throttled", actor=None, subject_type="user", subject_id=user.id if user else None,
        message=_throttled_message(who, address, 1), after={"throttled_address": address, "throttled_attempts": 1},
    )


def is_safe_next(target: str | None) -> TypeGuard[str]:
    """Only paths on this site: no scheme, no host, no protocol-relative //evil."""
    if not target:
        return False
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//")


def account_problems(*, email: str, name: str, password: str | None, role: Role | None,
                     city: City | None) -> dict[str, str]:
    """Every reason a new account could not be made, by field (the form shows them all at once);
    ``password`` None when none was typed (one is generated), ``role`` None when none was chosen."""
    problems: dict[str, str] = {}
    email = normalise_email(email)
    if not email or "@" not in email:
        problems["email"] = "Enter a valid email address."
    elif db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        problems["email"] = f"There is already an account for {email}."
    if not name.strip():
        problems["name"] = "Enter the person's name."
    if password is not None and (problem := password_problem(password, about=[email, name])):
        problems["password"] = problem
    if role is not None and role.needs_city and city is None:
        problems["city"] = f"A {role.label.lower()} must belong to a member city."
    return problems


def create_user(
    *,
    email: str,
    name: str,
    password: str,
    role: Role | str,
    city: City | None = None,
    job_title: str = "",
    actor: User | None = None,
) -> User:
    # actor None is the command line (the first admin); from the web only admins create accounts.
    if actor is not None and not actor.is_admin:
        raise PermissionDenied("Only admins can create accounts.")
    role = Role(role)
    email = normalise_email(email)
    for field, message in account_problems(email=email, name=name, password=password, role=role, city=city).items():
        raise DomainError(message, field)
    user = User(email=email, name=name.strip(), role=role.value, city=city, job_title=job_title.strip())
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    activity.record(
        "user_created",
        actor=actor,
        subject_type="user",
        subject_id=user.id,
        message=f"Created {role.label.lower()} {user.email}",
        after={"email": user.email, "role": user.role, "city_id": user.city_id},
    )
    return user


def update_user(
    actor: User,
    user: User,
    *,
    name: str,
    role: Role | str,
    city: City | None,
    job_title: str,
    is_enabled: bool,
) -> credentials.Held:
    """Returns the API tokens and calendar addresses that disabling or enabling the account ended."""
    if not actor.is_admin:
        raise PermissionDenied("Only admins can change accounts.")
    role = Role(role)
    if not name.strip():
        raise DomainError("Enter the person's name.", "name")
    if role.needs_city and city is None:
        raise DomainError(f"A {role.label.lower()} must belong to a member city.", "city")
    if user.id == actor.id and not is_enabled:
        raise DomainError("You cannot disable your own account.", "is_enabled")
    if user.id == actor.id and role != Role.ADMIN:
        raise DomainError("You cannot remove your own admin role.", "role")
    fields = ("name", "role", "city_id", "job_title", "is_enabled")
    before = activity.snapshot(user, fields)
    was_required = mfa.is_required(user)
    user.name = name.strip()
    user.role = role.value
    if mfa.is_required(user) and not was_required and not mfa.is_enrolled(user):
        # Their sessions began without a second factor the new role needs: the next sign-in asks
        # them to set one up.
        sessions.end_all(user, "second factor now required")
    user.city = city
    user.job_title = job_title.strip()
    ended = credentials.Held(0, False)
    if user.is_enabled and not is_enabled:
        sessions.end_all(user, "account disabled")
        ended = credentials.end_all(user, actor=actor, reason="account disabled")
    elif is_enabled and not user.is_enabled:
        # Nothing can have been made while it was disabled: whatever is still live is from before.
        ended = credentials.end_all(user, actor=actor, reason="account enabled again")
    user.is_enabled = is_enabled
    activity.record_edit("user_updated", actor=actor, obj=user, fields=fields, before=before,
                         subject_type="user", message=f"Changed account {user.email}")
    return ended


def sign_out_everywhere(user: User) -> credentials.Held:
    """Every session ends, every API token is revoked and the calendar addresses change; returns
    the tokens and addresses that were live."""
    ended = sessions.end_all(user, "signed out everywhere")
    activity.record("signed_out_everywhere", actor=user, subject_type="user", subject_id=user.id,
                    message=f"Signed out of every session ({ended})")
    return credentials.end_all(user, actor=user, reason="signed out everywhere")


def change_password(user: User, current: str, new: str) -> credentials.Held:
    """Change one's own password; every other session of theirs ends, this one goes on; their API
    tokens are revoked and their calendar addresses change (returned: what was live)."""
    if not user.check_password(current):
        raise DomainError("Your current password is not right.", "current_password")
    problem = password_problem(new, about=[user.email, user.name])
    if problem:
        raise DomainError(problem, "new_password")
    user.set_password(new)
    sessions.end_all(user, "password changed", keep_token=user.login_token)
    activity.record("password_changed", actor=user, subject_type="user", subject_id=user.id,
                    message="Changed their password")
    return credentials.end_all(user, actor=user, reason="password changed")


def generate_password() -> str:
    """A random password for an admin to hand over once (about 96 bits)."""
    while True:
        password = secrets.token_urlsafe(12)
        # Random text almost always passes; the loop only guards against a freak like "aaaa...".
        if password_problem(password) is None:
            return password


def reset_password(actor: User, user: User, password: str) -> credentials.Held:
    """An admin sets a new password; the user's sessions and API tokens end and their calendar
    addresses change (returned: the tokens and addresses that were live)."""
    if not actor.is_admin:
        raise PermissionDenied("Only admins can reset passwords.")
    problem = password_problem(password, about=[user.email, user.name])
    if problem:
        raise DomainError(problem, "password")
    user.set_password(password)
    sessions.end_all(user, "password reset by an admin")
    db.session.flush()
    activity.record(
        "password_reset", actor=actor, subject_type="user", subject_id=user.id,
        message=f"Reset the password of {user.email}",
    )
    return credentials.end_all(user, actor=actor, reason="password reset by an admin")
