"""Recording what happened after approval: how the response was submitted, and the outcome."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from tracker.consultations import workflow
from tracker.drafts import bp, queries, review
from tracker.drafts.forms import OutcomeForm, SubmissionForm
from tracker.drafts.routes.common import consultation_url, response_url
from tracker.models import Consultation
from tracker.timeutil import to_uk, uk_instant, utcnow
from tracker.views import Refused, page_status, run


def _check_step(consultation: Consultation, name: str) -> None:
    """Who may take the step, always; whether it is possible now, unless the form comes from an
    older page (then the service says what changed since, and the form keeps what was typed)."""
    workflow.check_who(current_user, consultation, name)
    if request.method == "GET" or request.form.get("version") == str(consultation.version):
        workflow.check(current_user, consultation, name)


def _record(consultation: Consultation, form: Any, action: Callable[[], object], success: str) -> ResponseReturnValue | Refused | None:
    """Run the form's verb on a valid POST: the redirect, the refusal, or None (a page to show)."""
    if request.method == "GET":
        form.version.data = consultation.version
        return None
    if not form.validate():
        return None
    return run(form, action, success=success, then=response_url(consultation))


@bp.route("/<int:consultation_id>/submission", methods=["GET", "POST"])
@login_required
def submit(consultation_id: int) -> ResponseReturnValue:
    consultation = queries.get_consultation(consultation_id)
    form = SubmissionForm()
    _check_step(consultation, "submit")
    if request.method == "GET":
        now = to_uk(utcnow())
        form.submitted_on.data = now.date()
        form.submitted_time.data = now.strftime("%H:%M")

    def record() -> object:
        hour, minute = form.time_parts()
        day = form.submitted_on.data
        assert day is not None  # a required field of a validated form
        return review.record_submission(
            current_user, consultation, method=form.method.data,
            submitted_at=uk_instant(day, time(hour, minute)),
            reference=form.reference.data or "", seen_version=form.version.data,
        )

    outcome = _record(consultation, form, record, "Submission recorded. The submitted version is now frozen.")
    if outcome is not None and not isinstance(outcome, Refused):
        return outcome
    return render_template(
        "drafts/submit.html", consultation=consultation, form=form,
        approved=queries.approved_version(queries.get_response(consultation)),
        consultation_url=consultation_url(consultation),
        supports=queries.supporting_cities(consultation), stale=outcome.stale if outcome else None,
    ), page_status(form, outcome)


@bp.route("/<int:consultation_id>/outcome", methods=["GET", "POST"])
@login_required
def outcome(consultation_id: int) -> ResponseReturnValue:
    consultation = queries.get_consultation(consultation_id)
    form = OutcomeForm()
    _check_step(consultation, "publish_outcome")

    def record() -> object:
        day = form.published_on.data
        assert day is not None  # a required field of a validated form
        return review.record_outcome(
            current_user, consultation, url=form.url.data or "", published_on=day,
            taken_up=form.taken_up.data, notes=form.notes.data or "", seen_version=form.version.data,
        )

    result = _record(consultation, form, record, "Outcome recorded.")
    if result is not None and not isinstance(result, Refused):
        return result
    return render_template(
        "drafts/outcome.html", consultation=consultation, form=form,
        consultation_url=consultation_url(consultation), stale=result.stale if result else None,
    ), page_status(form, result)
