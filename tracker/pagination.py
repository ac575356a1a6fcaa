"""Page numbers from the query string, bounded so that no offset can overflow."""

from __future__ import annotations

from collections.abc import Mapping

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
