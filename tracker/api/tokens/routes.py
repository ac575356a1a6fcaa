"""The tokens page: make a token (shown once), list them with their last use, revoke one."""

from __future__ import annotations

from flask import current_app, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from tracker.api.tokens import bp, queries, services
from tracker.api.tokens.forms import CreateTokenForm, RevokeTokenForm
from tracker.api.v1 import reference as api_reference
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.views import Refused, attach_error, page_status, run


def _list_page(form: CreateTokenForm, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "api/tokens.html", form=form, tokens=queries.tokens_of(current_user),
        rate_limit=services.rate_limit_in_words(), max_live=services.MAX_LIVE_TOKENS,
    ), status


@bp.get("/account/tokens")
@login_required
def index() -> ResponseReturnValue:
    return _list_page(CreateTokenForm(formdata=None))


@bp.post("/account/tokens")
@login_required
def create() -> ResponseReturnValue:
    form = CreateTokenForm()
    if not form.validate():
        return _list_page(form, page_status(form))
    try:
        token, secret = services.create(current_user, form.name.data or "", form.expiry.data or "")
    except DomainError as exc:
        db.session.rollback()
        attach_error(form, exc)
        return _list_page(form, 400)
    db.session.commit()
    # The commit expired the signed-in person, whom the page's header names: read again here,
    # not while the template draws.
    _header = (current_user.name, current_user.city)
    # Drawn here rather than after a redirect: the token would otherwise travel in the session
    # cookie (signed, not encrypted) on its way to the next page.
    return render_template(
        "api/token_created.html", name=token.name, secret=secret, expires_at=token.expires_at,
        example_url=current_app.config["BASE_URL"].rstrip("/") + "/api/v1/consultations",
    )


@bp.get("/account/tokens/<int:token_id>/revoke")
@login_required
def confirm_revoke(token_id: int) -> ResponseReturnValue:
    token = services.own_token(current_user, token_id)
    if token.revoked_at is not None:
        return render_template("api/token_revoke.html", token=token, form=None, already=True)
    return render_template("api/token_revoke.html", token=token, form=RevokeTokenForm(formdata=None), already=False)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int) -> ResponseReturnValue:
    form = RevokeTokenForm()
    token = services.own_token(current_user, token_id)
    if not form.validate():
        return render_template("api/token_revoke.html", token=token, form=form, already=False), 400
    outcome = run(form, lambda: services.revoke(current_user, token_id),
                  success=lambda t: f"The token “{t.name}” has been revoked: it no longer opens the API.",
                  then=url_for("api_tokens.index"))
    if isinstance(outcome, Refused):
        return render_template("api/token_revoke.html", token=token, form=form, already=False), outcome.status
    return outcome


@bp.get("/api/reference")
def reference() -> ResponseReturnValue:
    """The API's reference, from its OpenAPI document. Open to all: it shows no data."""
    document = api_reference.spec()
    return render_template(
        "api/reference.html", title=document["info"]["title"], operations=api_reference.operations(document),
        schemas=api_reference.schemas(document), spec_url=url_for("api-v1-api-docs.openapi_json"),
        tokens_url=url_for("api_tokens.index"), rate_limit=services.rate_limit_in_words(),
        base_url=current_app.config["BASE_URL"].rstrip("/"),
    )
