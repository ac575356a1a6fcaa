"""Reading a source's open list page by page, so that no item is lost quietly.

Both APIs page by offset (GOV.UK's Search API with ``start``/``count`` and ``total``, the
Committees API with ``Skip``/``Take`` and ``totalResults``), and either may answer with fewer
items than asked for (a server-side cap, a short page). So the next page starts after the items
received, not after the page size asked for; paging stops on an empty page or once the declared
total is reached. A page that cannot be read is reported as a ``PageFailure``, and paging goes on
past it where the total says there is more: the importer then calls the run incomplete.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from tracker.intake.govuk import FetchError

MAX_PAGES = 200  # a runaway total must not page forever


@dataclass(frozen=True)
class Page:
    """One page of a listing: its rows as received, and the total the source declared (None
    when it declared none)."""

    listing: str  # what the listing holds, in words: "open calls for evidence"
    number: int  # 1 for the first page
    at: str  # where it was read: "Skip=3", "start=100", a saved file's name
    results: list[Any]
    total: int | None

    @property
    def where(self) -> str:
        return f"{self.listing}, page {self.number} ({self.at})"


@dataclass(frozen=True)
class PageFailure:
    """A page of a listing that could not be read (or paging that had to stop): the listing was
    not read in full."""

    listing: str
    number: int
    at: str
    message: str

    @property
    def where(self) -> str:
        return f"{self.listing}, page {self.number} ({self.at})"


Listing = Page | PageFailure


def declared_total(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def paged(
    fetch: Callable[[int], Any],
    *,
    listing: str,
    rows_key: str,
    total_key: str,
    offset_name: str,
    page_size: int,
    max_pages: int = MAX_PAGES,
) -> Iterator[Listing]:
    """Pages of one listing; ``fetch(offset)`` returns a page's JSON or raises ``FetchError``."""
    offset = 0
    total: int | None = None
    largest = 0  # the most rows one page gave: the server's own page size, as far as we know
    for number in range(1, max_pages + 1):
        at = f"{offset_name}={offset}"
        try:
            data = fetch(offset)
            if not isinstance(data, dict) or not isinstance(data.get(rows_key), list):
                raise FetchError(f"the page has no {rows_key} list")
        except FetchError as exc:
            yield PageFailure(listing, number, at, str(exc))
            # Where the next page starts is a guess after a failure (the run is incomplete
            # anyway): one server-sized page on, and only while the total says there is more.
            offset += largest or page_size
            if total is None or offset >= total:
                return
            continue
        total = declared_total(data.get(total_key))
        rows = data[rows_key]
        yield Page(listing, number, at, rows, total)
        if not rows:
            return
        offset += len(rows)
        largest = max(largest, len(rows))
        if total is not None and offset >= total:
            return
    yield PageFailure(listing, max_pages + 1, f"{offset_name}={offset}",
                      f"stopped after {max_pages} pages before the end of the list")
