"""Views of the intake feature: thin; the rules are in services.py."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.auth.permissions import admin_required, coordinator_required
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.intake import bp, services
from tracker.intake.forms import AcceptForm, DismissForm, KeywordsForm, OrganisationRuleForm
from tracker.models import WorkArea
from tracker.models.intake import GovukItem, ImportRun, ItemState, OrganisationRule, WorkAreaKeywords
from tracker.pagination import requested_page
from tracker.timeutil import utcnow

STATE_TABS = [
    (ItemState.PENDING, "To triage"),
    (ItemState.ACCEPTED, "Accepted"),
    (ItemState.DISMISSED, "Dismissed"),
    (ItemState.WITHDRAWN, "Withdrawn"),
]


def _work_area_choices(blank: str | None = None) -> list[tuple[int, str]]:
    areas = db.session.scalars(select(WorkArea).order_by(WorkArea.name)).all()
    choices = [(a.id, a.name) for a in areas]
    return ([(0, blank)] + choices) if blank else choices


def _get_item(item_id: int) -> GovukItem:
    item = db.session.get(
        GovukItem, item_id, options=[selectinload(GovukItem.suggested_work_area), selectinload(GovukItem.consultation)]
    )
    if item is None:
        abort(404, "There is no imported item with that number.")
    return item


@bp.get("/")
@coordinator_required
def inbox():  # type: ignore[no-untyped-def]
    try:
        state = ItemState(request.args.get("state", ItemState.PENDING.value))
    except ValueError:
        abort(400, "Unknown list: choose one of the tabs.")
    page = requested_page(request.args)
    per_page = current_app.config["PAGE_SIZE"]
    counts = dict(
        db.session.execute(select(GovukItem.state, func.count(GovukItem.id)).group_by(GovukItem.state)).all()
    )
    total = counts.get(state.value, 0)
    items = db.session.scalars(
        select(GovukItem)
        .options(selectinload(GovukItem.suggested_work_area), selectinload(GovukItem.consultation))
        .where(GovukItem.state == state.value)
        # Newest closing first; items without a date last.
        .order_by(GovukItem.closes_at.is_(None), GovukItem.closes_at.desc(), GovukItem.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    pages = max(1, -(-total // per_page))
    last_run = db.session.scalar(select(ImportRun).order_by(ImportRun.started_at.desc()).limit(1))
    return render_template(
        "intake/inbox.html",
        items=items,
        state=state,
        tabs=[(s, label, counts.get(s.value, 0)) for s, label in STATE_TABS],
        page=page,
        pages=pages,
        total=total,
        last_run=last_run,
        now=utcnow(),
    )


@bp.get("/items/<int:item_id>")
@coordinator_required
def item(item_id: int):  # type: ignore[no-untyped-def]
    row = _get_item(item_id)
    accept_form = AcceptForm(work_area_id=row.suggested_work_area_id or 0)
    accept_form.work_area_id.choices = _work_area_choices("No work area yet")
    return render_template(
        "intake/item.html",
        item=row,
        accept_form=accept_form,
        dismiss_form=DismissForm(),
        closed=services.is_closed(row),
    )


@bp.post("/items/<int:item_id>/accept")
@coordinator_required
def accept(item_id: int):  # type: ignore[no-untyped-def]
    row = _get_item(item_id)
    form = AcceptForm()
    form.work_area_id.choices = _work_area_choices("No work area yet")
    if not form.validate_on_submit():
        flash("Choose a work area from the list.", "error")
        return redirect(url_for("intake.item", item_id=row.id))
    area = db.session.get(WorkArea, form.work_area_id.data) if form.work_area_id.data else None
    try:
        consultation = services.accept_item(current_user, row, work_area=area)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("intake.item", item_id=item_id))
    db.session.commit()
    flash(f"“{consultation.title}” is now tracked as a new consultation.", "success")
    return redirect(url_for("intake.inbox"))


@bp.post("/items/<int:item_id>/dismiss")
@coordinator_required
def dismiss(item_id: int):  # type: ignore[no-untyped-def]
    row = _get_item(item_id)
    form = DismissForm()
    if not form.validate_on_submit():
        accept_form = AcceptForm(work_area_id=row.suggested_work_area_id or 0)
        accept_form.work_area_id.choices = _work_area_choices("No work area yet")
        return render_template(
            "intake/item.html", item=row, accept_form=accept_form, dismiss_form=form, form=form,
            closed=services.is_closed(row),
        ), 400
    try:
        services.dismiss_item(current_user, row, form.reason.data or "")
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("intake.item", item_id=item_id))
    db.session.commit()
    flash(f"Dismissed “{row.title}”. It will not come back.", "success")
    return redirect(url_for("intake.inbox"))


# --- Classification rules (admins) -------------------------------------------------------------


def _rules_page(form: OrganisationRuleForm, status: int = 200):  # type: ignore[no-untyped-def]
    rules = db.session.scalars(
        select(OrganisationRule)
        .options(selectinload(OrganisationRule.work_area))
        .order_by(func.lower(OrganisationRule.organisation), OrganisationRule.id)
    ).all()
    keywords = {
        k.work_area_id: k for k in db.session.scalars(select(WorkAreaKeywords))
    }
    areas = db.session.scalars(select(WorkArea).order_by(WorkArea.name)).all()
    return render_template(
        "intake/rules.html", rules=rules, keywords=keywords, areas=areas, form=form, rule_form=form
    ), status


@bp.get("/rules")
@admin_required
def rules():  # type: ignore[no-untyped-def]
    if services.ensure_default_rules():
        db.session.commit()
    form = OrganisationRuleForm()
    form.work_area_id.choices = _work_area_choices()
    return _rules_page(form)


@bp.post("/rules/organisations")
@admin_required
def add_rule():  # type: ignore[no-untyped-def]
    form = OrganisationRuleForm()
    form.work_area_id.choices = _work_area_choices()
    if not form.validate_on_submit():
        return _rules_page(form, 400)
    area = db.session.get(WorkArea, form.work_area_id.data)
    if area is None:
        abort(400, "Choose a work area from the list.")
    try:
        services.add_organisation_rule(current_user, form.organisation.data or "", area)
    except DomainError as exc:
        db.session.rollback()
        form.organisation.errors = [exc.message]
        return _rules_page(form, 400)
    db.session.commit()
    flash(f"Items from {form.organisation.data} will now suggest {area.name}.", "success")
    return redirect(url_for("intake.rules"))


@bp.post("/rules/organisations/<int:rule_id>/delete")
@admin_required
def delete_rule(rule_id: int):  # type: ignore[no-untyped-def]
    rule = db.session.get(OrganisationRule, rule_id)
    if rule is None:
        abort(404, "That rule no longer exists.")
    text = f"{rule.organisation} → {rule.work_area.name}"
    services.delete_organisation_rule(current_user, rule)
    db.session.commit()
    flash(f"Removed the rule {text}.", "success")
    return redirect(url_for("intake.rules"))


@bp.route("/rules/keywords/<int:area_id>", methods=["GET", "POST"])
@admin_required
def keywords(area_id: int):  # type: ignore[no-untyped-def]
    area = db.session.get(WorkArea, area_id)
    if area is None:
        abort(404, "There is no such work area.")
    row = db.session.scalar(select(WorkAreaKeywords).where(WorkAreaKeywords.work_area_id == area.id))
    form = KeywordsForm(keywords=row.keywords if row else "")
    if form.validate_on_submit():
        try:
            services.set_keywords(current_user, area, form.keywords.data or "")
        except DomainError as exc:
            db.session.rollback()
            form.keywords.errors = [exc.message]
        else:
            db.session.commit()
            flash(f"Saved the keywords for {area.name}. They apply to items imported or changed from now on.",
                  "success")
            return redirect(url_for("intake.rules"))
    status = 400 if form.errors else 200
    return render_template("intake/keywords.html", area=area, form=form), status


@bp.get("/runs")
@admin_required
def runs():  # type: ignore[no-untyped-def]
    rows = db.session.scalars(select(ImportRun).order_by(ImportRun.started_at.desc()).limit(50)).all()
    return render_template("intake/runs.html", runs=rows)
