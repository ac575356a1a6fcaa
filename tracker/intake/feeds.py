"""Reading an Atom or RSS feed an admin added (``FeedSource``), and its adapter for the one import
pipeline (importer.py).

The feed is fetched here, never by feedparser: only over http(s), only from the host the admin
entered (each redirect too), within FEED_MAX_BYTES and the importers' timeouts, a body shorter
than its Content-Length being an error that says so (documents/fetch.py does the fetching).
feedparser is handed the bytes as a stream, so it can neither fetch an address nor open a file.

An entry is keyed on its id (Atom's ``<id>``, RSS's ``<guid>``), or its link when it has none,
within its feed. Feeds carry no closing date of their own, so it is read from the entry's text:
"Closing date: 12 March 2027", "closes on 12 March 2027", "deadline 2027-03-12" and the like (a
bare date means 23:59 UK time, as GOV.UK's do). An entry without a title, a link or such a date is
an error of that one entry, never the run's end. Entry HTML becomes plain text.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import feedparser
from flask import current_app

from tracker.documents import fetch
from tracker.intake.adapter import Listed, SourceAdapter
from tracker.intake.govuk import BadData, Facts, FetchError, Unavailable, plain_text
from tracker.intake.paging import Listing, Page, PageFailure
from tracker.models.consultation import MAX_SUMMARY
from tracker.models.intake import ItemSource
from tracker.urls import is_web_address

if TYPE_CHECKING:
    from tracker.models.intake import FeedSource, IntakeItem

UK = ZoneInfo("Europe/London")
LISTING = "entries of the feed"
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")
_CUE = r"(?:closing date|closes|closing|close|deadline|respond by|responses by|submit by|open until|until)"
_CLOSES = re.compile(
    _CUE + r"\s*(?:is|:|-|–|on|at)?\s*(?:(?:on|at)\s+)?(?:(?:\d{1,2}(?:[.:]\d{2})?\s*(?:am|pm)|midnight|noon)\s+(?:on\s+)?)?"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[a-z]+),?\s+(?P<year>\d{4})"
    r"|(?P<iso>\d{4}-\d{2}-\d{2})|(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4}))",
    re.IGNORECASE,
)


def entry_key(feed_id: int, ident: str) -> str:
    """Our key of an entry: unique among every feed's, and short whatever the entry's id."""
    return f"f{feed_id}-" + hashlib.sha256(ident.encode()).hexdigest()[:40]


def closing_date(text: str) -> datetime | None:
    """The first closing date the text gives, as 23:59 UK time that day; None when it gives none."""
    for match in _CLOSES.finditer(text):
        try:
            if match["iso"]:
                day = date.fromisoformat(match["iso"])
            elif match["d"]:
                day = date(int(match["y"]), int(match["m"]), int(match["d"]))
            else:
                month = match["month"].lower()
                found = [i for i, name in enumerate(_MONTHS, 1) if name.startswith(month[:3]) and len(month) >= 3]
                if not found:
                    continue
                day = date(int(match["year"]), found[0], int(match["day"]))
        except ValueError:
            continue
        if 2000 <= day.year <= 2100:
            return datetime.combine(day, time(23, 59), UK).astimezone(UTC)
    return None


def _instant(value: Any) -> datetime | None:
    """feedparser's parsed date (a UTC struct_time), or None."""
    try:
        return datetime(*tuple(value)[:6]).replace(tzinfo=UTC) if value else None
    except (TypeError, ValueError):
        return None


def plain_entry(entry: Any) -> dict[str, Any]:
    """What the pipeline keeps of a parsed entry: plain JSON values only."""
    def text(key: str) -> str:
        value = entry.get(key)
        return value if isinstance(value, str) else ""

    content = entry.get("content")
    body = content[0].get("value", "") if isinstance(content, list) and content and isinstance(content[0], dict) else ""
    # dict.get: feedparser's own get() answers a missing updated date with the published one.
    published, updated = _instant(dict.get(entry, "published_parsed")), _instant(dict.get(entry, "updated_parsed"))
    return {
        "id": text("id"), "link": text("link"), "title": text("title"), "summary": text("summary"),
        "content": body if isinstance(body, str) else "",
        "published": published.isoformat() if published else None,
        "updated": updated.isoformat() if updated else None,
    }


def parse_feed(data: bytes) -> list[dict[str, Any]]:
    """The entries of a feed's bytes; ``FetchError`` when they are not a feed at all."""
    parsed = feedparser.parse(io.BytesIO(data))  # a stream: feedparser opens nothing itself
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise FetchError("not an Atom or RSS feed" + (f" ({str(problem)[:200]})" if problem else ""))
    return [plain_entry(e) for e in parsed.entries]


def parse_entry(feed: FeedSource, entry: dict[str, Any]) -> Facts:
    ident = entry.get("id") or entry.get("link")
    if not isinstance(ident, str) or not ident.strip():
        raise BadData("the entry has no id and no link")
    title = plain_text(entry.get("title"), 300)
    if not title:
        raise BadData("the entry has no title")
    link = (entry.get("link") or "").strip()
    if not link or not is_web_address(link) or len(link) > 500:
        raise BadData("the entry has no http(s) link" if not link else f"the entry's link {link[:100]!r} is not "
                      "an http(s) address of at most 500 characters")
    summary = plain_text(entry.get("summary") or entry.get("content") or "", MAX_SUMMARY)
    closes_at = closing_date(f"{title}. {summary}")
    if closes_at is None:
        raise BadData("no closing date in the entry (its text should say, e.g., “Closing date: 12 March 2027”)")
    opened_at = _instant_iso(entry.get("published"))
    if opened_at is not None and opened_at > closes_at:
        opened_at = None  # announced after it closed: not an opening date
    kind = "call_for_evidence" if "call for evidence" in f"{title} {summary}".lower() else "consultation"
    return Facts(
        content_id=entry_key(feed.id, ident.strip()),
        base_path=link,
        document_type=f"feed_{kind}",
        title=title,
        summary=summary,
        organisations=[feed.issuer_name],
        acronyms=[],
        opened_at=opened_at,
        closes_at=closes_at,
        public_updated_at=_instant_iso(entry.get("updated")) or opened_at,
        ways_to_respond={"link_url": link},
        national_applicability=None,
        withdrawn=False,
    )


def _instant_iso(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def make_fetcher(feed: FeedSource) -> fetch.Fetcher:
    """The documents' fetcher, allowed the feed's host alone (either scheme, the port entered)."""
    config = current_app.config
    return fetch.Fetcher(
        feed.url, [f"http://{feed.host}", f"https://{feed.host}"],
        user_agent=(f"KeyCitiesTracker/1.0 (+{config['BASE_URL']}; consultation tracker of the "
                    f"{config['NETWORK_NAME']} network)"),
        limits=fetch.Limits(max_bytes=int(config["FEED_MAX_BYTES"]),
                            read_seconds=float(config["DOCUMENT_READ_SECONDS"])),
        timeout=(float(config["GOVUK_CONNECT_TIMEOUT"]), float(config["GOVUK_READ_TIMEOUT"])),
        per_second=float(config["GOVUK_REQUESTS_PER_SECOND"]),
        max_retries=min(int(config["GOVUK_MAX_RETRIES"]), 2),
        backoff=float(config["GOVUK_RETRY_BACKOFF_SECONDS"]),
        allowed_label=f"only {feed.host}, the feed's own host", limit_label="FEED_MAX_BYTES",
    )


class FeedAdapter(SourceAdapter):
    """One feed: a single page of entries, each parsed from what was listed (no further request)."""

    key = ItemSource.FEED
    label = "Feed"
    # An entry that leaves a feed was only pushed off its end: nothing to follow up.
    follows_up = False

    def __init__(self, feed: FeedSource) -> None:
        self.feed = feed
        self.fetcher = make_fetcher(feed)
        self.name = f"feed:{feed.url}"[:500]
        self.label = f"{feed.issuer_name}'s feed"
        self.feed_source_id = feed.id
        self.problem_source = feed.lock_name
        self.default_work_area_id = feed.default_work_area_id

    @property
    def requests_made(self) -> int:
        return self.fetcher.requests_made

    def listings(self) -> Iterator[Listing]:
        try:
            entries = parse_feed(self.fetcher.get(self.feed.url, accept="application/atom+xml, "
                                                  "application/rss+xml, application/xml;q=0.9, */*;q=0.5").data)
        except (fetch.FetchError, FetchError) as exc:
            yield PageFailure(LISTING, 1, self.feed.url[:200], str(exc))
            return
        yield Page(LISTING, 1, self.feed.url[:200], entries, len(entries))

    def identify(self, result: dict[str, Any]) -> Listed:
        ident = result.get("id") or result.get("link")
        where = str(result.get("title") or ident or "an entry")[:120]
        if not isinstance(ident, str) or not ident.strip():
            return Listed(None, "", where, "the entry has no id and no link")
        return Listed(entry_key(self.feed.id, ident.strip()), ident.strip(), where)

    def fingerprint(self, result: dict[str, Any]) -> str:
        return hashlib.sha256(json.dumps(result, sort_keys=True, default=str).encode()).hexdigest()

    def facts(self, locator: str, result: dict[str, Any]) -> Facts:
        if not result:
            raise Unavailable("an entry is read only while its feed lists it")
        return parse_entry(self.feed, result)

    def locator(self, item: IntakeItem) -> str:
        return item.base_path
