"""Flask-Login wiring: the user comes from the database on every request, through their session."""

from __future__ import annotations

from tracker.auth import sessions
from tracker.extensions import login_manager
from tracker.models import User

login_manager.login_view = "auth.login"
login_manager.login_message = "Sign in to continue."
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    # The cookie names a server-side session: ended (sign-out, password change, disabled
    # account) or expired, it signs nobody in.
    return sessions.load(session_token)
