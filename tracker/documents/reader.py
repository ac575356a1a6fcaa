"""Reading one consultation: its content item (or a committee's business), each of its documents,
the questions found in them (merged across documents) and its ways to respond. Writes nothing: the
task stores what it returns (services.py), the CLI prints it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask import current_app

from tracker.documents.blocks import Block, item, paragraph
from tracker.documents.docx import UnreadableDocx, docx_blocks
from tracker.documents.fetch import Fetcher, FetchError, Limits, megabytes, origin
from tracker.documents.htmlblocks import html_blocks
from tracker.documents.item import DOCX, PDF, DocumentRef, documents_of, ways_to_respond
from tracker.documents.pdf import UnreadablePdf, pdf_blocks
from tracker.documents.questions import Found, find_questions, merge

READ, SKIPPED = "read", "skipped"
SCOPE_TITLE = "The committee's call for evidence (its scope)"


@dataclass
class DocumentResult:
    title: str
    url: str
    kind: str  # attachment | html | response_form | outcome | scope
    status: str  # read | skipped
    reason: str
    content_type: str = ""
    size: int | None = None
    transient: bool = False  # skipped for a fault worth trying again (network, 5xx)


@dataclass
class Question:
    """A question found in a consultation's documents: as just read, or as stored (queries.py)."""

    number: str
    text: str
    options: list[str]
    source_title: str
    source_url: str
    source_where: str

    def as_json(self) -> dict[str, Any]:
        return {"number": self.number, "text": self.text, "options": self.options,
                "source": {"title": self.source_title, "url": self.source_url, "where": self.source_where}}


@dataclass
class Reading:
    questions: list[Question] = field(default_factory=list)
    ways_to_respond: dict[str, str] | None = None
    documents: list[DocumentResult] = field(default_factory=list)
    problem: str = ""  # the item itself could not be read
    transient: bool = False

    @property
    def complete(self) -> bool:
        """Nothing left that a later try could read."""
        return not self.transient and not any(d.transient for d in self.documents)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reading:
        """A recorded reading (the demo's), in the shape of ``as_json``; documents may add their kind."""
        return cls(
            questions=[Question(str(q["number"]), q["text"], list(q.get("options") or []), q["source"]["title"],
                                q["source"]["url"], q["source"].get("where", "")) for q in data["questions"]],
            ways_to_respond=dict(data.get("ways_to_respond") or {}) or None,
            documents=[DocumentResult(d["title"], d["url"], d.get("kind", "attachment"), d["status"], d["reason"])
                       for d in data["documents"]],
        )

    def as_json(self) -> dict[str, Any]:
        """The shape of `read-documents --json` and of /api/v1's consultation."""
        return {
            "questions": [q.as_json() for q in self.questions],
            "ways_to_respond": self.ways_to_respond or {},
            "documents": [{"title": d.title, "url": d.url, "status": d.status, "reason": d.reason}
                          for d in self.documents],
        }


def _count(found: list[Found]) -> str:
    if not found:
        return "no questions found"
    return "1 question found" if len(found) == 1 else f"{len(found)} questions found"


def distinct(found: list[Found]) -> list[Found]:
    """One document's questions with its own repeats (a summary of questions) merged."""
    return [question for question, _ in merge((q, None) for q in found)]


def text_blocks(text: str) -> list[Block]:
    """Plain text (a scope without markup): a paragraph a line, bullets as list items."""
    blocks: list[Block] = []
    for line in text.splitlines():
        line = line.strip()
        if line[:1] in "-•*" and line[1:2] == " ":
            blocks.append(item(line[2:]))
        elif line:
            blocks.append(paragraph(line))
    return blocks


class Reader:
    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher
        self.limits = fetcher.limits
        found = origin(fetcher.api_base)
        self.gov_hosts = {"www.gov.uk", "gov.uk"} | ({found[1]} if found else set())

    def public_url(self, ref: DocumentRef) -> str:
        return self.fetcher.api_base + ref.url if ref.url.startswith("/") else ref.url

    def govuk(self, base_path: str) -> Reading:
        try:
            content = self.fetcher.get_json(base_path)
            if not isinstance(content, dict):
                raise FetchError("the content item is not a JSON object")
        except FetchError as exc:
            return Reading(problem=f"{base_path[:200]}: {exc}", transient=exc.transient)
        reading = Reading(ways_to_respond=ways_to_respond(content))
        found: list[tuple[Found, DocumentResult]] = []
        for index, ref in enumerate(documents_of(content, self.gov_hosts)):
            if index >= self.limits.max_documents:
                reading.documents.append(self._skipped(ref, f"not read: only the first {self.limits.max_documents} "
                                                            "documents of a consultation are"))
                continue
            result, questions = self.document(ref)
            reading.documents.append(result)
            found += [(q, result) for q in questions]
        reading.questions = [Question(q.number, q.text, q.options, doc.title, doc.url, q.where)
                             for q, doc in merge(found)]
        return reading

    def committee(self, business_id: str, page_url: str) -> Reading:
        """A select committee's call: its scope, from the Committees API (the fetcher's base)."""
        document = DocumentResult(SCOPE_TITLE, page_url, "scope", READ, "")
        try:
            fetched = self.fetcher.get(f"{self.fetcher.api_base}/api/CommitteeBusiness/{int(business_id)}",
                                       accept="application/json")
            data = json.loads(fetched.data)
            scope = data.get("scope") if isinstance(data, dict) else None
        except (FetchError, ValueError) as exc:
            document.status, document.reason = SKIPPED, f"could not be fetched: {exc}"
            document.transient = getattr(exc, "transient", False)
            return Reading(documents=[document], ways_to_respond={"link_url": page_url})
        text = scope if isinstance(scope, str) else ""
        blocks = html_blocks(text) if "<" in text else text_blocks(text)
        questions = distinct(find_questions(blocks))
        document.reason = _count(questions) if text else "the call has no scope text"
        return Reading(
            questions=[Question(q.number, q.text, q.options, document.title, page_url, q.where) for q in questions],
            ways_to_respond={"link_url": page_url},
            documents=[document],
        )

    def _skipped(self, ref: DocumentRef, reason: str, *, transient: bool = False) -> DocumentResult:
        return DocumentResult(ref.title, self.public_url(ref), ref.kind, SKIPPED, reason, ref.content_type,
                              ref.size, transient)

    def document(self, ref: DocumentRef) -> tuple[DocumentResult, list[Found]]:
        if ref.kind == "outcome":
            return self._skipped(ref, "not read: the government's outcome, published after the consultation"), []
        if ref.attachment_type == "external":
            return self._skipped(ref, "not read: a link to another site"), []
        try:
            if ref.attachment_type == "html":
                blocks, note, size, content_type = self._html(ref)
            else:
                if ref.content_type not in (PDF, DOCX):
                    return self._skipped(ref, "not read: only PDF and DOCX files are read"
                                              f" (this is {ref.content_type or 'of an unknown type'})"), []
                if ref.size is not None and ref.size > self.limits.max_bytes:
                    return self._skipped(ref, f"refused unread: GOV.UK lists it at {megabytes(ref.size)}, over the "
                                              f"limit of {megabytes(self.limits.max_bytes)} (DOCUMENT_MAX_BYTES)"), []
                blocks, note, size, content_type = self._file(ref)
        except FetchError as exc:
            return self._skipped(ref, f"could not be fetched: {exc}", transient=exc.transient), []
        except (UnreadablePdf, UnreadableDocx) as exc:
            return self._skipped(ref, f"could not be read: {exc}"), []
        found = distinct(find_questions(blocks))
        reason = _count(found) + (f" ({note})" if note else "")
        return DocumentResult(ref.title, self.public_url(ref), ref.kind, READ, reason, content_type, size), found

    def _html(self, ref: DocumentRef) -> tuple[list[Block], str, int | None, str]:
        path = ref.url if ref.url.startswith("/") else urlsplit(ref.url).path
        content = self.fetcher.get_json(path)
        details = content.get("details") if isinstance(content, dict) else None
        body = details.get("body") if isinstance(details, dict) else None
        if not isinstance(body, str):
            raise FetchError("the HTML attachment has no body")
        return html_blocks(body), "", len(body.encode()), "text/html"

    def _file(self, ref: DocumentRef) -> tuple[list[Block], str, int | None, str]:
        fetched = self.fetcher.get(self.public_url(ref))
        data = fetched.data
        if data.startswith(b"%PDF-"):
            blocks, note = pdf_blocks(data, max_pages=self.limits.max_pages)
            return blocks, note, len(data), PDF
        if data.startswith(b"PK\x03\x04"):
            return docx_blocks(data, max_unzipped=self.limits.max_unzipped), "", len(data), DOCX
        raise UnreadablePdf("the file is neither a PDF nor a DOCX, whatever its type says")


def _bases(raw: str) -> list[str]:
    return [b.strip() for b in raw.split(",") if b.strip()]


def make_fetcher(api_base: str | None = None, *, extra_bases: list[str] | None = None) -> Fetcher:
    """A fetcher with the app's settings: the GOV.UK client's timeouts, rate and retries, and the
    documents' own limits. Allowed: the API base and GOVUK_ASSETS_BASE_URLS."""
    config = current_app.config
    api_base = api_base or config["GOVUK_API_BASE_URL"]
    return Fetcher(
        api_base,
        [*_bases(config["GOVUK_ASSETS_BASE_URLS"]), *(extra_bases or [])],
        user_agent=(f"KeyCitiesTracker/1.0 (+{config['BASE_URL']}; consultation tracker of the "
                    f"{config['NETWORK_NAME']} network)"),
        limits=Limits(
            max_bytes=int(config["DOCUMENT_MAX_BYTES"]),
            max_unzipped=int(config["DOCUMENT_MAX_UNZIPPED_BYTES"]),
            max_pages=int(config["DOCUMENT_MAX_PAGES"]),
            max_documents=int(config["DOCUMENTS_PER_CONSULTATION"]),
            read_seconds=float(config["DOCUMENT_READ_SECONDS"]),
        ),
        timeout=(float(config["GOVUK_CONNECT_TIMEOUT"]), float(config["GOVUK_READ_TIMEOUT"])),
        per_second=float(config["GOVUK_REQUESTS_PER_SECOND"]),
        max_retries=min(int(config["GOVUK_MAX_RETRIES"]), 2),
        backoff=float(config["GOVUK_RETRY_BACKOFF_SECONDS"]),
    )
