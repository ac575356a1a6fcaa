"""Page numbers from the query string, bounded so that no offset can overflow."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

# Far past any real list (100,000 consultations are 4,000 pages of 25).
MAX_PAGE = 100_000


def page_number(args: Mapping[str, str]) -> int | None:
    """The requested page (1 when none was asked for), or None if the value is not a page number."""
    raw = (args.get("page") or "1").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(MAX_PAGE)):
        return None
    number = int(raw)
    return number if 1 <= number <= MAX_PAGE else None


def requested_page(args: Mapping[str, str]) -> int:
    """The requested page number; the first page when the value is not one (a stale or mistyped
    link shows the list rather than an error)."""
    return page_number(args) or 1


def govuk_pagination(number: int, pages: int, href: Callable[[int], str]) -> dict[str, Any] | None:
    """Parameters for the govukPagination macro: the first and last pages, two either side of the
    current one and ellipses between; None when there is one page only."""
    if pages <= 1:
        return None
    shown = sorted({1, pages, *range(max(1, number - 2), min(pages, number + 2) + 1)})
    items: list[dict[str, Any]] = []
    previous = None
    for n in shown:
        if previous is not None and n > previous + 1:
            items.append({"ellipsis": True})
        items.append({"number": str(n), "href": href(n), "current": n == number})
        previous = n
    params: dict[str, Any] = {"items": items, "landmarkLabel": "Pages of results"}
    if number > 1:
        params["previous"] = {"href": href(number - 1)}
    if number < pages:
        params["next"] = {"href": href(number + 1)}
    return params
