"""The outcome form: what the government published, and (policy's part) which of the network's asks
it took up."""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from tracker.drafts import bp, review
from tracker.drafts.forms import OutcomeForm
from tracker.drafts.routes.record import given_date, outcome_rules, record_page
from tracker.policy import panels as policy_panels
from tracker.policy import services as policy_services


@bp.route("/<int:consultation_id>/outcome", methods=["GET", "POST"])
@login_required
def outcome(consultation_id: int) -> ResponseReturnValue:
    return record_page(
        consultation_id, "publish_outcome", OutcomeForm, lambda c, form: (review.record_outcome(
            current_user, c, url=form.url.data or "", published_on=given_date(form.published_on.data),
            taken_up=form.taken_up.data, notes=form.notes.data or "", seen_version=form.version.data,
        ), policy_services.record_outcome_take_up(current_user, c, request.form)),
        "Outcome recorded.", "drafts/outcome.html",
        lambda c: {"policy_outcome": policy_panels.outcome_panel(c, request.form)}, rules=outcome_rules,
    )
