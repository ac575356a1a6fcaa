from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from tracker.auth import bp, services
from tracker.auth.forms import ChangePasswordForm, LoginForm
from tracker.errors import DomainError
from tracker.extensions import db


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
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
        else:
            # A new session on login: nothing from before sign-in carries over (fixation).
            session.clear()
            services.record_login(user)
            db.session.commit()
            login_user(user)
            session.permanent = True
            flash(f"Signed in as {user.name}.", "success")
            return redirect(next_url if services.is_safe_next(next_url) else url_for("dashboard.index"))
    return render_template("auth/login.html", form=form, error=error), (401 if error else 200)


@bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():  # type: ignore[no-untyped-def]
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data or "", form.new_password.data or "")
        except DomainError as exc:
            form.current_password.errors.append(exc.message)
        else:
            db.session.commit()
            login_user(current_user)  # the session token changed: keep this session signed in
            flash("Your password has been changed. Other sessions have been signed out.", "success")
            return redirect(url_for("dashboard.index"))
    return render_template("auth/change_password.html", form=form)
