"""Reading GOV.UK: the Search and Content APIs over HTTP, or saved responses from a directory.

Everything from outside is untrusted: each function here either returns plain data or
raises ``FetchError`` / ``BadData`` with a message fit for the import run's error list.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as dtime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

import nh3
import requests

from tracker.models.consultation import MAX_SUMMARY
from tracker.outbound import PoliteClient

if TYPE_CHECKING:
    from tracker.intake.paging import Listing

UK = ZoneInfo("Europe/London")
SEARCH_FIELDS = (
    "title,link,description,public_timestamp,start_date,end_date,organisations,content_id,is_withdrawn"
)
# How the run's messages name each listing ("read 3 of 7 open consultations").
LISTINGS = {"open_consultation": "open consultations", "open_call_for_evidence": "open calls for evidence"}


class FetchError(Exception):
    """The response could not be had or read (network, HTTP status, broken JSON)."""


class Unavailable(FetchError):
    """The service did not answer usefully, even after retries (network, timeout, 429, 5xx):
    a fault of the moment, not of the item asked for."""


class Gone(FetchError):
    """GOV.UK answered 410: the page was removed."""


class NotFound(FetchError):
    """HTTP 404: no such record (the Committees API's answer for business it no longer has)."""


class BadData(Exception):
    """The response was read but its content is not usable."""


class Source(Protocol):
    name: str

    @property
    def requests_made(self) -> int: ...  # read-only: ApiSource reports its client's count

    def search_pages(self, document_type: str) -> Iterator[Listing]: ...

    def content(self, base_path: str) -> dict[str, Any]: ...


# --- HTTP -------------------------------------------------------------------------------


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class GovukClient(PoliteClient):
    """GET JSON with timeouts, a polite User-Agent, a rate limit and retries with backoff
    (written for GOV.UK; the Committees API is read with it too)."""

    def __init__(
        self,
        base_url: str,
        *,
        user_agent: str,
        per_second: float = 3.0,
        timeout: tuple[float, float] = (5.0, 30.0),
        max_retries: int = 4,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(user_agent=user_agent, headers={"Accept": "application/json"}, per_second=per_second,
                         timeout=timeout, max_retries=max_retries, backoff=backoff, sleep=sleep)
        self.base_url = base_url.rstrip("/")
        self.max_wait = max_wait

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        url = self.base_url + path
        problem = ""
        retry_after: float | None = None
        for attempt in range(self.max_retries + 1):
            if attempt:
                # GOV.UK's Retry-After wins over our own exponential backoff.
                wait = retry_after if retry_after is not None else self.backoff * (2 ** (attempt - 1))
                self.sleep(min(self.max_wait, wait))
            self.limiter.wait()
            self.requests_made += 1
            retry_after = None
            try:
                response = self.session.get(url, params=params, timeout=self.timeout)
            except requests.RequestException as exc:
                problem = type(exc).__name__
                continue
            status = response.status_code
            if status == 429 or status >= 500:
                problem = f"HTTP {status}"
                retry_after = _retry_after(response.headers.get("Retry-After"))
                continue
            if status == 410:
                raise Gone(f"{path}: HTTP 410, removed from GOV.UK")
            if status == 404:
                raise NotFound(f"{path}: HTTP 404")
            if status >= 400:
                raise FetchError(f"{path}: HTTP {status}")
            try:
                return json.loads(response.content)
            except (ValueError, UnicodeDecodeError):
                raise FetchError(f"{path}: the response is not valid JSON (truncated?)") from None
        raise Unavailable(f"{path}: {problem} after {self.max_retries + 1} attempts")


class LiveSource:
    """An API read live through a client, a page of ``page_size`` items at a time (at most
    ``largest``, the API's own limit)."""

    def __init__(self, client: GovukClient, *, page_size: int, largest: int) -> None:
        self.client = client
        self.page_size = max(1, min(page_size, largest))
        self.name = client.base_url

    @property
    def requests_made(self) -> int:
        return self.client.requests_made


class ApiSource(LiveSource):
    """The live Search and Content APIs."""

    def __init__(self, client: GovukClient, *, page_size: int = 100) -> None:
        super().__init__(client, page_size=page_size, largest=1000)

    def search_pages(self, document_type: str) -> Iterator[Listing]:
        from tracker.intake.paging import paged  # paging reads this module's errors

        def fetch(start: int) -> Any:
            return self.client.get_json("/api/search.json", {
                "filter_content_store_document_type": document_type,
                "fields": SEARCH_FIELDS,
                "order": "end_date",
                "count": self.page_size,
                "start": start,
            })

        return paged(fetch, listing=listing_label(document_type), rows_key="results", total_key="total",
                     offset_name="start", page_size=self.page_size)

    def content(self, base_path: str) -> dict[str, Any]:
        data = self.client.get_json("/api/content" + base_path)
        if not isinstance(data, dict):
            raise FetchError(f"{base_path}: the content item is not a JSON object")
        return data


def listing_label(document_type: str) -> str:
    return LISTINGS.get(document_type, document_type.replace("_", " "))


# --- Parsing --------------------------------------------------------------------------


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def plain_text(value: Any, limit: int | None = None) -> str:
    """HTML from GOV.UK summaries becomes plain text (tags dropped, entities decoded)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadData(f"expected text, got {type(value).__name__}")
    text = html.unescape(nh3.clean(value, tags=set()))
    # Control characters (a NUL cannot even be stored) become spaces like any other break.
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text[:limit] if limit else text


def parse_instant(value: Any, what: str) -> datetime | None:
    """GOV.UK dates: ISO 8601 with an offset, or a bare date (then 23:59 UK time that day)."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise BadData(f"{what} {value!r} is not a date")
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return datetime.combine(date.fromisoformat(text), dtime(23, 59), UK).astimezone(UTC)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadData(f"{what} {value!r} is not a date") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UK)
    if not 2000 <= parsed.year <= 2100:
        raise BadData(f"{what} {value!r} is out of range")
    return parsed.astimezone(UTC)


def fingerprint(result: dict[str, Any]) -> str:
    """What in a search result tells us the document changed."""
    keys = ("title", "link", "description", "public_timestamp", "start_date", "end_date", "is_withdrawn")
    facts = {k: result.get(k) for k in keys}
    return hashlib.sha256(json.dumps(facts, sort_keys=True, default=str).encode()).hexdigest()


def _organisation_names(items: Any) -> list[tuple[str, str]]:
    """(title, acronym) pairs from either API's organisation list."""
    names: list[tuple[str, str]] = []
    if not isinstance(items, list):
        return names
    for org in items:
        if isinstance(org, str) and org.strip():
            names.append((org.strip(), ""))
        elif isinstance(org, dict):
            title = org.get("title")
            acronym = org.get("acronym") or (org.get("details") or {}).get("acronym") or ""
            if isinstance(title, str) and title.strip():
                names.append((plain_text(title, 200), acronym if isinstance(acronym, str) else ""))
    return names


@dataclass
class Facts:
    """One document as we keep it, parsed and checked."""

    content_id: str
    base_path: str
    document_type: str
    title: str
    summary: str
    organisations: list[str]
    acronyms: list[str]
    opened_at: datetime | None
    closes_at: datetime
    public_updated_at: datetime | None
    ways_to_respond: dict[str, Any] | None
    national_applicability: dict[str, Any] | None
    withdrawn: bool
    withdrawn_explanation: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def applies_to_network(self) -> bool:
        facts = self.national_applicability or {}
        if not facts:
            return True
        return any(
            isinstance(facts.get(n), dict) and bool(facts[n].get("applicable")) for n in ("england", "wales")
        )


def _clean_dict(value: Any, what: str) -> dict[str, Any] | None:
    if value in (None, {}, []):
        return None
    if not isinstance(value, dict):
        raise BadData(f"{what} is not an object")
    # Only plain JSON scalars survive; HTML in values is stripped (they are shown as text).
    out: dict[str, Any] = {}
    for key, val in value.items():
        if isinstance(val, dict):
            out[str(key)] = {str(k): (plain_text(v, 500) if isinstance(v, str) else v)
                             for k, v in val.items() if isinstance(v, str | bool | int | float | type(None))}
        elif isinstance(val, str | bool | int | float):
            out[str(key)] = plain_text(val, 1000) if isinstance(val, str) else val
    return out or None


def parse_facts(result: dict[str, Any], content: dict[str, Any]) -> Facts:
    """Merge a search result and its content item; the Content API wins where both speak."""
    details = content.get("details") or {}
    if not isinstance(details, dict):
        raise BadData("details is not an object")
    content_id = content.get("content_id") or result.get("content_id")
    if not isinstance(content_id, str) or not re.fullmatch(r"[A-Za-z0-9-]{1,64}", content_id):
        raise BadData(f"content_id {content_id!r} is missing or malformed")
    base_path = content.get("base_path") or result.get("link")
    if not isinstance(base_path, str) or not base_path.startswith("/"):
        raise BadData(f"base_path {base_path!r} is missing or malformed")
    document_type = content.get("document_type")
    if not isinstance(document_type, str) or not re.fullmatch(r"[a-z_]{1,60}", document_type):
        raise BadData(f"document_type {document_type!r} is missing or malformed")
    title = plain_text(content.get("title") or result.get("title"), 300)
    if not title:
        raise BadData("the title is missing")
    summary = plain_text(content.get("description") or result.get("description") or "", MAX_SUMMARY)
    opened_at = parse_instant(details.get("opening_date") or result.get("start_date"), "opening date")
    closes_at = parse_instant(details.get("closing_date") or result.get("end_date"), "closing date")
    if closes_at is None:
        raise BadData("the closing date is missing")
    if opened_at and opened_at > closes_at:
        raise BadData("the opening date is after the closing date")
    links = content.get("links") or {}
    orgs = _organisation_names(links.get("organisations") if isinstance(links, dict) else None)
    if not orgs:
        orgs = _organisation_names(result.get("organisations"))
    updated = parse_instant(content.get("public_updated_at") or result.get("public_timestamp"), "update time")
    notice = content.get("withdrawn_notice") or {}
    withdrawn = bool(result.get("is_withdrawn")) or (isinstance(notice, dict) and bool(notice))
    explanation = plain_text(notice.get("explanation"), 1000) if isinstance(notice, dict) else ""
    return Facts(
        content_id=content_id,
        base_path=base_path[:500],
        document_type=document_type,
        title=title,
        summary=summary,
        organisations=[t for t, _ in orgs],
        acronyms=[a for _, a in orgs],
        opened_at=opened_at,
        closes_at=closes_at,
        public_updated_at=updated,
        ways_to_respond=_clean_dict(details.get("ways_to_respond"), "ways_to_respond"),
        national_applicability=_clean_dict(details.get("national_applicability"), "national_applicability"),
        withdrawn=withdrawn,
        withdrawn_explanation=explanation,
    )
