"""The dashboard: what each role needs to see first."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from tracker.consultations import queries
from tracker.dashboard import bp
from tracker.drafts import queries as drafts_queries
from tracker.intake import queries as intake_queries
from tracker.models import STATUS_LABELS, Role
from tracker.reminders import queries as reminders_queries


def _coordinator_view() -> dict[str, Any]:
    # The three lists in two queries (see queries.short_lists).
    closing_soon, overdue, unassigned = queries.short_lists(
        [queries.closing_soon_list(14), queries.overdue_list(), queries.unassigned_list()]
    )
    return {
        "counts": [(status, STATUS_LABELS[status], n) for status, n in queries.counts_by_status().items()],
        "closing_soon": closing_soon,
        "overdue": overdue,
        "unassigned": unassigned,
    }


def _lead_view() -> dict[str, Any]:
    mine, others, closing_soon = queries.short_lists(
        [*queries.assignment_lists(current_user), queries.open_closing_soon_list()]
    )
    return {"mine": mine, "city_work": others, "closing_soon": closing_soon}


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    if current_user.is_coordinator:
        view, context = "coordinator", _coordinator_view()
    elif current_user.role == Role.POLICY_LEAD:
        view, context = "lead", _lead_view()
    else:
        view, context = "contributor", {"closing_soon": queries.open_closing_soon()}
    return render_template(
        "dashboard/index.html", view=view, limit=queries.DASHBOARD_LIMIT, **context,
        drafts_panel=drafts_queries.dashboard_panel(current_user),
        intake_panel=intake_queries.dashboard_panel(current_user),
        reminders_panel=reminders_queries.dashboard_panel(current_user),
    )
