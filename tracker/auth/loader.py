"""Flask-Login wiring: the user comes from the database on every request."""

from __future__ import annotations

from sqlalchemy.orm import joinedload

from tracker.extensions import db, login_manager
from tracker.models import User

login_manager.login_view = "auth.login"
login_manager.login_message = "Sign in to continue."
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    # The id carries the session token: a password change or a disabled account
    # (which rotates it) signs the user out at their next request.
    raw_id, _, token = user_id.partition(":")
    if not raw_id.isdigit():
        return None
    # Every page's header names the user's city: load it in the same query.
    user = db.session.get(User, int(raw_id), options=[joinedload(User.city)])
    if user is None or not user.is_enabled or user.session_token != token:
        return None
    return user
