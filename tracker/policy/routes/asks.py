"""The network's asks: the list by work area, one ask's page with its track record and history,
adding and editing."""

from __future__ import annotations

from flask import current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker.models.policy import AskStatus
from tracker.pagination import govuk_pagination, requested_page
from tracker.policy import bp, permissions, queries, services
from tracker.policy.forms import AskEditForm, AskForm
from tracker.policy.routes.common import area_choices, city_choices
from tracker.views import page_status, run_if


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    return asks()


@bp.get("/asks")
@login_required
def asks() -> ResponseReturnValue:
    status = request.args.get("status", "")
    problem = None
    if status and status not in {s.value for s in AskStatus}:
        problem, status = "Choose active, achieved or retired", ""
    return render_template(
        "policy/asks.html", areas=queries.asks_by_area(current_user, status or None), status=status,
        statuses=AskStatus.choices(), problem=problem,
        status_label=AskStatus(status).label if status else "",
        can_create=permissions.can_create_ask(current_user),
    ), 400 if problem else 200


@bp.route("/asks/new", methods=["GET", "POST"])
@login_required
def new_ask() -> ResponseReturnValue:
    permissions.require(permissions.can_create_ask(current_user), "Only coordinators and admins can add asks.")
    form = AskForm()
    form.work_area_id.choices = area_choices()
    form.lead_city_id.choices = city_choices()
    if request.method == "GET" and (area := request.args.get("area", type=int)):
        form.work_area_id.data = area
    outcome = run_if(form.validate_on_submit(), form, lambda: services.create_ask(
        current_user, work_area_id=form.work_area_id.data, lead_city_id=form.lead_city_id.data,
        title=form.title.data or "", text=form.text.data or ""),
        success="Ask added.", then=lambda ask: url_for("policy.ask", ask_id=ask.id))
    if isinstance(outcome, Response):
        return outcome
    return render_template("policy/ask_form.html", form=form, ask=None), page_status(form, outcome)


@bp.get("/asks/<int:ask_id>")
@login_required
def ask(ask_id: int) -> ResponseReturnValue:
    row = queries.get_ask(ask_id)
    # The follow button is alerts' (a feature above policy), drawn through the hook it registers.
    follow_button = current_app.extensions.get("tracker.follow_button")
    follow = follow_button(current_user, "ask", str(row.id), "this ask") if follow_button else None
    record = queries.track_record(row, requested_page())
    return render_template(
        "policy/ask.html", ask=row, record=record, history=queries.ask_history(row),
        can_edit=permissions.can_edit_ask(current_user, row), follow=follow,
        pages_nav=govuk_pagination(record.page, record.pages,
                                   lambda n: url_for("policy.ask", ask_id=row.id, page=n, _anchor="made-in")))


@bp.route("/asks/<int:ask_id>/edit", methods=["GET", "POST"])
@login_required
def edit_ask(ask_id: int) -> ResponseReturnValue:
    row = queries.get_ask(ask_id)
    permissions.require(permissions.can_edit_ask(current_user, row),
                        "Only coordinators and the policy leads of the city that owns this ask can edit it.")
    form = AskEditForm(obj=row if request.method == "GET" else None)
    form.work_area_id.choices = area_choices()
    form.lead_city_id.choices = city_choices()
    outcome = run_if(form.validate_on_submit(), form, lambda: services.edit_ask(
        current_user, row, seen_version=form.version.data or 0, title=form.title.data or "",
        text=form.text.data or "", status=form.status.data or "", lead_city_id=form.lead_city_id.data,
        work_area_id=form.work_area_id.data),
        success="Ask saved.", then=url_for("policy.ask", ask_id=row.id))
    if isinstance(outcome, Response):
        return outcome
    if outcome is not None:
        row = queries.get_ask(ask_id)
    return render_template("policy/ask_form.html", form=form, ask=row, stale=outcome and outcome.stale,
                           may_move=current_user.is_coordinator), page_status(form, outcome)
