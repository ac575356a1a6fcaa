"""Views of signing in with a council account: to the provider and back, and linking one to the
account of someone signed in. The provider's answer is checked by oidc.py; the account it opens is
the one linked to it, or the one a first sign-in was invited to (oidc.first_sign_in)."""

from __future__ import annotations

import logging

import requests
from authlib.integrations.base_client.errors import OAuthError
from flask import abort, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from joserfc.errors import JoseError
from werkzeug.wrappers import Response

from tracker.auth import bp, oidc, services, signing_in
from tracker.auth.forms import ButtonForm, LoginForm
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.urls import external_url

log = logging.getLogger(__name__)

_INTENT = "kc_oidc_intent"
# Where the invitation page leaves the token of the invitation being accepted.
INVITATION_TOKEN = "kc_invitation_token"  # noqa: S105 - a session key's name


def _provider(name: str) -> oidc.Provider:
    found = oidc.provider(name)
    if found is None:
        abort(404, "Signing in with that kind of account is not offered here.")
    return found


@bp.get("/sign-in/<provider_name>")
def oidc_start(provider_name: str) -> ResponseReturnValue:
    """To the provider. A link, not a form: the strict CSP's form-action would stop a form's
    redirect to another site. The state, nonce and PKCE verifier stay in this browser's session."""
    p = _provider(provider_name)
    next_url = request.args.get("next")
    next_url = next_url if services.is_safe_next(next_url) else None
    link = request.args.get("link") == "1" and current_user.is_authenticated
    if current_user.is_authenticated and not link:
        return redirect(signing_in.landing(next_url))
    intent = {"next": next_url, "link": link,
              "invitation": session.get(INVITATION_TOKEN) if request.args.get("invitation") == "1" else None}
    try:
        response: Response = oidc.client(p).authorize_redirect(
            external_url("auth.oidc_callback", provider_name=p.name))
    except (requests.RequestException, ValueError, KeyError, RuntimeError) as exc:
        log.warning("sign-in with %s: the provider's discovery document could not be read: %s", p.name, exc)
        return _refused(p, f"{oidc.label(p.name)} could not be reached just now. Try again in a minute, or sign in "
                           "with your password.", status=503)
    session[_INTENT] = intent
    return response


def _refused(p: oidc.Provider, message: str, *, status: int = 403, email: str = "") -> ResponseReturnValue:
    oidc.record_refused(p, message, email)
    db.session.commit()
    return render_template("auth/login.html", form=LoginForm(formdata=None), error=message,
                           providers=oidc.enabled(), next_url=None), status


@bp.get("/sign-in/<provider_name>/callback")
def oidc_callback(provider_name: str) -> ResponseReturnValue:
    p = _provider(provider_name)
    intent = session.pop(_INTENT, None) or {}
    try:
        token = oidc.client(p).authorize_access_token(claims_options=oidc.claims_options(p))
    except OAuthError as exc:
        # A state this browser did not start, or started and used already (replayed), or the
        # provider's own refusal (the person cancelled).
        said = f"{exc.error}: {exc.description}" if exc.description else str(exc.error or exc)
        log.info("sign-in with %s refused: %s", p.name, said)
        return _refused(p, f"Signing in with {oidc.label(p.name)} did not work ({said}). Start again from the "
                           "sign-in page.", status=400)
    except JoseError as exc:
        return _refused(p, f"{oidc.label(p.name)}'s answer could not be trusted ({exc.error}: "
                           f"{exc.description or 'the ID token failed its checks'}).", status=400)
    except (requests.RequestException, ValueError) as exc:
        log.warning("sign-in with %s: the provider did not answer properly: %s", p.name, exc)
        return _refused(p, f"{oidc.label(p.name)} did not answer properly just now. Try again in a minute.",
                        status=503)
    claims = token.get("userinfo") or {}
    try:
        identity = oidc.check(p, dict(claims))
    except oidc.Refused as exc:
        return _refused(p, exc.message, email=str(claims.get("email") or "")[:254])
    if intent.get("link") and current_user.is_authenticated:
        return _link(identity)
    try:
        user = None if intent.get("invitation") else oidc.linked_user(identity)
        if user is None:
            user = oidc.first_sign_in(identity, intent.get("invitation"))
    except DomainError as exc:
        db.session.rollback()
        return _refused(p, exc.message, email=identity.email)
    if user is None:
        return _refused(p, f"No account in the tracker is linked to the {oidc.label(p.name)} account "
                           f"{identity.email or ''} yet. Follow the link in your invitation email, or sign in with your "
                           "password and link it from your account page.", email=identity.email)
    if not user.is_enabled:
        return _refused(p, "Your account in the tracker is disabled.", email=identity.email)
    # The council's own second factor stands for ours: no code step here.
    return signing_in.finish(user, intent.get("next"))


def _link(identity: oidc.Identity) -> ResponseReturnValue:
    try:
        oidc.link(current_user, identity, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(f"Your {oidc.label(identity.provider)} account now signs you in.", "success")
    return redirect(url_for("auth.sign_in_methods"))


@bp.post("/account/sign-in/linked/<int:identity_id>/unlink")
@login_required
def oidc_unlink(identity_id: int) -> ResponseReturnValue:
    form = ButtonForm()
    if not form.validate():
        abort(400, "The form had expired. Open the page again and try again.")
    try:
        oidc.unlink(current_user, identity_id)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash("That council account no longer signs you in.", "success")
    return redirect(url_for("auth.sign_in_methods"))
