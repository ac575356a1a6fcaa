"""The consultation list: filters, search and pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from tracker import exports
from tracker.consultations import bp, mywork, queries
from tracker.consultations.filters import parse_filters
from tracker.models import STATUS_LABELS, Status
from tracker.pagination import govuk_pagination, requested_page


def _filter_selects(filters: queries.ListFilters, work_areas: Sequence[Any],
                    cities: Sequence[Any]) -> list[dict[str, Any]]:
    """The list's filter menus: name, label and (value, text, chosen) options."""
    def menu(name: str, label: str, options: list[tuple[Any, str]], chosen: object) -> dict[str, Any]:
        picked = "" if chosen is None else str(chosen)
        return {"name": name, "label": label,
                "options": [(str(v), t, bool(picked) and str(v) == picked) for v, t in options]}

    return [
        menu("mine", "My work", [("", "Everyone's"), *mywork.choices(mywork.me(current_user))], filters.mine),
        menu("status", "Status", [("", "Any status"), (queries.OPEN_FILTER, "Open (work to do)"),
                                  *((s.value, STATUS_LABELS[s]) for s in Status)], filters.status),
        menu("work_area", "Work area", [("", "Any work area"), *((a.id, a.name) for a in work_areas)],
             filters.work_area_id),
        menu("city", "Lead city", [("", "Any city"), *((c.id, c.name) for c in cities)], filters.city_id),
        menu("closing", "Closing", [("", "Any time"), *queries.WINDOWS.items()], filters.window),
    ]


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    work_areas, cities = queries.filter_choices()
    filters, errors = parse_filters(request.args, work_areas, cities, current_user)
    page = queries.list_consultations(filters, requested_page(), current_app.config["PAGE_SIZE"])
    args: dict[str, Any] = filters.as_args()
    return (
        render_template(
            "consultations/index.html",
            page=page,
            filters=filters,
            filter_errors=errors,
            pagination=govuk_pagination(page.number, page.pages,
                                        lambda n: url_for("consultations.index", **args, page=n)),
            filter_selects=_filter_selects(filters, work_areas, cities),
            can_log=current_user.is_coordinator,
            downloads={fmt: url_for(f"consultations.download_{fmt}", **args) for fmt in ("csv", "xlsx")},
            too_many_for_excel=exports.too_many_for_excel(page.total),
        ),
        400 if errors else 200,
    )
