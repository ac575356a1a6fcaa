"""Saved API responses read as the API would answer (`--from-dir`): the folder reader both
importers share, and GOV.UK's layout of it (see sample_data/README.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tracker.intake.govuk import FetchError, listing_label
from tracker.intake.paging import Listing, Page, PageFailure, declared_total


class SavedResponses:
    """A folder of an API's saved responses (`--from-dir`), read as the API would answer."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise FileNotFoundError(f"{self.root} is not a directory")
        self.name = f"dir:{self.root}"
        self.requests_made = 0

    def _read(self, path: Path, label: str) -> Any:
        self.requests_made += 1
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FetchError(f"{label}: no saved response at {path}") from None
        except (ValueError, UnicodeDecodeError):
            raise FetchError(f"{label}: {path.name} is not valid JSON (truncated?)") from None

    def _listing(self, folder: Path, listing: str, rows_key: str, total_key: str) -> Iterator[Listing]:
        """A listing saved one page a file (named by its offset, read in numeric order)."""
        files = sorted(folder.glob("*.json"), key=lambda p: (len(p.stem), p.stem)) if folder.is_dir() else []
        for number, path in enumerate(files, start=1):
            try:
                page = self._read(path, f"{listing} {path.name}")
                if not isinstance(page, dict) or not isinstance(page.get(rows_key), list):
                    raise FetchError(f"{path.name}: the page has no {rows_key} list")
            except FetchError as exc:
                yield PageFailure(listing, number, path.name, str(exc))
                continue
            yield Page(listing, number, path.name, page[rows_key], declared_total(page.get(total_key)))


class DirSource(SavedResponses):
    """Saved GOV.UK responses (see sample_data/README.md for the layout)."""

    def search_pages(self, document_type: str) -> Iterator[Listing]:
        folder = self.root / "search" / document_type
        return self._listing(folder, listing_label(document_type), "results", "total")

    def content(self, base_path: str) -> dict[str, Any]:
        relative = base_path.strip("/")
        if not relative or ".." in relative.split("/"):
            raise FetchError(f"{base_path!r} is not a GOV.UK path")
        data = self._read(self.root / "content" / f"{relative}.json", base_path)
        if not isinstance(data, dict):
            raise FetchError(f"{base_path}: the content item is not a JSON object")
        return data
