"""Accounts: authentication and the rules for who may hold which role."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from sqlalchemy import func, select

from tracker import activity
from tracker.errors import DomainError, PermissionDenied
from tracker.extensions import db
from tracker.models import City, Role, User
from tracker.models.user import hash_password
from tracker.timeutil import utcnow

MIN_PASSWORD_LENGTH = 12


class FieldError(DomainError):
    """A DomainError about one form field, so a form can show it next to that field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


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


def is_safe_next(target: str | None) -> bool:
    """Only paths on this site: no scheme, no host, no protocol-relative //evil."""
    if not target:
        return False
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//")


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
    if not email or "@" not in email:
        raise FieldError("email", "Enter a valid email address.")
    if not name.strip():
        raise FieldError("name", "Enter the person's name.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise FieldError("password", f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    if role.needs_city and city is None:
        raise FieldError("city", f"A {role.label.lower()} must belong to a member city.")
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise FieldError("email", f"There is already an account for {email}.")
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
) -> None:
    if not actor.is_admin:
        raise PermissionDenied("Only admins can change accounts.")
    role = Role(role)
    if not name.strip():
        raise FieldError("name", "Enter the person's name.")
    if role.needs_city and city is None:
        raise FieldError("city", f"A {role.label.lower()} must belong to a member city.")
    if user.id == actor.id and not is_enabled:
        raise FieldError("is_enabled", "You cannot disable your own account.")
    if user.id == actor.id and role != Role.ADMIN:
        raise FieldError("role", "You cannot remove your own admin role.")
    fields = ("name", "role", "city_id", "job_title", "is_enabled")
    before = activity.snapshot(user, fields)
    user.name = name.strip()
    user.role = role.value
    user.city = city
    user.job_title = job_title.strip()
    if user.is_enabled and not is_enabled:
        user.rotate_session()
    user.is_enabled = is_enabled
    db.session.flush()
    old, new = activity.changes(before, activity.snapshot(user, fields))
    if new:
        activity.record(
            "user_updated", actor=actor, subject_type="user", subject_id=user.id,
            message=f"Changed account {user.email}", before=old, after=new,
        )


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise DomainError("Your current password is not right.")
    if len(new) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"The new password must have at least {MIN_PASSWORD_LENGTH} characters.")
    user.set_password(new)
    activity.record("password_changed", actor=user, subject_type="user", subject_id=user.id,
                    message="Changed their password")


def generate_password() -> str:
    """A random password for an admin to hand over once (about 96 bits)."""
    return secrets.token_urlsafe(12)


def reset_password(actor: User, user: User, password: str) -> None:
    """An admin sets a new password; the user's existing sessions end (set_password rotates the token)."""
    if not actor.is_admin:
        raise PermissionDenied("Only admins can reset passwords.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise FieldError("password", f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    user.set_password(password)
    db.session.flush()
    activity.record(
        "password_reset", actor=actor, subject_type="user", subject_id=user.id,
        message=f"Reset the password of {user.email}",
    )
