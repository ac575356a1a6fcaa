"""The last steps of every way in: a password (with or without its second factor), a council
account, an accepted invitation. Until the last step the browser holds only a short-lived note of
who is half-way in (in the signed session cookie): no session row, no page but the next step."""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import current_app, flash, redirect, session, url_for
from flask_login import login_user
from werkzeug.wrappers import Response

from tracker.auth import devices, mfa, services, sessions
from tracker.extensions import db
from tracker.models import User

_PENDING = "kc_pending_sign_in"
# How long the second step may wait for the first.
PENDING_SECONDS = 600
CODE, ENROL = "code", "enrol"


@dataclass(frozen=True)
class Pending:
    user: User
    step: str  # CODE: enter a code; ENROL: set up an authenticator first
    next_url: str | None


def landing(next_url: str | None) -> str:
    return next_url if services.is_safe_next(next_url) else url_for("dashboard.index")


def start_session(user: User) -> None:
    """A new session: nothing from before carries over (fixation). Commits."""
    session.clear()
    services.record_login(user)
    sessions.start(user, **sessions.client_details())
    db.session.commit()
    login_user(user)
    session.permanent = True


def finish(user: User, next_url: str | None, *, response: Response | None = None) -> Response:
    """Signed in: the session starts, the browser becomes a known device for the account."""
    start_session(user)
    if response is None:
        flash(f"Signed in as {user.name}.", "success")
        response = redirect(landing(next_url))
    devices.remember(response, services.normalise_email(user.email))
    return response


def after_password(user: User, next_url: str | None) -> Response:
    """The password was right: in, or on to the second factor (entered, or set up first when the
    role requires one)."""
    if mfa.is_enrolled(user):
        return _hold(user, CODE, next_url, "auth.second_factor")
    if mfa.is_required(user):
        return _hold(user, ENROL, next_url, "auth.second_factor_set_up")
    return finish(user, next_url)


def _hold(user: User, step: str, next_url: str | None, endpoint: str) -> Response:
    session.clear()
    session[_PENDING] = {"user_id": user.id, "step": step, "at": time.time(),
                         "next": next_url if services.is_safe_next(next_url) else None}
    return redirect(url_for(endpoint))


def pending(step: str) -> Pending | None:
    """Who is half-way in at ``step``, if anyone (and not for too long)."""
    note = session.get(_PENDING)
    if not isinstance(note, dict) or note.get("step") != step:
        return None
    try:
        age = time.time() - float(note.get("at", 0))
        user_id = int(note["user_id"])
    except (KeyError, TypeError, ValueError):
        return None
    if not 0 <= age <= PENDING_SECONDS:
        session.pop(_PENDING, None)
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_enabled:
        return None
    return Pending(user, step, note.get("next"))


def pending_key() -> str:
    """The second step's count of wrong codes is per person."""
    note = session.get(_PENDING)
    user_id = note.get("user_id") if isinstance(note, dict) else None
    return f"second-factor:{user_id}"


def code_limit() -> str:
    return str(current_app.config["MFA_CODE_LIMIT"])
