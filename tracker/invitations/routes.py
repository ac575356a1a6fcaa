"""Views of invitations: the admins' list and form, a lead's invitation of a contributor to one
response, resending and revoking, and the invitee's page that accepts one."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from tracker.auth import oidc, signing_in
from tracker.auth.oidc_views import INVITATION_TOKEN
from tracker.auth.permissions import admin_required
from tracker.auth.services import is_safe_next
from tracker.drafts.permissions import can_manage_contributors, require
from tracker.drafts.queries import get_consultation
from tracker.errors import DomainError, NotFound, Stale
from tracker.extensions import db
from tracker.invitations import bp, queries, services
from tracker.invitations.forms import AcceptForm, ActionForm, ContributorInviteForm, InviteForm
from tracker.models import City, Role
from tracker.models.invitations import Invitation
from tracker.pagination import govuk_pagination, paginate
from tracker.routing import parse_id
from tracker.timeutil import utcnow
from tracker.views import Refused, attach_error, page_status, run


def _city(value: str | None) -> City | None:
    city_id = parse_id(value)
    return db.session.get(City, city_id) if city_id else None


def _sent(invitation: Invitation) -> str:
    return (f"Invitation sent to {invitation.email}. The link works once, for "
            f"{current_app.config['INVITATION_DAYS']} days.")


def _guarded(form: Any, action: Any, **kwargs: Any) -> Response | Refused:
    """run(), with a clash on the email address (another invitation made at the same moment) said
    on its field."""
    try:
        return run(form, action, **kwargs)
    except IntegrityError:
        db.session.rollback()
        error = DomainError("Someone has just invited or added this email address. Check the list.", "email")
        attach_error(form, error)
        return Refused(error=error)


@bp.get("/admin/invitations")
@admin_required
def index() -> ResponseReturnValue:
    state = request.args.get("state")
    state = state if state in queries.STATES else None
    now = utcnow()
    page = paginate(queries.admin_query(state, now), current_app.config["PAGE_SIZE"])
    return render_template(
        "invitations/index.html", rows=queries.rows(page.items, now), states=queries.STATES, state=state,
        pagination=govuk_pagination(page.page, page.pages,
                                    lambda n: url_for("invitations.index", state=state, page=n)),
        action=ActionForm(formdata=None), back=request.full_path.rstrip("?"),
    )


@bp.route("/admin/invitations/new", methods=["GET", "POST"])
@admin_required
def new() -> ResponseReturnValue:
    form = InviteForm()
    form.city.choices = [("", "No city (admins and coordinators)"), *queries.member_cities()]
    if not form.is_submitted():
        form.role.data = Role.CONTRIBUTOR.value
    refused = None
    if form.validate_on_submit():
        done = _guarded(form, lambda: services.invite(
            current_user, email=form.email.data or "", name=form.name.data or "", role=form.role.data or "",
            city=_city(form.city.data)), success=_sent, then=url_for("invitations.index"))
        if not isinstance(done, Refused):
            return done
        refused = done
    return render_template("invitations/new.html", form=form), page_status(form, refused)


@bp.route("/consultations/<int:consultation_id>/response/invite", methods=["GET", "POST"])
@login_required
def contributor(consultation_id: int) -> ResponseReturnValue:
    consultation = get_consultation(consultation_id)
    require(can_manage_contributors(current_user, consultation),
            "Only the lead city's policy leads and coordinators can invite contributors.")
    form = ContributorInviteForm()
    form.city.choices = [("", "Choose a city"), *queries.member_cities()]
    here = url_for("invitations.contributor", consultation_id=consultation.id)
    refused = None
    if form.validate_on_submit():
        done = _guarded(form, lambda: services.invite_contributor(
            current_user, consultation, email=form.email.data or "", name=form.name.data or "",
            city=_city(form.city.data)), success=_sent, then=here)
        if not isinstance(done, Refused):
            return done
        refused = done
    return render_template(
        "invitations/contributor.html", consultation=consultation, form=form,
        rows=queries.for_consultation(consultation.id, utcnow()), action=ActionForm(formdata=None), back=here,
    ), page_status(form, refused)


def _invitation(invitation_id: int) -> Invitation:
    found = queries.get(invitation_id)
    if found is None:
        raise NotFound("There is no such invitation.")
    return found


def _back(form: ActionForm, invitation: Invitation) -> str:
    if is_safe_next(form.back.data):
        return form.back.data
    if invitation.consultation_id and not current_user.is_admin:
        return url_for("invitations.contributor", consultation_id=invitation.consultation_id)
    return url_for("invitations.index")


def _act(invitation: Invitation, form: ActionForm, verb: Any, said: str) -> Response:
    back = _back(form, invitation)
    if not form.validate():
        flash("The page had expired. Check the invitation and try again.", "error")
        return redirect(back)
    try:
        verb(current_user, invitation, form.version.data)
    except Stale as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(back)
    except DomainError as exc:
        if exc.status_code != 400:
            raise
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(back)
    db.session.commit()
    flash(said, "success")
    return redirect(back)


@bp.post("/invitations/<int:invitation_id>/resend")
@login_required
def resend(invitation_id: int) -> ResponseReturnValue:
    invitation = _invitation(invitation_id)
    return _act(invitation, ActionForm(), services.resend,
                f"Sent the invitation to {invitation.email} again. The earlier link no longer works.")


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke(invitation_id: int) -> ResponseReturnValue:
    invitation = _invitation(invitation_id)
    if request.method == "POST":
        return _act(invitation, ActionForm(), services.revoke,
                    f"Revoked the invitation for {invitation.email}: its link no longer works.")
    if not services.may_manage(current_user, invitation):
        abort(403, "Only admins, and for a response its lead city's policy leads and coordinators, can revoke it.")
    form = ActionForm(formdata=None, version=invitation.version, back=request.args.get("back", ""))
    return render_template("invitations/revoke.html", invitation=invitation, form=form,
                           cancel=_back(form, invitation))


def _gone(message: str, status: int) -> ResponseReturnValue:
    return render_template("invitations/gone.html", message=message), status


@bp.route("/invitations/accept/<token>", methods=["GET", "POST"])
def accept(token: str) -> ResponseReturnValue:
    try:
        invitation = services.live(token)
    except NotFound as exc:
        return _gone(exc.message, 404)
    except DomainError as exc:
        return _gone(exc.message, 410)
    if current_user.is_authenticated:
        return _gone(f"You are signed in as {current_user.email}. Sign out first to accept an invitation for "
                     "someone else.", 409)
    # For a council account's sign-in started from this page (auth/oidc_views.py).
    session[INVITATION_TOKEN] = token
    landing = (url_for("drafts.response", consultation_id=invitation.consultation_id)
               if invitation.consultation_id else None)
    form = AcceptForm()
    if not form.is_submitted():
        form.name.data = invitation.user.name
    if form.validate_on_submit():
        try:
            user = services.accept_with_password(token, name=form.name.data or "", password=form.password.data or "")
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            if exc.field is None:
                return _gone(exc.message, 410)
            attach_error(form, exc)
        else:
            return signing_in.after_password(user, landing)
    return render_template(
        "invitations/accept.html", invitation=invitation, form=form, providers=oidc.enabled(), next_url=landing,
        role=services.describe_role(invitation),
        inviter=invitation.invited_by.name if invitation.invited_by else current_app.config["NETWORK_NAME"],
    ), page_status(form)
