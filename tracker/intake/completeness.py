"""Whether an import read everything it should have, and which failed items it had already
reported: what decides the run's record, the inbox's line and the command's exit status.

A listing is read in full when none of its pages failed and the items it gave (distinct: the
same item on two pages means the list moved while it was read, and something may have been
passed over) number what the source declared. Anything else makes the run incomplete.

An item that fails for a reason of its own (malformed, no id, refused on saving) is remembered
with a digest of how it was listed and the reason. A later run where it fails the same way,
unchanged, counts it as known bad, already reported: still listed on the runs page, but not a
new failure, so that one malformed published item does not fail every hourly run forever. An
item the service could not give (``Unavailable``: network, timeout, HTTP 5xx) is a fault of the
moment and is a new failure every time.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from tracker.extensions import db
from tracker.intake.paging import Page, PageFailure
from tracker.models.intake import ImportProblem
from tracker.timeutil import to_uk


def row_key(result: object) -> str:
    """The key of a listed row that has no id of its own: a digest of the row as listed."""
    return "listed:" + row_digest(result)


def row_digest(result: object) -> str:
    return hashlib.sha256(json.dumps(result, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class ListingTally:
    """What one listing gave: its distinct items, the total it declared, its failed pages."""

    listing: str
    total: int | None = None
    items: set[tuple[str, str]] = field(default_factory=set)  # (our key, where it is fetched from)
    unkeyed: int = 0  # rows without an id: each counts once
    rows: int = 0  # every row received, repeats included
    failures: list[str] = field(default_factory=list)

    @property
    def read(self) -> int:
        return len(self.items) + self.unkeyed

    def shortfall(self) -> str:
        """Why this listing was not read in full, or "" when it was."""
        total = self.total
        if not self.failures and (total is None or self.read == total):
            return ""
        if total is None:
            return "; ".join([f"read {self.read} {self.listing} (the total is unknown)", *self.failures])
        head = f"read {self.read} of {total} {self.listing}"
        if self.failures:
            return "; ".join([head, *self.failures])
        if self.read < total and self.rows > self.read:
            repeats = self.rows - self.read
            return (f"{head}; {repeats} {'was' if repeats == 1 else 'were'} listed twice, so the list changed "
                    "while it was read and what moved may have been passed over")
        if self.read < total:
            return f"{head}; the pages ended before the declared total"
        return f"{head}; more than the declared total (the list changed while it was read)"


class Completeness:
    """The tallies of every listing of one run."""

    def __init__(self) -> None:
        self.tallies: dict[str, ListingTally] = {}

    def tally(self, page: Page | PageFailure) -> ListingTally:
        tally = self.tallies.setdefault(page.listing, ListingTally(page.listing))
        if isinstance(page, PageFailure):
            tally.failures.append(f"page {page.number} ({page.at}) failed: {page.message}")
        else:
            tally.total = page.total
        return tally

    @property
    def listed(self) -> int:
        return sum(t.read for t in self.tallies.values())

    @property
    def declared(self) -> int | None:
        totals = [t.total for t in self.tallies.values()]
        return None if any(t is None for t in totals) else sum(t for t in totals if t is not None)

    def summary(self) -> str:
        """"Incomplete: read 3 of 7 open calls for evidence; page 2 (Skip=3) failed: ...", or ""."""
        gaps = [t.shortfall() for t in self.tallies.values()]
        gaps = [g for g in gaps if g]
        if not gaps:
            return ""
        return "Incomplete: " + ". ".join([gaps[0], *(g[0].upper() + g[1:] for g in gaps[1:])])


class KnownProblems:
    """The failed items of one source reported on earlier runs (rows of ``import_problem``)."""

    def __init__(self, source: str, now: datetime) -> None:
        self.source = source
        self.now = now
        self.rows = {
            p.item_key: p for p in db.session.scalars(select(ImportProblem).where(ImportProblem.source == source))
        }
        self.failed: set[str] = set()  # keys that failed in this run, however

    def report(self, key: str, fingerprint: str, message: str) -> ImportProblem | None:
        """The earlier report when the item failed just so before, else None (a new failure, now
        remembered)."""
        self.failed.add(key)
        row = self.rows.get(key)
        if row is not None and row.fingerprint == fingerprint and row.message == message:
            row.last_seen_at = self.now
            return row
        if row is None:
            row = ImportProblem(source=self.source, item_key=key[:80])
            db.session.add(row)
            self.rows[key] = row
        row.fingerprint, row.message = fingerprint[:64], message
        row.first_reported_at = row.last_seen_at = self.now
        return None

    def failed_again(self, key: str) -> None:
        """A failure of the moment: not remembered, but the earlier report is kept."""
        self.failed.add(key)

    def forget_resolved(self, seen: set[str], complete: bool) -> None:
        """Items that did not fail this run are forgotten once read (or, after a complete run,
        once no longer listed): failing again later is news."""
        for key, row in list(self.rows.items()):
            if key not in self.failed and (key in seen or complete):
                db.session.delete(row)
                del self.rows[key]

    @staticmethod
    def line(where: str, row: ImportProblem) -> str:
        return f"{where}: {row.message} (reported first {to_uk(row.first_reported_at):%-d %b %Y %H:%M} UK time)"
