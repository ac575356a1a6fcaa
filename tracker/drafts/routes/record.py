"""Recording what happened after approval: how the response was submitted, and the outcome. The
pages room draws both forms (pages/submission.py, pages/outcome.py) with what other features add
to them, through record_page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response as ResponseBase

from tracker.consultations import workflow
from tracker.drafts import queries, review
from tracker.drafts.forms import BaseForm, OutcomeForm
from tracker.drafts.routes.common import consultation_url, response_url
from tracker.models import Consultation
from tracker.views import page_status, run_if


def _check_step(consultation: Consultation, name: str) -> None:
    """Who may take the step, always; whether it is possible now, unless the form comes from an
    older page (then the service says what changed since, and the form keeps what was typed)."""
    workflow.check_who(current_user, consultation, name)
    if request.method == "GET" or request.form.get("version") == str(consultation.version):
        workflow.check(current_user, consultation, name)


def given_date(day: date | None) -> date:
    """A required date of a form that has been validated."""
    assert day is not None
    return day


def record_page(consultation_id: int, step: str, form_class: type[BaseForm], verb: Callable[[Consultation, Any], object],
                 success: str, template: str, extra: Callable[[Consultation], dict[str, Any]],
                 prefill: Callable[[Any], None] | None = None,
                 rules: Callable[[Consultation, Any], dict[str, str | None]] | None = None) -> ResponseReturnValue:
    """A form recording a step after approval: drawn on the consultation's version, refused with
    what was typed kept. ``rules`` gives the service's verdict on fields the form read, so a
    broken rule is shown together with the form's own errors rather than after them."""
    consultation = queries.get_consultation(consultation_id)
    form: Any = form_class()
    _check_step(consultation, step)
    if request.method == "GET":
        form.version.data = consultation.version
        if prefill is not None:
            prefill(form)
    outcome = run_if(request.method == "POST" and validated(consultation, form, rules), form,
                     lambda: verb(consultation, form), success=success, then=response_url(consultation))
    if isinstance(outcome, ResponseBase):
        return outcome
    return render_template(
        template, consultation=consultation, form=form, consultation_url=consultation_url(consultation),
        stale=outcome and outcome.stale, **extra(consultation),
    ), page_status(form, outcome)


def validated(consultation: Consultation, form: Any,
              rules: Callable[[Consultation, Any], dict[str, str | None]] | None) -> bool:
    valid: bool = form.validate()
    for name, problem in (rules(consultation, form) if rules else {}).items():
        if problem:
            field = getattr(form, name)
            field.errors = [*field.errors, problem]
            valid = False
    return valid


def outcome_rules(consultation: Consultation, form: OutcomeForm) -> dict[str, str | None]:
    if form.published_on.data is None:
        return {}
    return {"published_on": review.outcome_date_problem(consultation, form.published_on.data)}
