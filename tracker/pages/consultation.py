"""The consultation's page: its facts, life and history, with every feature's panel about it."""

from __future__ import annotations

from flask import current_app, render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required

from tracker.alerts import queries as alerts_queries
from tracker.auth.permissions import signed_in_user
from tracker.consultations import actions, bp, facts, lifecycle
from tracker.consultations import queries as consultations_queries
from tracker.consultations.history import history_rows
from tracker.consultations.routes.page import no_such_consultation
from tracker.documents import queries as documents_queries
from tracker.drafts import queries as drafts_queries
from tracker.intake import queries as intake_queries
from tracker.policy import panels as policy_panels
from tracker.reminders import queries as reminders_queries

# The consultation with what its page shows of it, its draft, and whether each panel that reads
# more has anything to read: cities' support, messages sent, the policy feature's links, and the
# reader's follows (each statement is a round trip to PostgreSQL).
_PAGE = drafts_queries.page_statement(
    *consultations_queries.PAGE_OPTIONS, supported=drafts_queries.SUPPORTED, sent=reminders_queries.SENT,
    linked=policy_panels.LINKED, follows=alerts_queries.FOLLOWS_CONSULTATION,
    follows_committee=alerts_queries.FOLLOWS_COMMITTEE)


@bp.get("/<int:consultation_id>")
@login_required
def detail(consultation_id: int) -> ResponseReturnValue:
    user = signed_in_user()
    found = drafts_queries.consultation_and_draft(_PAGE, consultation_id, user=user.id)
    if found is None:
        no_such_consultation(consultation_id)
    consultation, draft, has = found
    return render_template(
        "consultations/detail.html",
        consultation=consultation,
        actions=actions.page_actions(user, consultation),
        lifecycle=lifecycle.task_list_items(consultation),
        facts=facts.facts(consultation),
        history=history_rows(consultation.id),
        internal_deadline_days=current_app.config["INTERNAL_DEADLINE_WORKING_DAYS"],
        documents_panel=documents_queries.documents_panel(consultation),
        drafts_panel=drafts_queries.consultation_panel(user, consultation, draft, has["supported"]),
        intake_panel=intake_queries.consultation_panel(user, consultation),
        reminders_panel=reminders_queries.consultation_panel(user, consultation, has["sent"]),
        policy_panel=policy_panels.consultation_panel(user, consultation, has["linked"]),
        follows=alerts_queries.consultation_follows(user, consultation,
                                                    (has["follows"], has["follows_committee"])),
    )
