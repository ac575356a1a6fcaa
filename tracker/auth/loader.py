"""Flask-Login wiring: the user comes from the database on every request, through their session."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_url

from tracker.auth import sessions
from tracker.extensions import login_manager
from tracker.models import User

login_manager.login_view = "auth.login"
login_manager.session_protection = "basic"


@login_manager.unauthorized_handler
def sign_in_first() -> ResponseReturnValue:
    """To the sign-in page, coming back here after. Opening the tracker's front page is how
    everyone starts, so only a deeper link (an email's, a bookmark's) says why they are there."""
    if request.path != url_for("dashboard.index"):
        flash("Sign in to see that page.", "info")
    return redirect(login_url("auth.login", request.full_path.rstrip("?")))


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    # The cookie names a server-side session: ended (sign-out, password change, disabled
    # account) or expired, it signs nobody in.
    return sessions.load(session_token)
