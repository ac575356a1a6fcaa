"""Views of triage in bulk: the inbox's ticked items dismissed with one reason, or accepted one
page each (decision and assignment together, "Item 2 of 3"), then back to the inbox with what
became of them. Thin: the rules are in bulk.py."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response as ResponseBase

from tracker.auth.permissions import coordinator_required
from tracker.consultations import assigning
from tracker.consultations import queries as consultation_queries
from tracker.consultations.services import proposed_deadline_for
from tracker.intake import bp, bulk, queries, sources
from tracker.intake.forms import AcceptAndAssignForm, DismissForm, SelectionForm
from tracker.intake.routes import inbox_page
from tracker.models import STATUS_LABELS, Consultation, Status
from tracker.models.intake import ItemState
from tracker.routing import parse_id
from tracker.views import page_status, run_if

# As many as an inbox page shows, and a bound on what a crafted address may ask for.
MAX_CHOSEN = 100


def _chosen(values: list[str]) -> list[int]:
    """The ids of the items ticked, in the inbox's order, each once."""
    ids: list[int] = []
    for value in values:
        item_id = parse_id(value)
        if item_id is None:
            abort(400, "The choice names no imported item: tick the items in the inbox.")
        if item_id not in ids:
            ids.append(item_id)
    if len(ids) > MAX_CHOSEN:
        abort(400, f"Choose at most {MAX_CHOSEN} items at a time.")
    return ids


@bp.post("/choose")
@coordinator_required
def choose() -> ResponseReturnValue:
    """The inbox's buttons: accept the ticked items one page each, or dismiss them together."""
    form = SelectionForm()
    ids = _chosen(request.form.getlist("items"))
    if not ids:
        form.items.errors = ["Tick the items to accept or dismiss"]
        return inbox_page(ItemState.PENDING, form, 400)
    if form.dismiss.data:
        return _dismiss_page(ids, DismissForm())
    return redirect(url_for("intake.accept_next", items=ids, n=1))


def _dismiss_page(ids: list[int], form: DismissForm, status: int = 200) -> ResponseReturnValue:
    items = queries.items_by_ids(ids)
    pending = [i for i in items if i.state == ItemState.PENDING]
    return render_template("intake/dismiss_many.html", items=items, pending=pending,
                           decided={i.id: bulk.decided_meanwhile(i) for i in items if i not in pending},
                           dismiss_form=form, form=form if form.errors else None), status


@bp.post("/dismiss")
@coordinator_required
def dismiss_many() -> ResponseReturnValue:
    ids = _chosen(request.form.getlist("items"))
    if not ids:
        abort(400, "No item was chosen: tick the items in the inbox.")
    form = DismissForm()
    items = queries.items_by_ids(ids)

    def said(done: bulk.Dismissed) -> str:
        skipped = f" Skipped: {'; '.join(done.skipped)}." if done.skipped else ""
        return f"Dismissed {done.count} {'item' if done.count == 1 else 'items'}.{skipped}"

    outcome = run_if(form.validate_on_submit(), form,
                     lambda: bulk.dismiss_items(current_user, items, form.reason.data or ""),
                     success=said, then=url_for("intake.inbox"))
    if isinstance(outcome, ResponseBase):
        return outcome
    return _dismiss_page(ids, form, page_status(form, outcome))


def _next(ids: list[int], n: int) -> str:
    """After the nth item: the next one, or the end (the inbox, saying what became of them all)."""
    if n < len(ids):
        return url_for("intake.accept_next", items=ids, n=n + 1)
    return url_for("intake.accept_done", items=ids)


@bp.get("/accept/done")
@coordinator_required
def accept_done() -> ResponseReturnValue:
    flash(queries.selection_summary(current_user, _chosen(request.args.getlist("items"))), "success")
    return redirect(url_for("intake.inbox"))


def _decided(consultation: Consultation) -> str:
    if consultation.status == Status.ASSIGNED:
        lead = f", policy lead {consultation.policy_lead.name}" if consultation.policy_lead else ""
        city = consultation.lead_city.name if consultation.lead_city else ""
        return f"“{consultation.title}” is tracked and assigned to {city}{lead}."
    return f"“{consultation.title}” is tracked: {STATUS_LABELS[Status(consultation.status)].lower()}."


@bp.route("/accept", methods=["GET", "POST"])
@coordinator_required
def accept_next() -> ResponseReturnValue:
    """The nth of the items chosen: its decision and assignment on one form."""
    ids = _chosen(request.args.getlist("items"))
    n = parse_id(request.args.get("n"))
    if not ids or n is None or n > len(ids):
        abort(404, "There is no such item among those chosen: tick the items in the inbox again.")
    item = queries.get_item(ids[n - 1])
    if item is None or item.state != ItemState.PENDING or item.closes_at is None:
        # Decided by someone else since the inbox was drawn (or never trackable): said, skipped.
        flash(bulk.decided_meanwhile(item) + ": skipped." if item is not None and item.state != ItemState.PENDING
              else "That item cannot be tracked (it no longer exists, or gave no closing date): skipped.", "error")
        return redirect(_next(ids, n))
    work_areas = list(consultation_queries.work_areas())
    cities = list(consultation_queries.cities())
    leads = list(consultation_queries.policy_leads())
    form = AcceptAndAssignForm()
    assigning.set_choices(form, work_areas, cities, leads)
    proposed_deadline = proposed_deadline_for(item.closes_at)
    if request.method == "GET":
        form.work_area.data = str(item.suggested_work_area_id or "")
        form.city.data = str(assigning.proposed_city_id(work_areas, item.suggested_work_area_id) or "")
        form.internal_deadline.data = proposed_deadline
    areas = {a.id: a for a in work_areas}
    by_id_city = {c.id: c for c in cities}
    by_id_lead = {u.id: u for u in leads}
    chosen = bulk.Assignment(
        work_area=areas.get(parse_id(form.work_area.data) or 0),
        city=by_id_city.get(parse_id(form.city.data) or 0),
        policy_lead=by_id_lead.get(parse_id(form.policy_lead.data) or 0),
        internal_deadline=form.internal_deadline.data,
    )
    outcome = run_if(form.validate_on_submit(), form,
                     lambda: bulk.accept_and_assign(current_user, item, form.decision.data or "",
                                                    form.reason.data or "", chosen),
                     success=lambda c: _decided(c) + (f" {queries.selection_summary(current_user, ids)}"
                                                      if n == len(ids) else ""),
                     # After the last, straight to the inbox: its message already says the summary.
                     then=lambda _: _next(ids, n) if n < len(ids) else url_for("intake.inbox"),
                     invalid_to=_next(ids, n))
    if isinstance(outcome, ResponseBase):
        return outcome
    assigning.show_leads_of_chosen_city(form, work_areas, leads)
    return render_template(
        "intake/accept_next.html", item=item, form=form, n=n, of=len(ids),
        skip_url=_next(ids, n),
        item_public_url=sources.item_url(item), closed=queries.is_closed(item),
        leads_by_area=assigning.leads_by_area(work_areas),
        deadline_hint=assigning.proposal_hint(item.closes_at, proposed_deadline),
    ), page_status(form, outcome)
