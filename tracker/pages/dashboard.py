"""The dashboard: what needs attention now, then each person's own work, then what each role
needs to see."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from flask import Blueprint, get_template_attribute, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from markupsafe import Markup

from tracker.consultations import counts as list_counts
from tracker.consultations import lists, mywork
from tracker.drafts import queries as drafts_queries
from tracker.intake import queries as intake_queries
from tracker.models import STATUS_LABELS, Role
from tracker.reminders import queries as reminders_queries
from tracker.timeutil import uk_today

bp = Blueprint("dashboard", __name__)

# The two lists the page opens with, picked in the same statement as each role's own lists.
URGENT = (lists.overdue_list, lists.closing_unapproved_list)


def _urgent(overdue: Sequence[Any], closing: Sequence[Any]) -> dict[str, Any]:
    """Overdue, or closing within a week with no approved response: each once, soonest closing
    first; ``urgent_more`` when either list was cut at the dashboard's limit."""
    rows = {row.id: row for row in [*overdue, *closing]}
    return {"urgent": sorted(rows.values(), key=lambda row: (row.closes_at, row.id)),
            "urgent_more": len(overdue) >= lists.DASHBOARD_LIMIT or len(closing) >= lists.DASHBOARD_LIMIT}


def _network(view: str) -> dict[str, Any]:
    """The network's lists a view shows (not a person's own), with their sections drawn: the same
    for everyone with that view, so each web process reuses them for LIST_COUNT_CACHE_SECONDS,
    as it does the counts (a change of consultations committed in the process forgets them at once)."""

    def draw() -> dict[str, Any]:
        unassigned: Sequence[Any] = []
        if view == "coordinator":
            # Every list in one statement (see lists.short_lists).
            closing_soon, unassigned, overdue, closing_unapproved = lists.short_lists(
                [lists.closing_soon_list(14), lists.unassigned_list(), *(make() for make in URGENT)])
        else:
            closing_soon, overdue, closing_unapproved = lists.short_lists(
                [lists.open_closing_soon_list(), *(make() for make in URGENT)])
        urgent = _urgent(overdue, closing_unapproved)
        limit = lists.DASHBOARD_LIMIT
        drawn = {"urgent": _section("urgent_section")(urgent["urgent"], urgent["urgent_more"], lists.URGENT_DAYS)}
        if view == "coordinator":
            drawn["to_assign"] = _section("to_assign_section")(unassigned, limit)
            drawn["closing_soon"] = _section("closing_soon_section")(closing_soon, limit)
        else:
            drawn["network_open"] = _section("network_open_section")(closing_soon, limit, view == "lead")
        return {"closing_soon": closing_soon, "unassigned": unassigned, **urgent, "network": drawn}

    return dict(list_counts.counts(("dashboard", view, uk_today()), draw))


def _section(name: str) -> Callable[..., Markup]:
    return cast("Callable[..., Markup]", get_template_attribute("dashboard/_network.html", name))


def _coordinator_view() -> dict[str, Any]:
    counts = [(status, STATUS_LABELS[status], n) for status, n in lists.counts_by_status().items()]
    return {"counts": counts, **_network("coordinator")}


def _lead_view() -> dict[str, Any]:
    mine, others = lists.short_lists([*lists.assignment_lists(current_user)])
    return {"mine": mine, "city_work": others, **_network("lead")}


def _contributor_view() -> dict[str, Any]:
    return _network("contributor")


def _my_work() -> list[tuple[str, str]]:
    """The list's "my work" filters as links: (address, words)."""
    return [(url_for("consultations.index", mine=value), text)
            for value, text in mywork.choices(mywork.me(current_user))]


def _shown(rows: Any, cut: bool | None = None) -> str:
    """How many a list shows, "10 or more" when it is cut at the dashboard's limit."""
    n = len(rows)
    return f"{n} or more" if (n >= lists.DASHBOARD_LIMIT if cut is None else cut) else str(n)


def _contents(view: str, context: dict[str, Any], *, inbox: bool) -> list[tuple[str, str]]:
    """The page's short summary at the top: each section with its count, as links to it."""
    items = [("#urgent", f"Needs attention now: {_shown(context['urgent'], context['urgent_more'])}"), ("#my-work", "Your work")]
    if view == "coordinator":
        items += [("#status-counts", "Consultations by status"),
                  ("#to-assign", f"To triage or assign: {_shown(context['unassigned'])}"),
                  ("#closing-soon", f"Closing in the next 14 days: {_shown(context['closing_soon'])}")]
    elif view == "lead":
        items += [("#mine", f"Assigned to you: {_shown(context['mine'])}"),
                  ("#city-work", f"Other work led by your city: {_shown(context['city_work'])}"),
                  ("#network-open", "The network's open consultations")]
    else:
        items += [("#network-open", f"Open consultations: {_shown(context['closing_soon'])}")]
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
        view, context = "contributor", _contributor_view()
    intake_panel = intake_queries.dashboard_panel(current_user)
    return render_template(
        "dashboard/index.html", view=view, limit=lists.DASHBOARD_LIMIT, **context,
        urgent_days=lists.URGENT_DAYS, my_work=_my_work(),
        contents=_contents(view, context, inbox=intake_panel["shown"]),
        drafts_panel=drafts_queries.dashboard_panel(current_user),
        intake_panel=intake_panel,
        reminders_panel=reminders_queries.dashboard_panel(current_user),
    )
