"""A real local HTTP server that answers like GOV.UK's Search and Content APIs.

Responses are built from the documented field names (docs/intake.md, "The two sources").
Tests (and benchmarks/intake.py) fill ``GovukFixtureServer.results`` per document
type and ``.content`` per base path, and may script failures for a path. A listing (GOV.UK's
search, the Committees API's business list) can misbehave as real servers do: ``max_take`` caps
the rows of any page whatever was asked for, ``short_pages`` gives the next pages fewer rows
than asked for (one count per page, in order), ``declared_extra`` makes the declared total
disagree with the rows there are, and ``stalled_pages`` answer only after ``stall_seconds``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tracker.timeutil import utcnow

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "tracker" / "intake" / "sample_data"

ORGS = {
    "DfT": ("Department for Transport", "department-for-transport"),
    "MHCLG": ("Ministry of Housing, Communities and Local Government",
              "ministry-of-housing-communities-local-government"),
    "DHSC": ("Department of Health and Social Care", "department-of-health-and-social-care"),
    "DfE": ("Department for Education", "department-for-education"),
    "DCMS": ("Department for Culture, Media and Sport", "department-for-culture-media-and-sport"),
    "DBT": ("Department for Business and Trade", "department-for-business-and-trade"),
    "DESNZ": ("Department for Energy Security and Net Zero", "department-for-energy-security-and-net-zero"),
    "Defra": ("Department for Environment, Food & Rural Affairs",
              "department-for-environment-food-rural-affairs"),
    "HMT": ("HM Treasury", "hm-treasury"),
    "SG": ("The Scottish Government", "the-scottish-government"),
}


def iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.000+00:00")


def org_search(acronym: str) -> dict[str, Any]:
    title, slug = ORGS[acronym]
    return {"title": title, "acronym": acronym, "slug": slug, "link": f"/government/organisations/{slug}",
            "organisation_state": "live"}


def org_content(acronym: str) -> dict[str, Any]:
    title, slug = ORGS[acronym]
    return {"title": title, "base_path": f"/government/organisations/{slug}", "document_type": "organisation",
            "details": {"acronym": acronym}}


def make_item(
    n: int,
    *,
    title: str | None = None,
    org: str = "DfT",
    summary: str = "We are seeking views on proposals.",
    closes: datetime | None = None,
    opens: datetime | None = None,
    document_type: str = "open_consultation",
    nations: dict[str, bool] | None = None,
    withdrawn: str | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(search result, content item) for one document, as GOV.UK shapes them."""
    closes = closes or (utcnow() + timedelta(days=30 + n % 20)).replace(hour=23, minute=59, second=0, microsecond=0)
    opens = opens or closes - timedelta(days=56)
    kind = "calls-for-evidence" if "call_for_evidence" in document_type else "consultations"
    base_path = f"/government/{kind}/item-{n}"
    content_id = f"00000000-0000-4000-8000-{n:012d}"
    title = title or f"Proposals number {n}"
    result = {
        "title": title,
        "link": base_path,
        "description": summary,
        "public_timestamp": iso(opens),
        "start_date": iso(opens),
        "end_date": iso(closes),
        "organisations": [org_search(org)],
        "content_id": content_id,
        "is_withdrawn": bool(withdrawn),
    }
    details: dict[str, Any] = {
        "opening_date": iso(opens),
        "closing_date": iso(closes),
        "ways_to_respond": {
            "link_url": f"https://consult.example.gov.uk/{n}",
            "email": f"consultation{n}@example.gov.uk",
            "postal_address": "2 Marsham Street\nLondon\nSW1P 4DF",
        },
        "body": "<p>Full text.</p>",
    }
    if nations is not None:
        labels = {"england": "England", "wales": "Wales", "scotland": "Scotland",
                  "northern_ireland": "Northern Ireland"}
        details["national_applicability"] = {
            key: {"label": labels[key], "applicable": value} for key, value in nations.items()
        }
    content: dict[str, Any] = {
        "content_id": content_id,
        "base_path": base_path,
        "title": title,
        "description": summary,
        "document_type": document_type,
        "schema_name": "consultation" if kind == "consultations" else "call_for_evidence",
        "public_updated_at": iso(opens),
        "first_published_at": iso(opens),
        "details": details,
        "links": {"organisations": [org_content(org)]},
    }
    if withdrawn:
        content["withdrawn_notice"] = {"explanation": withdrawn, "withdrawn_at": iso(utcnow())}
    return result, content


class GovukFixtureServer:
    def __init__(self) -> None:
        self.results: dict[str, list[Any]] = {}
        self.content: dict[str, Any] = {}
        # path -> list of (status, body bytes, headers) served before the normal answer.
        self.script: dict[str, list[tuple[int, bytes, dict[str, str]]]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        # (document type, start) of search pages that always answer 500.
        self.broken_pages: set[tuple[str, int]] = set()
        self.max_take: int | None = None
        self.short_pages: list[int] = []
        self.declared_extra = 0
        self.stalled_pages: set[tuple[str, int]] = set()
        self.stall_seconds = 2.0
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet test output
                pass

            def do_GET(self) -> None:  # noqa: N802
                parts = urlsplit(self.path)
                with server.lock:
                    server.requests.append((self.path, dict(self.headers)))
                    queue = server.script.get(parts.path)
                    scripted = queue.pop(0) if queue else None
                if scripted:
                    self._send(*scripted)
                    return
                status, body = server.answer(parts.path, parse_qs(parts.query))
                self._send(status, body, {})

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # a stalled answer: the client gave up waiting and hung up

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> GovukFixtureServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def reset(self) -> None:
        with self.lock:
            self.results, self.content, self.script, self.requests = {}, {}, {}, []
            self.broken_pages = set()
            self.max_take, self.short_pages, self.declared_extra = None, [], 0
            self.stalled_pages, self.stall_seconds = set(), 2.0

    def listing_page(self, rows: list[Any], offset: int, asked: int, *, page: tuple[str, int] | None = None
                     ) -> tuple[list[Any], int]:
        """(the rows of one page, the declared total), misbehaving as set; ``page`` names a page
        of the listing that short_pages, declared_extra and stalled_pages apply to."""
        with self.lock:
            take = asked if self.max_take is None else min(asked, self.max_take)
            if page is not None and self.short_pages:
                take = min(take, self.short_pages.pop(0))
            stall = page is not None and page in self.stalled_pages
        if stall:
            time.sleep(self.stall_seconds)
        return rows[offset : offset + take], len(rows) + (self.declared_extra if page is not None else 0)

    def add(self, result: dict[str, Any], content: Any, document_type: str | None = None) -> None:
        """Publish a document: listed under its search type, content at its base path."""
        document_type = document_type or (
            "open_call_for_evidence" if "/calls-for-evidence/" in result["link"] else "open_consultation"
        )
        self.results.setdefault(document_type, []).append(result)
        self.content[result["link"]] = content

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, bytes]:
        if path == "/api/search.json":
            doc_type = query.get("filter_content_store_document_type", [""])[0]
            count = int(query.get("count", ["10"])[0])
            start = int(query.get("start", ["0"])[0])
            if (doc_type, start) in self.broken_pages:
                return 500, b"Internal Server Error"
            rows, total = self.listing_page(self.results.get(doc_type, []), start, count, page=(doc_type, start))
            page = {"results": rows, "total": total, "start": start, "facets": {}, "suggested_queries": []}
            return 200, json.dumps(page).encode()
        if path.startswith("/api/content/"):
            base_path = path[len("/api/content"):]
            if base_path not in self.content:
                return 404, b'{"error": {"code": "404", "message": "not found"}}'
            body = self.content[base_path]
            if isinstance(body, tuple):  # (status, raw bytes)
                return body
            if isinstance(body, bytes):
                return 200, body
            return 200, json.dumps(body).encode()
        return 404, b"{}"

    def paths(self) -> list[str]:
        return [urlsplit(p).path for p, _ in self.requests]

    def load_dir(self, root: Path = SAMPLE_DIR) -> None:
        """Serve a --from-dir style recorded set over HTTP."""
        for folder in sorted((root / "search").iterdir()):
            for page in sorted(folder.glob("*.json"), key=lambda p: (len(p.stem), p.stem)):
                data = json.loads(page.read_text())
                self.results.setdefault(folder.name, []).extend(data["results"])
        for path in (root / "content").rglob("*.json"):
            relative = path.relative_to(root / "content").with_suffix("")
            self.content["/" + relative.as_posix()] = path.read_bytes()


@contextmanager
def running_server() -> Iterator[GovukFixtureServer]:
    server = GovukFixtureServer().start()
    try:
        yield server
    finally:
        server.stop()
