"""Views of the intake feature: thin; the rules are in services.py and rules.py, the reads in queries.py."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response as ResponseBase

from tracker.auth.permissions import admin_required, coordinator_required
from tracker.extensions import db
from tracker.intake import bp, queries, services, sources
from tracker.intake import rules as rules_service
from tracker.intake.forms import AcceptForm, DismissForm, KeywordsForm, OrganisationRuleForm, SelectionForm
from tracker.models import WorkArea
from tracker.models.intake import IntakeItem, ItemState, OrganisationRule
from tracker.pagination import govuk_pagination, requested_page
from tracker.timeutil import utcnow
from tracker.views import Refused, page_status, run, run_if


def _get_item(item_id: int) -> IntakeItem:
    item = queries.get_item(item_id)
    if item is None:
        abort(404, "There is no imported item with that number.")
    return item


@bp.get("/")
@coordinator_required
def inbox() -> ResponseReturnValue:
    try:
        state = ItemState(request.args.get("state", ItemState.PENDING.value))
    except ValueError:
        abort(400, "Unknown list: choose one of the tabs.")
    return inbox_page(state)


def inbox_page(state: ItemState, selection: SelectionForm | None = None, status: int = 200) -> ResponseReturnValue:
    """The inbox; ``selection`` is the form of ticked items sent back with its error."""
    data = queries.inbox(state, requested_page(), current_app.config["PAGE_SIZE"])
    return render_template(
        "intake/inbox.html",
        items=data.items,
        state=state,
        tabs=data.tabs,
        page=data.page,
        pages=data.pages,
        total=data.total,
        last_runs=data.last_runs,
        now=utcnow(),
        selection=selection or SelectionForm(),
        form=selection,
        pagination=govuk_pagination(data.page, data.pages, lambda n: url_for("intake.inbox", state=state.value, page=n)),
    ), status


def _item_page(row: IntakeItem, dismiss_form: DismissForm | None = None,
               accept_form: AcceptForm | None = None, status: int = 200) -> ResponseReturnValue:
    if accept_form is None:
        accept_form = AcceptForm(work_area_id=row.suggested_work_area_id or 0)
        accept_form.work_area_id.choices = queries.work_area_choices("No work area yet")
    # `form`: the one sent back with errors, for the page's error summary.
    return render_template(
        "intake/item.html", item=row, accept_form=accept_form, dismiss_form=dismiss_form or DismissForm(),
        form=dismiss_form or (accept_form if status != 200 else None), closed=queries.is_closed(row),
        item_public_url=sources.item_url(row),
    ), status


@bp.get("/items/<int:item_id>")
@coordinator_required
def item(item_id: int) -> ResponseReturnValue:
    return _item_page(_get_item(item_id))


@bp.post("/items/<int:item_id>/accept")
@coordinator_required
def accept(item_id: int) -> ResponseReturnValue:
    row = _get_item(item_id)
    form = AcceptForm()
    form.work_area_id.choices = queries.work_area_choices("No work area yet")
    if not form.validate_on_submit():
        flash("Choose a work area from the list.", "error")
        return redirect(url_for("intake.item", item_id=row.id))
    area = db.session.get(WorkArea, form.work_area_id.data) if form.work_area_id.data else None
    outcome = run(form, lambda: services.accept_item(current_user, row, work_area=area),
                  success=lambda c: f"“{c.title}” is now tracked as a new consultation: triage it next.",
                  then=lambda c: url_for("consultations.detail", consultation_id=c.id), invalid_to=url_for("intake.item", item_id=row.id))
    if isinstance(outcome, Refused):
        return _item_page(row, accept_form=form, status=page_status(form, outcome))
    return outcome


@bp.post("/items/<int:item_id>/dismiss")
@coordinator_required
def dismiss(item_id: int) -> ResponseReturnValue:
    row = _get_item(item_id)
    form = DismissForm()
    outcome = run_if(form.validate_on_submit(), form,
                     lambda: services.dismiss_item(current_user, row, form.reason.data or ""),
                     success=f"Dismissed “{row.title}”. It will not come back.",
                     then=url_for("intake.inbox"), invalid_to=url_for("intake.item", item_id=row.id))
    if isinstance(outcome, ResponseBase):
        return outcome
    return _item_page(row, dismiss_form=form, status=page_status(form, outcome))


# --- Classification rules (admins) -------------------------------------------------------------


def _rules_page(form: OrganisationRuleForm, status: int = 200) -> ResponseReturnValue:
    return render_template("intake/rules.html", **queries.rules_page(), form=form, rule_form=form), status


@bp.get("/rules")
@admin_required
def rules() -> ResponseReturnValue:
    if rules_service.ensure_default_rules():
        db.session.commit()
    form = OrganisationRuleForm()
    form.work_area_id.choices = queries.work_area_choices()
    return _rules_page(form)


@bp.post("/rules/organisations")
@admin_required
def add_rule() -> ResponseReturnValue:
    form = OrganisationRuleForm()
    form.work_area_id.choices = queries.work_area_choices()
    if not form.validate_on_submit():
        return _rules_page(form, 400)
    area = db.session.get(WorkArea, form.work_area_id.data)
    if area is None:
        abort(400, "Choose a work area from the list.")
    outcome = run(form, lambda: rules_service.add_organisation_rule(current_user, form.organisation.data or "", area),
                  success=f"Items from {form.organisation.data} will now suggest {area.name}.",
                  then=url_for("intake.rules"))
    if isinstance(outcome, Refused):
        return _rules_page(form, page_status(form, outcome))
    return outcome


@bp.post("/rules/organisations/<int:rule_id>/delete")
@admin_required
def delete_rule(rule_id: int) -> ResponseReturnValue:
    rule = db.session.get(OrganisationRule, rule_id)
    if rule is None:
        abort(404, "That rule no longer exists.")
    text = f"{rule.organisation} → {rule.work_area.name}"
    rules_service.delete_organisation_rule(current_user, rule)
    db.session.commit()
    flash(f"Removed the rule {text}.", "success")
    return redirect(url_for("intake.rules"))


@bp.route("/rules/keywords/<int:area_id>", methods=["GET", "POST"])
@admin_required
def keywords(area_id: int) -> ResponseReturnValue:
    area = db.session.get(WorkArea, area_id)
    if area is None:
        abort(404, "There is no such work area.")
    row = queries.keywords_for(area)
    form = KeywordsForm(keywords=row.keywords if row else "")
    outcome = run_if(form.validate_on_submit(), form,
                     lambda: rules_service.set_keywords(current_user, area, form.keywords.data or ""),
                     success=f"Saved the keywords for {area.name}. They apply to items imported or changed from now on.",
                     then=url_for("intake.rules"))
    if isinstance(outcome, ResponseBase):
        return outcome
    return render_template("intake/keywords.html", area=area, form=form), page_status(form, outcome)


@bp.get("/runs")
@admin_required
def runs() -> ResponseReturnValue:
    rows = queries.recent_runs()
    return render_template("intake/runs.html", runs=rows)
