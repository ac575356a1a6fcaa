"""The consultation list's filters read from a query string: one reading for the list page, its
downloads and the API, so they agree on what a filter means and which values are refused."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tracker.consultations import mywork, queries
from tracker.models import Status, User


def parse_filters(
    args: Mapping[str, str], work_areas: Sequence[Any], cities: Sequence[Any], user: User | None = None
) -> tuple[queries.ListFilters, list[dict[str, str]]]:
    """Read the filters; a value we do not know is dropped with a message, never a 500.
    ``user``: who "my work" is about (none for the API, which has no such filter)."""
    filters = queries.ListFilters()
    errors: list[dict[str, str]] = []

    mine = (args.get("mine") or "").strip()
    if mine:
        me = mywork.me(user) if user is not None and user.is_authenticated else None
        if me is not None and mine in dict(mywork.choices(me)):
            filters.mine, filters.me = mine, me
        else:
            errors.append({"text": f"“{mine}” is not one of your work's lists: choose one from the list.",
                           "href": "#mine"})

    status = (args.get("status") or "").strip()
    if status:
        if status == queries.OPEN_FILTER or status in {s.value for s in Status}:
            filters.status = status
        else:
            errors.append({"text": f"“{status}” is not a status: choose one from the list.", "href": "#status"})

    def _id(name: str, label: str, known: set[int]) -> int | None:
        raw = (args.get(name) or "").strip()
        if not raw:
            return None
        if raw.isascii() and raw.isdecimal() and len(raw) < 12 and int(raw) in known:
            return int(raw)
        errors.append({"text": f"“{raw}” is not a {label} we know: choose one from the list.", "href": f"#{name}"})
        return None

    filters.work_area_id = _id("work_area", "work area", {a.id for a in work_areas})
    filters.city_id = _id("city", "member city", {c.id for c in cities})

    window = (args.get("closing") or "").strip()
    if window:
        if window in queries.WINDOWS:
            filters.window = window
        else:
            errors.append({"text": f"“{window}” is not a closing window: choose one from the list.", "href": "#closing"})

    q = (args.get("q") or "").strip()
    if len(q) > 200:
        errors.append({"text": "Search for at most 200 characters.", "href": "#q"})
        q = q[:200]
    filters.q = q
    return filters, errors
