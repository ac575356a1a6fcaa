"""What a GOV.UK content item says about its documents and how to respond: its attachments
(featured first), the HTML attachment blocks of older items, the response form, and the outcome's
documents (listed, not read for questions), as plain checked data."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import nh3

from tracker.documents.blocks import clean

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_EXTENSIONS = {
    ".pdf": PDF, ".docx": DOCX, ".doc": "application/msword", ".odt": "application/vnd.oasis.opendocument.text",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xls": "application/vnd.ms-excel",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet", ".csv": "text/csv", ".rtf": "application/rtf",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".txt": "text/plain", ".zip": "application/zip",
}
# The outcome's and the public feedback's documents: published after the consultation closed.
_OUTCOME_KEYS = ("final_outcome", "outcome", "public_feedback")
WAYS_KEYS = ("link_url", "email", "postal_address", "attachment_url")
_EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$")


@dataclass(frozen=True)
class DocumentRef:
    title: str
    url: str  # an absolute address (a file) or a GOV.UK path (an HTML attachment)
    kind: str  # attachment | response_form | outcome
    attachment_type: str  # html | file | external
    content_type: str = ""
    filename: str = ""
    size: int | None = None


def _text(value: Any, limit: int) -> str:
    if not isinstance(value, str):
        return ""
    return clean(html.unescape(nh3.clean(value, tags=set())))[:limit]


def content_type_of(url: str, declared: str = "", filename: str = "") -> str:
    declared = declared.split(";")[0].strip().lower() if isinstance(declared, str) else ""
    if declared:
        return declared[:100]
    suffix = PurePosixPath(filename or urlsplit(url).path).suffix.lower()
    return _EXTENSIONS.get(suffix, "")


def _size(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _attachment(raw: Any, kind: str) -> DocumentRef | None:
    if not isinstance(raw, dict):
        return None
    url = raw.get("url")
    if not isinstance(url, str) or not url.strip():
        return None
    url = url.strip()[:1000]
    declared_type = raw.get("attachment_type")
    filename = _text(raw.get("filename"), 300)
    if declared_type not in ("html", "file", "external"):
        declared_type = "html" if url.startswith("/") else "file"
    return DocumentRef(
        title=_text(raw.get("title"), 300) or filename or url[:300],
        url=url,
        kind=kind,
        attachment_type=declared_type,
        content_type=content_type_of(url, raw.get("content_type") or "", filename) if declared_type == "file" else "",
        filename=filename,
        size=_size(raw.get("file_size")),
    )


class _Links(HTMLParser):
    """The first link of each attachment block in ``details.documents`` (older items)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, list[str]]] = []
        self.open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href and not href.lower().startswith(("mailto:", "#", "javascript:")):
            self.open = []
            self.links.append((href, self.open))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self.open = None

    def handle_data(self, data: str) -> None:
        if self.open is not None:
            self.open.append(data)


def _block_documents(blocks: Any, kind: str, gov_hosts: set[str]) -> list[DocumentRef]:
    found: list[DocumentRef] = []
    if not isinstance(blocks, list):
        return found
    for block in blocks:
        if not isinstance(block, str):
            continue
        parser = _Links()
        parser.feed(block[:200_000])
        parser.close()
        if not parser.links:
            continue
        href, words = parser.links[0]
        parts = urlsplit(href)
        on_govuk = href.startswith("/") or (parts.hostname or "").lower() in gov_hosts
        content_type = content_type_of(href)
        if on_govuk and not content_type:
            path = href if href.startswith("/") else parts.path
            found.append(DocumentRef(clean("".join(words))[:300] or path[:300], path[:1000], kind, "html"))
        else:
            found.append(DocumentRef(clean("".join(words))[:300] or href[:300], href[:1000], kind,
                                     "file" if parts.scheme in ("http", "https") else "external", content_type))
    return found


def documents_of(content: dict[str, Any], gov_hosts: set[str]) -> list[DocumentRef]:
    """The item's documents in the order a reader meets them: featured attachments, the other
    attachments, older items' attachment blocks, the response form, then the outcome's."""
    details = content.get("details") if isinstance(content.get("details"), dict) else {}
    assert isinstance(details, dict)
    raw = [a for a in details.get("attachments") or [] if isinstance(a, dict)] \
        if isinstance(details.get("attachments"), list) else []
    by_id = {str(a.get("id")): a for a in raw if a.get("id") is not None}
    outcome_ids: set[str] = set()
    for key in _OUTCOME_KEYS:
        ids = details.get(f"{key}_attachments")
        if isinstance(ids, list):
            outcome_ids.update(str(i) for i in ids if isinstance(i, str | int))
    featured = details.get("featured_attachments")
    order = [str(i) for i in featured if isinstance(i, str | int)] if isinstance(featured, list) else []
    order += [str(a.get("id")) for a in raw if a.get("id") is not None]
    refs: list[DocumentRef] = []
    for ident in dict.fromkeys(order):
        if ident in by_id and ident not in outcome_ids:
            ref = _attachment(by_id[ident], "attachment")
            if ref:
                refs.append(ref)
    refs += [r for r in (_attachment(a, "attachment") for a in raw if a.get("id") is None) if r]
    refs += _block_documents(details.get("documents"), "attachment", gov_hosts)
    ways = details.get("ways_to_respond")
    form = ways.get("attachment_url") if isinstance(ways, dict) else None
    if isinstance(form, str) and form.strip():
        refs.append(DocumentRef("Response form", form.strip()[:1000], "response_form", "file",
                                content_type_of(form.strip())))
    for key in _OUTCOME_KEYS:
        ids = details.get(f"{key}_attachments")
        for ident in ids if isinstance(ids, list) else []:
            ref = _attachment(by_id.get(str(ident)), "outcome")
            if ref:
                refs.append(ref)
        refs += _block_documents(details.get(f"{key}_documents"), "outcome", gov_hosts)
    unique: dict[str, DocumentRef] = {}
    for ref in refs:
        unique.setdefault(ref.url, ref)
    return list(unique.values())


def ways_to_respond(content: dict[str, Any]) -> dict[str, str] | None:
    """details.ways_to_respond as GOV.UK gives it, as plain text: addresses only http(s), an email
    address only when it is one, the postal address with its lines."""
    details = content.get("details")
    raw = details.get("ways_to_respond") if isinstance(details, dict) else None
    if not isinstance(raw, dict):
        return None
    ways: dict[str, str] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or not isinstance(value, str) or not re.fullmatch(r"[a-z_]{1,40}", key):
            continue
        if key == "postal_address":
            lines = [_text(line, 200) for line in re.split(r"<br\s*/?>|\n", value)]
            text = "\n".join(line for line in lines if line)[:1000]
        else:
            text = _text(value, 1000)
        if key.endswith("_url") and urlsplit(text).scheme not in ("http", "https"):
            continue
        if key == "email":
            text = text.removeprefix("mailto:")
            if not _EMAIL.match(text):
                continue
        if text:
            ways[key] = text
    return ways or None
