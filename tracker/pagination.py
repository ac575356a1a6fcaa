"""Every paged list's page number: read from the query string, bounded, clamped to the list.

One helper for every list, so that no page number can reach an OFFSET unchecked: a huge one
(``?page=400000000000000000``) overflowed PostgreSQL's bigint and was a 500. A page past the end
shows the last page; zero, a negative or a non-number shows the first (a stale or mistyped link
shows the list rather than an error).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import g, has_request_context, request
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import lazyload

from tracker.extensions import db

# Far past any real list (100,000 consultations are 4,000 pages of 25); longer numbers are read as
# "past the end" without being converted, whatever their length.
MAX_PAGE = 100_000

T = TypeVar("T")


def requested_page(args: Mapping[str, str] | None = None) -> int:
    """The page asked for (this request's ``?page=`` by default), between 1 and MAX_PAGE."""
    if args is None:
        args = request.args
    raw = (args.get("page") or "").strip()
    if not (raw.isascii() and raw.isdigit()):
        return 1  # none, a negative, a non-number
    if len(raw) > len(str(MAX_PAGE)):
        return MAX_PAGE
    return min(max(int(raw), 1), MAX_PAGE)


def last_page(total: int, per_page: int) -> int:
    return max(1, math.ceil(total / per_page))


def bounded(number: int, total: int, per_page: int) -> int:
    """``number`` clamped to the pages of a list of ``total`` items."""
    pages = last_page(total, per_page)
    shown = min(max(number, 1), pages)
    if has_request_context():
        # Which page of how many the request's list showed: the tests that walk every list read it.
        g.page_shown = (shown, pages)
    return shown


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list (the attributes of Flask-SQLAlchemy's Pagination that the pages use)."""

    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return last_page(self.total, self.per_page)


def paginate_built(rows: Select[Any], count: Select[Any], params: dict[str, Any], per_page: int,
                   number: int | None = None) -> Page[Any]:
    """paginate() for a list whose statements are built once: ``count`` counts what ``rows``
    selects, both bound with ``params``; ``rows`` takes the page's "limit" and "offset"."""
    wanted = requested_page() if number is None else number
    total = int(db.session.execute(count, params).scalar_one())
    page = bounded(wanted, total, per_page)
    items = db.session.execute(rows, {**params, "limit": per_page, "offset": (page - 1) * per_page}).unique().scalars()
    return Page(items=list(items), page=page, per_page=per_page, total=total)


def paginate(stmt: Select[Any], per_page: int, number: int | None = None) -> Page[Any]:
    """The page ``number`` (this request's ``?page=`` by default) of the rows ``stmt`` selects,
    clamped to the list: a count, then that page's rows."""
    counted = stmt.options(lazyload("*")).order_by(None).subquery()
    return paginate_built(stmt.limit(bindparam("limit")).offset(bindparam("offset")),
                          select(func.count()).select_from(counted), {}, per_page, number)


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
