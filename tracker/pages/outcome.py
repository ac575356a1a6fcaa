"""The outcome form: what the government published, and (policy's part) which of the network's asks
it took up, the overall answer checked against them; and a coordinator's correction of it."""

from __future__ import annotations

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as ResponseBase

from tracker.auth.permissions import coordinator_required
from tracker.drafts import bp, queries, review
from tracker.drafts.forms import OutcomeForm
from tracker.drafts.routes.common import consultation_url, response_url
from tracker.drafts.routes.record import given_date, outcome_rules, record_page, validated
from tracker.models import Consultation
from tracker.policy import panels as policy_panels
from tracker.policy import services as policy_services
from tracker.views import page_status, run_if


@bp.route("/<int:consultation_id>/outcome", methods=["GET", "POST"])
@login_required
def outcome(consultation_id: int) -> ResponseReturnValue:
    return record_page(
        consultation_id, "publish_outcome", OutcomeForm, lambda c, form: (review.record_outcome(
            current_user, c, url=form.url.data or "", published_on=given_date(form.published_on.data),
            taken_up=form.taken_up.data, notes=form.notes.data or "", seen_version=form.version.data,
        ), policy_services.record_outcome_take_up(current_user, c, request.form, form.taken_up.data)),
        "Outcome recorded.", "drafts/outcome.html",
        lambda c: {"policy_outcome": policy_panels.outcome_panel(c, request.form)}, rules=outcome_rules,
    )


def _corrected(consultation: Consultation, form: OutcomeForm) -> bool:
    changed = review.correct_outcome(
        current_user, consultation, url=form.url.data or "", published_on=given_date(form.published_on.data),
        taken_up=form.taken_up.data, notes=form.notes.data or "", seen_version=form.version.data)
    return bool(policy_services.record_outcome_take_up(current_user, consultation, request.form,
                                                       form.taken_up.data)) or changed


@bp.route("/<int:consultation_id>/outcome/correct", methods=["GET", "POST"])
@coordinator_required
def correct_outcome(consultation_id: int) -> ResponseReturnValue:
    consultation = queries.get_consultation(consultation_id)
    recorded = queries.get_outcome(consultation)
    if recorded is None:
        abort(404, "No outcome is recorded for this consultation yet.")
    form = OutcomeForm(obj=recorded) if request.method == "GET" else OutcomeForm()
    form.submit.label.text = "Save the correction"
    if request.method == "GET":
        form.version.data = consultation.version
    done = run_if(request.method == "POST" and validated(consultation, form, outcome_rules), form, lambda: _corrected(consultation, form),
                  success=lambda changed: "Outcome corrected." if changed else "Nothing was changed.",
                  then=response_url(consultation))
    if isinstance(done, ResponseBase):
        return done
    return render_template(
        "drafts/outcome.html", consultation=consultation, form=form, correcting=True,
        consultation_url=consultation_url(consultation), stale=done and done.stale,
        policy_outcome=policy_panels.outcome_panel(consultation, request.form),
    ), page_status(form, done)
