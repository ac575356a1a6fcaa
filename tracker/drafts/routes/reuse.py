"""Reusing past responses from the editor: the search page (its results with "Insert" buttons that
save the passage as the draft's next version), and the same results as JSON for the editor's
script, which inserts a passage into the text being written instead."""

from __future__ import annotations

from typing import Any

from flask import jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from tracker.drafts import bp, permissions, queries, reuse
from tracker.drafts.forms import ReuseInsertForm, ReuseSearchForm
from tracker.drafts.routes.common import consultation_url, messages
from tracker.errors import Stale
from tracker.models import Consultation
from tracker.timeutil import format_uk
from tracker.views import Refused, run


def _editable(consultation_id: int) -> Consultation:
    """The consultation, when the current user may edit its draft (else the 403 page)."""
    consultation = queries.get_consultation(consultation_id)
    permissions.require(permissions.can_edit(current_user, consultation), "You cannot edit this draft.")
    return consultation


def _page(consultation: Consultation, form: ReuseSearchForm, *, status: int = 200, stale: Stale | None = None,
          problems: list[str] | None = None) -> ResponseReturnValue:
    q = (form.q.data or "").strip() if not form.errors else ""
    places = reuse.targets(consultation)
    into = form.into.data if form.into.data in dict(places) else "body"
    resp = queries.get_response(consultation)
    return render_template(
        "drafts/reuse.html", consultation=consultation, form=form if form.errors else None, search_form=form, q=q,
        results=reuse.search(q, consultation) if q else [], places=places, into=into,
        base_version=resp.current_number if resp else 0, stale=stale, limit=reuse.RESULTS,
        problems=[{"text": p, "href": "#results"} for p in problems or []],
        consultation_url=consultation_url(consultation),
    ), status


def _as_json(consultation: Consultation, form: ReuseSearchForm) -> ResponseReturnValue:
    if not form.validate():
        return jsonify({"error": messages(form)[0]}), 400
    q = (form.q.data or "").strip()
    results: list[dict[str, Any]] = [{
        "title": found.title,
        "submitted": format_uk(found.submitted_at, "%-d %B %Y"),
        "url": url_for("drafts.response", consultation_id=found.consultation_id),
        "passages": [{"where": p.where, "text": p.preview.striptags(), "quote": p.quote} for p in found.passages],
    } for found in (reuse.search(q, consultation) if q else [])]
    return jsonify({"q": q, "results": results})


@bp.get("/<int:consultation_id>/response/reuse")
@login_required
def reuse_search(consultation_id: int) -> ResponseReturnValue:
    consultation = _editable(consultation_id)
    form = ReuseSearchForm(request.args)
    if request.args.get("format") == "json":
        return _as_json(consultation, form)
    if not form.validate():
        return _page(consultation, form, status=400)
    return _page(consultation, form)


@bp.post("/<int:consultation_id>/response/reuse/insert")
@login_required
def reuse_insert(consultation_id: int) -> ResponseReturnValue:
    consultation = _editable(consultation_id)
    form = ReuseInsertForm()
    search = ReuseSearchForm(data={"q": form.q.data or "", "into": form.into.data or ""})
    if not form.validate():
        return _page(consultation, search, status=400, problems=messages(form))
    outcome = run(form, lambda: reuse.insert(current_user, consultation, version_id=form.source.data or 0,
                                             index=form.passage.data or 0, into=form.into.data or "",
                                             base_number=form.base_version.data or 0),
                  success=lambda v: f"{v.note}: saved as version {v.number}.",
                  then=url_for("drafts.edit", consultation_id=consultation.id))
    if not isinstance(outcome, Refused):
        return outcome
    return _page(consultation, search, status=outcome.status, stale=outcome.stale,
                 problems=[] if outcome.stale else messages(form))
