"""What the one import pipeline (importer.py) asks of each source (govuk.py, committees.py).

A source lists what is open, page by page (paging.py: each page with the total the source
declares, or the failure that page gave); says which of our items a listed result is and
whether it changed (a fingerprint, so an unchanged result costs no further request); and
fetches and parses one item's full facts, for a listed result or for an item that left the
list (a follow-up). Everything it returns is checked plain data (``Facts``) or an error whose
message is fit for the run's error list.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tracker.intake.govuk import Facts
from tracker.intake.paging import Listing
from tracker.models.intake import ItemSource

if TYPE_CHECKING:
    from tracker.models.intake import IntakeItem


@dataclass(frozen=True)
class Listed:
    """One listed result: our key for it and where to fetch its facts, or why it has none."""

    key: str | None
    locator: str
    where: str  # how the run's error list names it
    problem: str = ""


class SourceAdapter(ABC):
    key: ItemSource
    label: str  # in log lines and messages: "GOV.UK"
    name: str  # where it read from, for the run log (an address or dir:PATH)
    # Items that left the list are followed this long after closing (withdrawal, outcome).
    pending_follow_days = 30
    accepted_follow_days = 400
    gone_message = "The page was removed"
    follows_up = True  # False: an item that left the list is not read again (a feed's entries)
    # One of several sources of one kind (a feed): its items, runs and known problems are its own.
    feed_source_id: int | None = None
    problem_source: str | None = None  # the known problems' source, when not key's value
    default_work_area_id: int | None = None  # suggested when no classification rule matched

    @property
    @abstractmethod
    def requests_made(self) -> int: ...

    @abstractmethod
    def listings(self) -> Iterator[Listing]:
        """Each page of each open list, or the failure a page gave (paging goes on where it can)."""

    @abstractmethod
    def identify(self, result: dict[str, Any]) -> Listed: ...

    @abstractmethod
    def fingerprint(self, result: dict[str, Any]) -> str: ...

    @abstractmethod
    def facts(self, locator: str, result: dict[str, Any]) -> Facts:
        """Fetch and parse one item (``result`` is {} for a follow-up). Raises ``Gone``,
        ``FetchError`` or ``BadData``."""

    @abstractmethod
    def locator(self, item: IntakeItem) -> str:
        """Where a stored item's facts are fetched from, for a follow-up."""
