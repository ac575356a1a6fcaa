"""A real local HTTP server that answers like UK Parliament's Committees API.

Built from the documented shapes (``GET /api/CommitteeBusiness?CurrentlyAcceptingEvidence=true
&Take=N&Skip=S`` → ``items`` and ``totalResults``; ``/api/CommitteeBusiness/{id}``;
``/api/Committees``). Tests fill ``business`` (the listed items, in order), ``details`` (per id)
and ``committees``, or load the recorded sample set; failures are scripted per path as for
GOV.UK (``script``, ``broken_pages``), and the business list misbehaves as set (``max_take``,
``short_pages``, ``declared_extra``, ``stalled_pages``, keyed ("business", Skip)).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.intake.govuk_server import GovukFixtureServer

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "tracker" / "intake" / "sample_data" / "committees"
_DETAIL = re.compile(r"/api/CommitteeBusiness/([0-9]+)")


class CommitteesFixtureServer(GovukFixtureServer):
    def __init__(self) -> None:
        self.business: list[Any] = []
        self.details: dict[str, Any] = {}
        self.committees: list[Any] = []
        super().__init__()

    def reset(self) -> None:
        super().reset()
        with self.lock:
            self.business, self.details, self.committees = [], {}, []

    def _page(self, rows: list[Any], query: dict[str, list[str]], listing: str | None = None) -> bytes:
        take = int(query.get("Take", ["30"])[0])
        skip = int(query.get("Skip", ["0"])[0])
        items, total = self.listing_page(rows, skip, take, page=(listing, skip) if listing else None)
        return json.dumps({"items": items, "totalResults": total, "itemsPerPage": take}).encode()

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, bytes]:
        if path == "/api/CommitteeBusiness":
            if query.get("CurrentlyAcceptingEvidence", [""])[0].lower() != "true":
                return 400, b'{"error": "the tracker asks only for business accepting evidence"}'
            if ("business", int(query.get("Skip", ["0"])[0])) in self.broken_pages:
                return 500, b"Internal Server Error"
            return 200, self._page(self.business, query, "business")
        match = _DETAIL.fullmatch(path)
        if match:
            body = self.details.get(match.group(1))
            if body is None:
                return 404, b'{"status": 404, "title": "Not Found"}'
            if isinstance(body, tuple):
                return body
            return 200, body if isinstance(body, bytes) else json.dumps(body).encode()
        if path == "/api/Committees":
            return 200, self._page(self.committees, query)
        return 404, b"{}"

    def publish(self, listed: dict[str, Any], detail: dict[str, Any] | None = None) -> None:
        """List a business (its detail defaults to the listed fields)."""
        self.business.append(listed)
        self.details[str(listed["id"])] = detail if detail is not None else dict(listed)

    def load_dir(self, root: Path = SAMPLE_DIR) -> None:  # type: ignore[override]
        """Serve an ``import-committees --from-dir`` recorded set over HTTP."""
        for page in sorted((root / "list").glob("*.json"), key=lambda p: (len(p.stem), p.stem)):
            self.business.extend(json.loads(page.read_text())["items"])
        for path in (root / "business").glob("*.json"):
            self.details[path.stem] = json.loads(path.read_text())
        for page in sorted((root / "committees").glob("*.json"), key=lambda p: (len(p.stem), p.stem)):
            self.committees.extend(json.loads(page.read_text())["items"])


@contextmanager
def running_committees_server() -> Iterator[CommitteesFixtureServer]:
    server = CommitteesFixtureServer().start()
    try:
        yield server
    finally:
        server.stop()
