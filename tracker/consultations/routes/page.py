"""The consultation's page and its calendar file."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from tracker.consultations import actions, bp, calendar, facts, lifecycle, queries
from tracker.consultations.history import history_rows
from tracker.drafts import queries as drafts_queries
from tracker.intake import queries as intake_queries
from tracker.models import Consultation
from tracker.policy import panels as policy_panels
from tracker.reminders import queries as reminders_queries
from tracker.urls import base_host, external_url


def consultation_or_404(consultation_id: int) -> Consultation:
    consultation = queries.get_consultation(consultation_id)
    if consultation is None:
        abort(404, f"There is no consultation number {consultation_id}.")
    return consultation


@bp.get("/<int:consultation_id>")
@login_required
def detail(consultation_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    return render_template(
        "consultations/detail.html",
        consultation=consultation,
        actions=actions.page_actions(current_user, consultation),
        lifecycle=lifecycle.task_list_items(consultation),
        facts=facts.facts(consultation),
        history=history_rows(consultation.id),
        internal_deadline_days=current_app.config["INTERNAL_DEADLINE_WORKING_DAYS"],
        drafts_panel=drafts_queries.consultation_panel(current_user, consultation),
        intake_panel=intake_queries.consultation_panel(current_user, consultation),
        reminders_panel=reminders_queries.consultation_panel(current_user, consultation),
        policy_panel=policy_panels.consultation_panel(current_user, consultation),
    )


@bp.get("/<int:consultation_id>/deadlines.ics")
@login_required
def deadlines_ics(consultation_id: int) -> ResponseReturnValue:
    consultation = consultation_or_404(consultation_id)
    body = calendar.deadlines_calendar(
        consultation, link=external_url("consultations.detail", consultation_id=consultation.id),
        network=current_app.config["NETWORK_NAME"], domain=base_host(),
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="consultation-{consultation.id}-deadlines.ics"'},
    )
