"""Who may do what, by role: the view decorators and the checks services make.

Per-object rules (a city's draft, a consultation's step) live with their feature
(drafts/permissions.py, consultations/workflow.py); these are the role-only ones.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar, cast

from flask import abort
from flask_login import current_user, login_required

from tracker.errors import PermissionDenied
from tracker.models import User

P = ParamSpec("P")
R = TypeVar("R")

_ROLES: dict[str, Callable[[User], bool]] = {
    "coordinators": lambda user: user.is_coordinator,  # coordinators and admins run the workflow
    "admins": lambda user: user.is_admin,
}


def signed_in_user() -> User:
    """The signed-in user itself rather than Flask-Login's proxy, for a page that hands them to
    many checks: the proxy finds the user again on every attribute read."""
    return cast(User, current_user._get_current_object())


def require_role(who: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A view for signed-in ``who`` only ("coordinators" or "admins"): others get the 403 page."""
    allowed = _ROLES[who]

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        @login_required
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            if not allowed(current_user):
                abort(403, f"Only {who} can do this.")
            return view(*args, **kwargs)

        return wrapped

    return decorate


coordinator_required = require_role("coordinators")
admin_required = require_role("admins")


def require(actor: User | None, who: str, what: str = "do this") -> User:
    """In a service: the actor must be one of ``who``; returns them (the system, None, never is)."""
    if actor is None or not _ROLES[who](actor):
        raise PermissionDenied(f"Only {who} can {what}.")
    return actor
