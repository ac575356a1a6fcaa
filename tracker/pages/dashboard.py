"""The dashboard: what each role needs to see first."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from tracker.consultations import lists
from tracker.drafts import queries as drafts_queries
from tracker.intake import queries as intake_queries
from tracker.models import STATUS_LABELS, Role
from tracker.reminders import queries as reminders_queries

bp = Blueprint("dashboard", __name__)


def _coordinator_view() -> dict[str, Any]:
    # The three lists in one statement (see lists.short_lists).
    closing_soon, overdue, unassigned = lists.short_lists(
        [lists.closing_soon_list(14), lists.overdue_list(), lists.unassigned_list()]
    )
    return {
        "counts": [(status, STATUS_LABELS[status], n) for status, n in lists.counts_by_status().items()],
        "closing_soon": closing_soon,
        "overdue": overdue,
        "unassigned": unassigned,
    }


def _lead_view() -> dict[str, Any]:
    mine, others, closing_soon = lists.short_lists(
        [*lists.assignment_lists(current_user), lists.open_closing_soon_list()]
    )
    return {"mine": mine, "city_work": others, "closing_soon": closing_soon}


def _shown(rows: Any) -> str:
    """How many a list shows, "10 or more" when it is cut at the dashboard's limit."""
    n = len(rows)
    return f"{n} or more" if n >= lists.DASHBOARD_LIMIT else str(n)


def _contents(view: str, context: dict[str, Any], *, inbox: bool) -> list[tuple[str, str]]:
    """The page's short summary at the top: each section with its count, as links to it."""
    if view == "coordinator":
        items = [("#status-counts", "Consultations by status"),
                 ("#overdue", f"Overdue: {_shown(context['overdue'])}"),
                 ("#to-assign", f"To triage or assign: {_shown(context['unassigned'])}"),
                 ("#closing-soon", f"Closing in the next 14 days: {_shown(context['closing_soon'])}")]
    elif view == "lead":
        items = [("#mine", f"Assigned to you: {_shown(context['mine'])}"),
                 ("#city-work", f"Other work led by your city: {_shown(context['city_work'])}"),
                 ("#network-open", "The network's open consultations")]
    else:
        items = [("#network-open", f"Open consultations: {_shown(context['closing_soon'])}")]
    items += [("#drafts-panel", "Drafts"), ("#kc-reminders-heading", "Notifications")]
    if inbox:
        items.append(("#kc-intake-dash-title", "Triage inbox"))
    return items


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    if current_user.is_coordinator:
        view, context = "coordinator", _coordinator_view()
    elif current_user.role == Role.POLICY_LEAD:
        view, context = "lead", _lead_view()
    else:
        view, context = "contributor", {"closing_soon": lists.open_closing_soon()}
    intake_panel = intake_queries.dashboard_panel(current_user)
    return render_template(
        "dashboard/index.html", view=view, limit=lists.DASHBOARD_LIMIT, **context,
        contents=_contents(view, context, inbox=intake_panel["shown"]),
        drafts_panel=drafts_queries.dashboard_panel(current_user),
        intake_panel=intake_panel,
        reminders_panel=reminders_queries.dashboard_panel(current_user),
    )
