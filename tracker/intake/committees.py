"""Reading Parliament's select committees: calls for evidence from the Committees API over HTTP
(no key), or saved responses from a directory, and their adapter for the one import pipeline.

``GET /api/CommitteeBusiness?CurrentlyAcceptingEvidence=true&Take=N&Skip=S`` lists the business
(inquiries and the like) open for evidence as ``items`` with ``totalResults``; ``GET
/api/CommitteeBusiness/{id}`` adds ``scope`` (the terms of reference); ``GET /api/Committees``
names the committees. Beyond the documented fields everything is read defensively: a field
that is missing or of another shape is passed over, or makes that one item an error of the run,
never the run's end.

Dates: a closing date given as a bare date, or as midnight with no offset (how the API writes
a day), means the end of that day in UK time, 23:59, as GOV.UK's closing dates do; an opening
date so given means the start of that day. Other times without an offset are UK time.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from tracker.intake.adapter import Listed, SourceAdapter
from tracker.intake.govuk import (
    BadData,
    Facts,
    FetchError,
    Gone,
    GovukClient,
    LiveSource,
    NotFound,
    plain_text,
)
from tracker.intake.paging import Listing, Page, paged
from tracker.intake.saved import SavedResponses
from tracker.models.consultation import MAX_SUMMARY
from tracker.models.intake import COMMITTEE_TYPE_PREFIX, ItemSource
from tracker.timeutil import utcnow

if TYPE_CHECKING:
    from tracker.models.intake import IntakeItem

UK = ZoneInfo("Europe/London")
BUSINESS_PATH = "/api/CommitteeBusiness"
COMMITTEES_PATH = "/api/Committees"
OPEN_CALLS = "open calls for evidence"  # how the run's messages name the business listing
_ID = re.compile(r"[0-9]{1,12}")


# --- Reading: the API or a directory ------------------------------------------------------


class Reader(Protocol):
    name: str

    @property
    def requests_made(self) -> int: ...

    def business_pages(self) -> Iterator[Listing]: ...

    def business(self, business_id: str) -> dict[str, Any]: ...

    def committee_pages(self) -> Iterator[Listing]: ...


class CommitteesApi(LiveSource):
    """The live Committees API, paged with Take and Skip."""

    def __init__(self, client: GovukClient, *, page_size: int = 30) -> None:
        super().__init__(client, page_size=page_size, largest=256)

    def _pages(self, path: str, listing: str, extra: dict[str, Any]) -> Iterator[Listing]:
        def fetch(skip: int) -> Any:
            return self.client.get_json(path, {**extra, "Take": self.page_size, "Skip": skip})

        return paged(fetch, listing=listing, rows_key="items", total_key="totalResults", offset_name="Skip",
                     page_size=self.page_size)

    def business_pages(self) -> Iterator[Listing]:
        return self._pages(BUSINESS_PATH, OPEN_CALLS, {"CurrentlyAcceptingEvidence": "true"})

    def business(self, business_id: str) -> dict[str, Any]:
        try:
            data = self.client.get_json(f"{BUSINESS_PATH}/{business_id}")
        except NotFound:
            raise Gone(f"{BUSINESS_PATH}/{business_id}: HTTP 404, no longer on the committees site") from None
        if not isinstance(data, dict):
            raise FetchError(f"{BUSINESS_PATH}/{business_id}: the business is not a JSON object")
        return data

    def committee_pages(self) -> Iterator[Listing]:
        return self._pages(COMMITTEES_PATH, "committees", {})


class CommitteesDir(SavedResponses):
    """Saved responses (see sample_data/committees/README.md for the layout)."""

    def business_pages(self) -> Iterator[Listing]:
        return self._listing(self.root / "list", OPEN_CALLS, "items", "totalResults")

    def business(self, business_id: str) -> dict[str, Any]:
        if not _ID.fullmatch(business_id):
            raise FetchError(f"{business_id!r} is not a committee business id")
        path = self.root / "business" / f"{business_id}.json"
        if not path.is_file():
            raise Gone(f"committee business {business_id}: no saved response")
        data = self._read(path, f"committee business {business_id}")
        if not isinstance(data, dict):
            raise FetchError(f"committee business {business_id}: not a JSON object")
        return data

    def committee_pages(self) -> Iterator[Listing]:
        return self._listing(self.root / "committees", "committees", "items", "totalResults")


# --- Parsing -------------------------------------------------------------------------------


def business_id(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        return None
    return text if _ID.fullmatch(text) and int(text) > 0 else None


def parse_instant(value: Any, what: str, *, end_of_day: bool) -> datetime | None:
    """A Committees API date (see the module's note on days and UK time)."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise BadData(f"{what} {value!r} is not a date")
    text = value.strip()
    day: date | None = None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = date.fromisoformat(text)
            parsed = datetime.combine(day, time(0, 0))
        else:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if parsed.tzinfo is None and parsed.time() == time(0, 0):
                day = parsed.date()
    except ValueError:
        raise BadData(f"{what} {value!r} is not a date") from None
    if day is not None:
        parsed = datetime.combine(day, time(23, 59) if end_of_day else time(0, 0), UK)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UK)
    if not 2000 <= parsed.year <= 2100:
        raise BadData(f"{what} {value!r} is out of range")
    return parsed.astimezone(UTC)


def committee_ref(data: dict[str, Any]) -> tuple[int | None, str]:
    """(id, name) of the business's committee, from whichever field carries it."""
    candidates: list[Any] = [data.get("committee"), data.get("leadCommittee")]
    committees = data.get("committees")
    if isinstance(committees, list):
        candidates.extend(committees)
    candidates.append(data.get("committeeId"))
    for candidate in candidates:
        if isinstance(candidate, dict):
            name = candidate.get("name")
            ident = candidate.get("id")
            ident = ident if isinstance(ident, int) and not isinstance(ident, bool) else None
            if isinstance(name, str) and plain_text(name, 200):
                return ident, plain_text(name, 200)
            if ident is not None:
                return ident, ""
        elif isinstance(candidate, int) and not isinstance(candidate, bool):
            return candidate, ""
    return None, ""


def _periods(value: Any) -> list[tuple[datetime | None, datetime | None, str]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadData("openSubmissionPeriods is not a list")
    periods = []
    for period in value:
        if not isinstance(period, dict):
            continue
        start = parse_instant(period.get("startDate") or period.get("openDate"), "submission period start",
                              end_of_day=False)
        end = parse_instant(period.get("endDate") or period.get("closeDate") or period.get("closingDate"),
                            "submission period closing date", end_of_day=True)
        status = period.get("statusMessage")
        periods.append((start, end, plain_text(status, 300) if isinstance(status, str) else ""))
    return periods


def relevant_period(
    periods: list[tuple[datetime | None, datetime | None, str]], now: datetime
) -> tuple[datetime | None, datetime | None, str] | None:
    """The period evidence can be sent in now (the latest closing, if several), else the next
    one to open, else the last one that closed."""
    dated = [p for p in periods if p[1] is not None]
    open_now = [p for p in dated if (p[0] is None or p[0] <= now) and p[1] is not None and p[1] > now]
    if open_now:
        return max(open_now, key=lambda p: p[1] or now)
    upcoming = [p for p in dated if p[0] is not None and p[0] > now]
    if upcoming:
        return min(upcoming, key=lambda p: p[0] or now)
    return max(dated, key=lambda p: p[1] or now) if dated else None


def _type_slug(kind: Any) -> str:
    name = kind.get("name") if isinstance(kind, dict) else None
    slug = re.sub(r"[^a-z]+", "_", name.lower()).strip("_") if isinstance(name, str) else ""
    return (COMMITTEE_TYPE_PREFIX + (slug or "business"))[:60]


def fingerprint(result: dict[str, Any]) -> str:
    """What in a listed business tells us it changed (its dates above all)."""
    keys = ("title", "type", "openDate", "closeDate", "openSubmissionPeriods", "committee", "committeeId")
    facts = {k: result.get(k) for k in keys}
    return hashlib.sha256(json.dumps(facts, sort_keys=True, default=str).encode()).hexdigest()


def parse_business(
    result: dict[str, Any], detail: dict[str, Any], *, committee_name: str, site_url: str,
    now: datetime | None = None,
) -> Facts:
    """Merge a listed business and its detail; the detail wins where both speak."""
    now = now or utcnow()
    ident = business_id(detail.get("id") if detail.get("id") is not None else result.get("id"))
    if ident is None:
        raise BadData(f"the business id {detail.get('id')!r} is missing or malformed")
    title = plain_text(detail.get("title") or result.get("title"), 300)
    if not title:
        raise BadData("the title is missing")
    raw_periods = detail.get("openSubmissionPeriods")
    periods = _periods(raw_periods if raw_periods is not None else result.get("openSubmissionPeriods"))
    period = relevant_period(periods, now)
    opened_at = period[0] if period else None
    closes_at = period[1] if period else None
    status = period[2] if period else ""
    if opened_at is None:
        opened_at = parse_instant(detail.get("openDate") or result.get("openDate"), "opening date", end_of_day=False)
    if closes_at is None:
        closes_at = parse_instant(detail.get("closeDate") or result.get("closeDate"), "closing date", end_of_day=True)
    if closes_at is None:
        raise BadData("the closing date is missing (no open submission period and no closeDate)")
    if opened_at and opened_at > closes_at:
        raise BadData("the opening date is after the closing date")
    base_path = f"/work/{ident}/"
    ways: dict[str, Any] = {"link_url": site_url.rstrip("/") + base_path}
    if status:
        ways["status_message"] = status
    return Facts(
        content_id=ident,
        base_path=base_path,
        document_type=_type_slug(detail.get("type") or result.get("type")),
        title=title,
        summary=plain_text(detail.get("scope") or "", MAX_SUMMARY),
        organisations=[committee_name] if committee_name else [],
        acronyms=[],
        opened_at=opened_at,
        closes_at=closes_at,
        public_updated_at=None,
        ways_to_respond=ways,
        national_applicability=None,
        withdrawn=False,
    )


# --- The adapter -------------------------------------------------------------------------------


class CommitteesAdapter(SourceAdapter):
    key = ItemSource.COMMITTEES
    label = "Parliament's committees"
    gone_message = "No longer on Parliament's committees site"
    # No withdrawal or outcome to watch for: a call that left the list before its recorded
    # closing date is read once more (closed early, or its date moved); a closed one is done.
    pending_follow_days = 0
    accepted_follow_days = 0

    def __init__(self, reader: Reader, *, site_url: str) -> None:
        self.reader = reader
        self.site_url = site_url
        self.name = f"committees:{reader.name}"
        self._names: dict[int, str] | None = None

    @property
    def requests_made(self) -> int:
        return self.reader.requests_made

    def listings(self) -> Iterator[Listing]:
        return self.reader.business_pages()

    def identify(self, result: dict[str, Any]) -> Listed:
        ident = business_id(result.get("id"))
        title = result.get("title")
        where = f"committee business {ident}" if ident else str(title or "a committee business")[:120]
        if ident is None:
            return Listed(None, "", where, "no business id in the listed item")
        return Listed(ident, ident, where)

    def fingerprint(self, result: dict[str, Any]) -> str:
        return fingerprint(result)

    def committee_names(self) -> dict[int, str]:
        """Read once per run, and only when a business names its committee by id alone."""
        if self._names is None:
            self._names = {}
            for page in self.reader.committee_pages():
                if not isinstance(page, Page):
                    continue  # the business is still imported, without its committee's name
                for row in page.results:
                    if isinstance(row, dict) and isinstance(row.get("id"), int) and isinstance(row.get("name"), str):
                        self._names[row["id"]] = plain_text(row["name"], 200)
        return self._names

    def facts(self, locator: str, result: dict[str, Any]) -> Facts:
        detail = self.reader.business(locator)
        ident, name = committee_ref(detail)
        if not name:
            listed_ident, name = committee_ref(result)
            ident = ident if ident is not None else listed_ident
        if not name and ident is not None:
            name = self.committee_names().get(ident, "")
        return parse_business(result, detail, committee_name=name, site_url=self.site_url)

    def locator(self, item: IntakeItem) -> str:
        return item.content_id
