"""The engagement log: the list (paged, filtered by kind, work area and year), one engagement with
its follow-up actions, recording, editing (versioned) and marking a follow-up done."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as ResponseBase

from tracker.models.policy import ENGAGEMENT_KIND_LABELS, Engagement, FollowUp
from tracker.pagination import govuk_pagination, requested_page
from tracker.policy import bp, engagements, permissions, queries
from tracker.policy.forms import (
    BaseForm,
    EngagementEditForm,
    EngagementFilterForm,
    EngagementForm,
    FollowUpDeleteForm,
    FollowUpEditForm,
    FollowUpForm,
)
from tracker.policy.routes.common import area_choices
from tracker.routing import parse_id
from tracker.views import Refused, page_status, run, run_if

_RECORD_REFUSAL = "Only coordinators and policy leads can record engagements."
_EDIT_REFUSAL = "Only coordinators, whoever recorded it and the leads of its work area can edit this engagement."


@bp.get("/engagements")
@login_required
def engagement_list() -> ResponseReturnValue:
    form = EngagementFilterForm(request.args)
    form.kind.choices = [("", "Any kind"), *ENGAGEMENT_KIND_LABELS.items()]
    form.area.choices = [("", "Any work area")] + [(str(a.id), a.name) for a in queries.work_areas()]
    form.year.choices = [("", "Any year")] + [(str(y), str(y)) for y in queries.engagement_years()]
    # An ask that is not there is a link gone stale: said as such, not a list quietly unfiltered.
    raised = queries.get_ask(parse_id(form.ask.data) or 0) if form.ask.data else None
    valid = form.validate()
    filters = queries.EngagementFilters()
    if valid:
        filters = queries.EngagementFilters(kind=form.kind.data or None, work_area_id=parse_id(form.area.data),
                                            year=int(form.year.data) if form.year.data else None,
                                            ask_id=raised.id if raised else None)
    page = queries.engagement_page(filters, requested_page(), current_app.config["PAGE_SIZE"])
    args = {k: v for k, v in {"kind": form.kind.data, "area": form.area.data, "year": form.year.data,
                              "ask": form.ask.data}.items() if v and valid}
    return render_template(
        "policy/engagements.html", filter_form=form, form=form if not valid else None, page=page,
        pages_nav=govuk_pagination(page.page, page.pages, lambda n: url_for("policy.engagement_list", page=n, **args)),
        filtered=bool(args), raised=raised, can_record=permissions.can_record_engagement(current_user),
    ), 200 if valid else 400


def _choices(form: EngagementForm, engagement: Engagement | None) -> int | None:
    """Fills the form's choices; returns how many consultations the search found (None: no search)."""
    form.work_area_id.choices = area_choices("No particular work area")
    chosen = set(form.asks.data or []) | (
        {a.id for a in queries.engagement_links(engagement)["asks"]} if engagement is not None else set())
    form.asks.choices = queries.ask_choices(include=chosen)
    form.partners.choices = [(p.id, p.name) for p in queries.partner_networks()
                             if p.is_active or p.id in set(form.partners.data or [])]
    form.consultations.data = [i for i in form.consultations.data or [] if i]
    form.consultations.choices, found = queries.consultation_choices(
        form.consultations.data, (form.find.data or "")[:200] if form.searching() else "")
    return found


def _form_page(form: EngagementForm, engagement: Engagement | None,
               refused: Refused | None, found: int | None) -> ResponseReturnValue:
    return render_template("policy/engagement_form.html", form=form, engagement=engagement,
                           stale=refused and refused.stale, found=found), page_status(form, refused)


def _saving(form: EngagementForm) -> bool:
    """Saves only when the save button (not the search) sent a valid form."""
    return not form.searching() and form.validate_on_submit()


@bp.route("/engagements/new", methods=["GET", "POST"])
@login_required
def new_engagement() -> ResponseReturnValue:
    permissions.require(permissions.can_record_engagement(current_user), _RECORD_REFUSAL)
    form = EngagementForm()
    if request.method == "GET":
        if consultation_id := parse_id(request.args.get("consultation")):
            form.consultations.data = [consultation_id]
        if area_id := parse_id(request.args.get("area")):
            form.work_area_id.data = area_id
    found = _choices(form, None)
    outcome = run_if(_saving(form), form,
                     lambda: engagements.create_engagement(current_user, form.to_input()),
                     success="Engagement recorded.",
                     then=lambda e: url_for("policy.engagement", engagement_id=e.id))
    if isinstance(outcome, ResponseBase):
        return outcome
    return _form_page(form, None, outcome, found)


def _detail(engagement: Engagement, follow_up_form: FollowUpForm | None = None, status: int = 200) -> ResponseReturnValue:
    can_edit = permissions.can_edit_engagement(current_user, engagement)
    if can_edit and follow_up_form is None:
        follow_up_form = FollowUpForm(formdata=None)
    if follow_up_form is not None:
        follow_up_form.owner_id.choices = [(0, "Choose an owner")] + queries.owner_choices()
    return render_template(
        "policy/engagement.html", engagement=engagement, links=queries.engagement_links(engagement),
        follow_ups=queries.follow_ups(engagement, current_user), history=queries.engagement_history(engagement),
        can_edit=can_edit, follow_up_form=follow_up_form, done_form=BaseForm(formdata=None),
        form=follow_up_form if follow_up_form is not None and follow_up_form.errors else None,
    ), status


@bp.get("/engagements/<int:engagement_id>")
@login_required
def engagement(engagement_id: int) -> ResponseReturnValue:
    return _detail(queries.get_engagement(engagement_id))


@bp.route("/engagements/<int:engagement_id>/edit", methods=["GET", "POST"])
@login_required
def edit_engagement(engagement_id: int) -> ResponseReturnValue:
    row = queries.get_engagement(engagement_id)
    permissions.require(permissions.can_edit_engagement(current_user, row), _EDIT_REFUSAL)
    form = EngagementEditForm()
    if request.method == "GET":
        links = queries.engagement_links(row)
        form.process(obj=row)
        form.asks.data = [a.id for a in links["asks"]]
        form.partners.data = [p.id for p in links["partners"]]
        form.consultations.data = [c.id for c in links["consultations"]]
    found = _choices(form, row)
    outcome = run_if(_saving(form), form,
                     lambda: engagements.edit_engagement(current_user, row, form.to_input(),
                                                         form.version.data or 0),
                     success="Engagement saved.", then=url_for("policy.engagement", engagement_id=row.id))
    if isinstance(outcome, ResponseBase):
        return outcome
    if outcome is not None:
        row = queries.get_engagement(engagement_id)
    return _form_page(form, row, outcome, found)


@bp.post("/engagements/<int:engagement_id>/follow-ups")
@login_required
def add_follow_up(engagement_id: int) -> ResponseReturnValue:
    row = queries.get_engagement(engagement_id)
    permissions.require(permissions.can_edit_engagement(current_user, row), _EDIT_REFUSAL)
    form = FollowUpForm()
    outcome = run_if(form.validate(), form, lambda: engagements.add_follow_up(
        current_user, row, description=form.description.data or "", owner_id=form.owner_id.data,
        due_on=form.due_on.data), success="Follow-up added.",
        then=url_for("policy.engagement", engagement_id=row.id, _anchor="follow-ups"))
    if isinstance(outcome, ResponseBase):
        return outcome
    return _detail(row, form, 400)


@bp.post("/follow-ups/<int:follow_up_id>/done")
@login_required
def follow_up_done(follow_up_id: int) -> ResponseReturnValue:
    row = queries.get_follow_up(follow_up_id)
    form = BaseForm()
    back = url_for("policy.engagement", engagement_id=row.engagement_id, _anchor="follow-ups")
    if not form.validate():
        return _detail(row.engagement, status=400)
    outcome = run(form, lambda: engagements.complete_follow_up(current_user, row),
                  success=f"Marked done: {row.description}", then=back)
    if isinstance(outcome, Refused):
        flash(outcome.error.message if outcome.error else "Not changed.", "error")
        return redirect(back)
    return outcome


def _follow_up_page(template: str, row: FollowUp, form: BaseForm, status: int = 200,
                    refused: Refused | None = None) -> ResponseReturnValue:
    return render_template(template, follow_up=row, engagement=row.engagement, form=form,
                           stale=refused and refused.stale), refused.status if refused else status


@bp.route("/follow-ups/<int:follow_up_id>/edit", methods=["GET", "POST"])
@login_required
def edit_follow_up(follow_up_id: int) -> ResponseReturnValue:
    row = queries.get_follow_up(follow_up_id)
    permissions.require(permissions.can_edit_engagement(current_user, row.engagement), _EDIT_REFUSAL)
    form = FollowUpEditForm(obj=row if request.method == "GET" else None)
    form.kept_due_on = row.due_on
    form.owner_id.choices = [(0, "Choose an owner")] + queries.owner_choices()
    back = url_for("policy.engagement", engagement_id=row.engagement_id, _anchor="follow-ups")
    outcome = run_if(form.validate_on_submit(), form, lambda: engagements.edit_follow_up(
        current_user, row, description=form.description.data or "", owner_id=form.owner_id.data,
        due_on=form.due_on.data, seen_version=form.version.data or 0), success="Follow-up saved.", then=back)
    if isinstance(outcome, ResponseBase):
        return outcome
    return _follow_up_page("policy/follow_up_form.html", queries.get_follow_up(follow_up_id), form,
                           page_status(form), outcome)


@bp.route("/follow-ups/<int:follow_up_id>/delete", methods=["GET", "POST"])
@login_required
def delete_follow_up(follow_up_id: int) -> ResponseReturnValue:
    """A confirmation page, then the deletion on the version it showed."""
    row = queries.get_follow_up(follow_up_id)
    permissions.require(permissions.can_edit_engagement(current_user, row.engagement), _EDIT_REFUSAL)
    form = FollowUpDeleteForm(data={"version": row.version} if request.method == "GET" else None)
    back = url_for("policy.engagement", engagement_id=row.engagement_id, _anchor="follow-ups")
    outcome = run_if(form.validate_on_submit(), form,
                     lambda: engagements.delete_follow_up(current_user, row, form.version.data or 0),
                     success=f"Follow-up deleted: {row.description}", then=back)
    if isinstance(outcome, ResponseBase):
        return outcome
    return _follow_up_page("policy/follow_up_delete.html", queries.get_follow_up(follow_up_id), form,
                           page_status(form), outcome)
