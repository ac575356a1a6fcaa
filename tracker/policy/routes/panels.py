"""The forms of the policy panel on the response page: the asks the response makes, what
government did with each, and the partner networks that worked with us on it. Each goes back to
the response page; a refusal is said there (what was chosen is redrawn only for a stale page,
where the page shows the choice as it is now)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as ResponseBase

from tracker.drafts import queries as drafts_queries
from tracker.forms import ids_in
from tracker.policy import bp, services
from tracker.policy.forms import (
    PartnersForm,
    ResponseAsksForm,
    TakeUpForm,
    seen_take_up,
    take_up_values,
)
from tracker.routing import parse_id
from tracker.views import Refused, run


def _back(consultation_id: int) -> str:
    return url_for("drafts.response", consultation_id=consultation_id, _anchor="policy-asks")


def _said(form: object, outcome: ResponseBase | Refused, back: str) -> ResponseReturnValue:
    if not isinstance(outcome, Refused):
        return outcome
    if outcome.stale is not None:
        flash(outcome.stale.message, "error")
    elif outcome.error is not None:
        flash(outcome.error.message, "error")
    return redirect(back)


def _invalid(form: object, back: str) -> ResponseReturnValue:
    for field in form:  # type: ignore[attr-defined]
        for message in field.errors:
            flash(message if field.name != "csrf_token" else "The form had expired. Try again.", "error")
    return redirect(back)


@bp.post("/consultations/<int:consultation_id>/asks")
@login_required
def response_asks(consultation_id: int) -> ResponseReturnValue:
    consultation = drafts_queries.get_consultation(consultation_id)
    form = ResponseAsksForm()
    back = _back(consultation.id)
    if not form.validate():
        return _invalid(form, back)
    return _said(form, run(form, lambda: services.set_response_asks(
        current_user, consultation, ids_in(form.asks), form.seen_ids()),
        success="Asks saved.", then=back), back)


@bp.post("/consultations/<int:consultation_id>/take-up")
@login_required
def take_up(consultation_id: int) -> ResponseReturnValue:
    consultation = drafts_queries.get_consultation(consultation_id)
    form = TakeUpForm()
    back = _back(consultation.id)
    if not form.validate():
        return _invalid(form, back)
    return _said(form, run(form, lambda: services.record_take_up(
        current_user, consultation, take_up_values(request.form), seen_take_up(form.seen_take_up.data)),
        success="What government did with the asks is saved.", then=back), back)


@bp.post("/consultations/<int:consultation_id>/partners")
@login_required
def response_partners(consultation_id: int) -> ResponseReturnValue:
    consultation = drafts_queries.get_consultation(consultation_id)
    form = PartnersForm()
    back = url_for("drafts.response", consultation_id=consultation.id, _anchor="policy-partners")
    if not form.validate():
        return _invalid(form, back)
    chosen = {pid: request.form.get(key, "") for key in request.form
              if key.startswith("role_") and (pid := parse_id(key.removeprefix("role_")))}
    return _said(form, run(form, lambda: services.set_consultation_partners(
        current_user, consultation, chosen, form.seen_partners.data or ""),
        success="Partners saved.", then=back), back)
