"""Views of the second factor: its step when signing in (a code, or setting up an authenticator
first when the role requires one) and the account's page of how one signs in."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash, make_response, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker.auth import bp, devices, mfa, oidc, services, signing_in
from tracker.auth.forms import ButtonForm, CodeForm, ConfirmCodeForm
from tracker.errors import DomainError
from tracker.extensions import db, limiter
from tracker.models import User
from tracker.views import attach_error, page_status

T = TypeVar("T")

WRONG_CODE = "The code is not right, or it was used already. Enter the code your authenticator app shows now, " \
             "or one of your recovery codes."


def _start_again() -> Response:
    flash("Sign in again: the second step of signing in was not finished in time.", "info")
    return redirect(url_for("auth.login"))


def _refused(response: Response) -> bool:
    return response.status_code == 401


@bp.route("/login/code", methods=["GET", "POST"])
# Per person half-way in: six digits are guessable only by many tries.
@limiter.limit(signing_in.code_limit, key_func=signing_in.pending_key, methods=["POST"], deduct_when=_refused,
               scope="second-factor")
def second_factor() -> ResponseReturnValue:
    held = signing_in.pending(signing_in.CODE)
    if held is None:
        return _start_again()
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        used = mfa.verify(held.user, form.code.data or "")
        if used is None:
            db.session.rollback()
            mfa.record_failed_code(held.user, get_remote_address())
            db.session.commit()
            error = WRONG_CODE
        else:
            if used == "recovery":
                left = mfa.recovery_codes_left(held.user)
                flash(f"You used a recovery code: {left} left. Make new ones from your account page if you are "
                      "running out.", "info")
            return signing_in.finish(held.user, held.next_url)
    status = 401 if error else page_status(form)
    return render_template("auth/second_factor.html", form=form, error=error), status


def _codes_page(user: User, codes: list[str], then: str, *, signing_in_now: bool) -> Response:
    response = make_response(render_template("auth/recovery_codes.html", codes=codes, then=then,
                                             signing_in_now=signing_in_now))
    if signing_in_now:
        devices.remember(response, services.normalise_email(user.email))
    return response


def _set_up_page(user: User, form: ConfirmCodeForm, template_args: dict[str, object]) -> ResponseReturnValue:
    secret = mfa.pending_secret(user) if form.is_submitted() else None
    if secret is None:
        secret = mfa.begin(user)
        db.session.commit()
    uri = mfa.provisioning_uri(user, secret)
    spaced = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return render_template("auth/second_factor_set_up.html", form=form, qr=mfa.qr_code(uri), secret=spaced,
                           **template_args), page_status(form)


@bp.route("/login/set-up-second-factor", methods=["GET", "POST"])
def second_factor_set_up() -> ResponseReturnValue:
    """After the password, before any page: a role that must use a second factor sets it up now."""
    held = signing_in.pending(signing_in.ENROL)
    if held is None:
        return _start_again()
    form = ConfirmCodeForm()
    if form.validate_on_submit():
        try:
            codes = mfa.confirm(held.user, form.code.data or "")
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc)
        else:
            signing_in.start_session(held.user)
            return _codes_page(held.user, codes, signing_in.landing(held.next_url), signing_in_now=True)
    return _set_up_page(held.user, form, {"signing_in_now": True, "role": held.user.role_enum.label.lower()})


@bp.get("/account/sign-in")
@login_required
def sign_in_methods() -> ResponseReturnValue:
    return render_template(
        "auth/sign_in_methods.html", enrolled=mfa.is_enrolled(current_user), required=mfa.is_required(current_user),
        codes_left=mfa.recovery_codes_left(current_user), linked=oidc.linked_accounts(current_user),
        providers=oidc.enabled(), label=oidc.label, has_password=bool(current_user.password_hash),
        button=ButtonForm(formdata=None),
    )


def _with_code(form: ConfirmCodeForm, verb: Callable[[User, str], T]) -> T | None:
    """Run ``verb`` with the code the person typed and commit, giving what it gave; or put its
    refusal on the form and roll back (None)."""
    if not form.validate_on_submit():
        return None
    try:
        result = verb(current_user, form.code.data or "")
    except DomainError as exc:
        db.session.rollback()
        attach_error(form, exc)
        return None
    db.session.commit()
    return result


def _turn_off(user: User, code: str) -> bool:
    mfa.turn_off(user, code)
    return True


@bp.route("/account/sign-in/authenticator", methods=["GET", "POST"])
@login_required
def account_set_up() -> ResponseReturnValue:
    if mfa.is_enrolled(current_user):
        flash("Your authenticator app is already set up.", "info")
        return redirect(url_for("auth.sign_in_methods"))
    form = ConfirmCodeForm()
    codes = _with_code(form, mfa.confirm)
    if codes is not None:
        return _codes_page(current_user, codes, url_for("auth.sign_in_methods"), signing_in_now=False)
    return _set_up_page(current_user, form, {"signing_in_now": False})


@bp.route("/account/sign-in/recovery-codes", methods=["GET", "POST"])
@login_required
def new_recovery_codes() -> ResponseReturnValue:
    form = ConfirmCodeForm()
    codes = _with_code(form, mfa.new_recovery_codes)
    if codes is not None:
        return _codes_page(current_user, codes, url_for("auth.sign_in_methods"), signing_in_now=False)
    return render_template("auth/second_factor_confirm.html", form=form, action="codes"), page_status(form)


@bp.route("/account/sign-in/authenticator/off", methods=["GET", "POST"])
@login_required
def turn_off_second_factor() -> ResponseReturnValue:
    form = ConfirmCodeForm()
    if _with_code(form, _turn_off):
        flash("The second factor is off: your password alone signs you in.", "success")
        return redirect(url_for("auth.sign_in_methods"))
    return (render_template("auth/second_factor_confirm.html", form=form, action="off",
                            required=mfa.is_required(current_user)), page_status(form))
