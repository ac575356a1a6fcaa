"""The forms of the policy panel on the response page: the asks the response makes and the partner
networks that worked with us on it (each on a page of its own), and what government did with each
ask (on the response page). A change goes back to the response page; a refusal is said on the
page the form was on, which shows the choice as it is now."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as ResponseBase

from tracker.drafts import queries as drafts_queries
from tracker.drafts.routes.common import consultation_url
from tracker.forms import BaseForm, ids_in
from tracker.models import Consultation
from tracker.policy import bp, panels, services
from tracker.policy.forms import (
    PartnersForm,
    ResponseAsksForm,
    TakeUpForm,
    seen_take_up,
    take_up_values,
)
from tracker.routing import parse_id
from tracker.views import Refused, run

F = TypeVar("F", bound=BaseForm)


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


def _choice_page(template: str, consultation: Consultation, anchor: str, **context: object) -> ResponseReturnValue:
    return render_template(template, consultation=consultation, consultation_url=consultation_url(consultation),
                           back=url_for("drafts.response", consultation_id=consultation.id, _anchor=anchor), **context)


@bp.get("/consultations/<int:consultation_id>/asks")
@login_required
def choose_asks(consultation_id: int) -> ResponseReturnValue:
    consultation = drafts_queries.get_consultation(consultation_id)
    page = panels.asks_page(current_user, consultation, drafts_queries.get_response(consultation))
    return _choice_page("policy/response_asks.html", consultation, "policy-asks", **page)


@bp.get("/consultations/<int:consultation_id>/partners")
@login_required
def choose_partners(consultation_id: int) -> ResponseReturnValue:
    consultation = drafts_queries.get_consultation(consultation_id)
    return _choice_page("policy/response_partners.html", consultation, "policy-partners",
                        **panels.partners_page(current_user, consultation))


def _posted(form_class: type[F], page: str, verb: Callable[[F], object], *, success: str,
            then: str) -> ResponseReturnValue:
    """A panel's form posted: the verb run on it when it is valid, then ``then``; the form's own
    problems, or the service's refusal, are said on ``page``."""
    form = form_class()
    if not form.validate():
        return _invalid(form, page)
    return _said(form, run(form, lambda: verb(form), success=success, then=then), page)


def _roles_chosen(formdata: Any) -> dict[int, str]:
    """The role_<partner id> radios of a request's form."""
    return {pid: formdata.get(key, "") for key in formdata
            if key.startswith("role_") and (pid := parse_id(key.removeprefix("role_")))}


@bp.post("/consultations/<int:consultation_id>/asks")
@login_required
def response_asks(consultation_id: int) -> ResponseReturnValue:
    consultation = drafts_queries.get_consultation(consultation_id)
    return _posted(ResponseAsksForm, url_for("policy.choose_asks", consultation_id=consultation.id),
                   lambda form: services.set_response_asks(current_user, consultation, ids_in(form.asks),
                                                           form.seen_ids()),
                   success="Asks saved.", then=_back(consultation.id))


@bp.post("/consultations/<int:consultation_id>/take-up")
@login_required
def take_up(consultation_id: int) -> ResponseReturnValue:
    consultation = drafts_queries.get_consultation(consultation_id)
    back = _back(consultation.id)
    return _posted(TakeUpForm, back, lambda form: services.record_take_up(
        current_user, consultation, take_up_values(request.form), seen_take_up(form.seen_take_up.data)),
        success="What government did with the asks is saved.", then=back)


@bp.post("/consultations/<int:consultation_id>/partners")
@login_required
def response_partners(consultation_id: int) -> ResponseReturnValue:
    consultation = drafts_queries.get_consultation(consultation_id)
    return _posted(PartnersForm, url_for("policy.choose_partners", consultation_id=consultation.id),
                   lambda form: services.set_consultation_partners(
                       current_user, consultation, _roles_chosen(request.form), form.seen_partners.data or ""),
                   success="Partners saved.",
                   then=url_for("drafts.response", consultation_id=consultation.id, _anchor="policy-partners"))
