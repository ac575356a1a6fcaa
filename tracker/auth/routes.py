"""Views of signing in and out, the password change and the list of sessions."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, logout_user
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from tracker.auth import bp, credentials, devices, oidc, services, sessions, signing_in
from tracker.auth.forms import ChangePasswordForm, LoginForm, SignOutEverywhereForm
from tracker.extensions import db, limiter
from tracker.views import Refused, page_status, run


def _typed_email() -> str:
    try:
        email = request.form.get("email", "")
    except HTTPException:
        # A body too large to read: the view answers it (413). Raised in here, the limiter would take
        # it for its storage failing and switch to counting in memory.
        return ""
    return services.normalise_email(email)[:254]


def _account_key() -> str:
    return "account:" + _typed_email()


def _known_device() -> bool:
    """The browser holds a device cookie of the account it is signing in to (auth/devices.py)."""
    return devices.known_for(_typed_email())


def _device_key() -> str:
    device = devices.presented()
    return "device:" + (device.nonce if device else "none")


def _refused(response: Response) -> bool:
    """Only refused sign-ins count against the limits: a right password costs nothing."""
    return response.status_code == 401


@bp.route("/login", methods=["GET", "POST"])
# Per account: guessing one person's password from many addresses. Per address: trying many
# accounts from one place (set high enough for a council office behind one address). Both count
# only browsers that never signed in to the account; a browser that did is limited on its own, so
# guessing locks out the guesser, not the owner or their office.
@limiter.limit(lambda: current_app.config["LOGIN_ACCOUNT_LIMIT"], key_func=_account_key, methods=["POST"],
               deduct_when=_refused, exempt_when=_known_device, scope="login-account")
@limiter.limit(lambda: current_app.config["LOGIN_ADDRESS_LIMIT"], key_func=get_remote_address, methods=["POST"],
               deduct_when=_refused, exempt_when=_known_device, scope="login-address")
@limiter.limit(lambda: current_app.config["LOGIN_DEVICE_LIMIT"], key_func=_device_key, methods=["POST"],
               deduct_when=_refused, exempt_when=lambda: not _known_device(), scope="login-device")
def login() -> ResponseReturnValue:
    next_url = request.args.get("next")
    if current_user.is_authenticated:
        return redirect(next_url if services.is_safe_next(next_url) else url_for("dashboard.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = services.authenticate(form.email.data or "", form.password.data or "")
        if user is None or not user.is_enabled:
            # One message for both, so the form does not reveal which accounts exist.
            error = "The email address or password is not right, or the account is disabled."
            services.record_failed_login(form.email.data or "", get_remote_address())
            db.session.commit()
        else:
            # In, or on to the second factor; a new session either way (signing_in.py).
            return signing_in.after_password(user, next_url)
    return (render_template("auth/login.html", form=form, error=error, providers=oidc.enabled(), next_url=next_url),
            (401 if error else 200))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    if current_user.is_authenticated:
        sessions.end(current_user.login_token)
        db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    refused: Refused | None = None
    if form.validate_on_submit():
        done = run(
            form,
            lambda: services.change_password(current_user, form.current_password.data or "",
                                             form.new_password.data or ""),
            success=lambda ended: " ".join(filter(None, (
                "Your password has been changed. Your other sessions have been signed out.",
                credentials.ended_in_words(ended)))),
            then=url_for("dashboard.index"),
        )
        if not isinstance(done, Refused):
            return done
        refused = done
    return (render_template("auth/change_password.html", form=form, held=credentials.held_by(current_user)),
            page_status(form, refused))


@bp.get("/account/sessions")
@login_required
def account_sessions() -> ResponseReturnValue:
    rows = sessions.live_sessions(current_user)
    return render_template(
        "auth/sessions.html", rows=rows, current={r.id for r in rows if sessions.is_current(r, current_user)},
        form=SignOutEverywhereForm(formdata=None), held=credentials.held_by(current_user),
        idle_hours=round(current_app.permanent_session_lifetime.total_seconds() / 3600),
        absolute_hours=round(current_app.config["SESSION_ABSOLUTE_SECONDS"] / 3600),
    )


@bp.post("/account/sessions/sign-out-everywhere")
@login_required
def sign_out_everywhere() -> ResponseReturnValue:
    form = SignOutEverywhereForm()
    if not form.validate():
        return redirect(url_for("auth.account_sessions"))
    ended = services.sign_out_everywhere(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(" ".join(filter(None, ("You have signed out on every device and browser.",
                                 credentials.ended_in_words(ended)))), "success")
    return redirect(url_for("auth.login"))
