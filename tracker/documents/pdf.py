"""A PDF into blocks, with pypdf: each text fragment's position and size give lines, lines give
paragraphs (a wider gap, a change of size, a line that starts a label, a bullet or options), and
lines in a larger or bold type give headings. Page numbers and running headers are dropped."""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from statistics import median
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from tracker.documents import patterns
from tracker.documents.blocks import CHECKBOXES, Block, clean, heading, item, paragraph

_BULLET = re.compile(r"^[•●▪■◦\-–*]\s+")
_PAGE_NUMBER = re.compile(r"^(page\s+)?\d{1,4}(\s+of\s+\d{1,4})?$", re.IGNORECASE)


class UnreadablePdf(Exception):
    """The file is not a PDF we can read (broken, encrypted, no text)."""


@dataclass
class _Line:
    page: int
    y: float
    size: float
    bold: bool
    parts: list[str]

    @property
    def text(self) -> str:
        return clean("".join(self.parts))


def _multiply(a: list[float], b: list[float]) -> list[float]:
    return [
        a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def _page_lines(page: Any, number: int) -> list[_Line]:
    lines: list[_Line] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if not text:
            return
        try:
            matrix = _multiply([float(v) for v in tm], [float(v) for v in cm])
            scale = (matrix[2] ** 2 + matrix[3] ** 2) ** 0.5 or 1.0
            height = float(size or 0) * scale or 10.0
        except (TypeError, ValueError):
            matrix, height = [1, 0, 0, 1, 0, 0], 10.0
        y = matrix[5]
        name = str(font.get("/BaseFont", "")) if hasattr(font, "get") else ""
        bold = "bold" in name.lower() or "black" in name.lower()
        for index, piece in enumerate(text.split("\n")):
            last = lines[-1] if lines else None
            new_line = index > 0 or last is None or abs(last.y - y) > height * 0.5
            if new_line and not piece.strip():
                continue
            if new_line:
                lines.append(_Line(number, y, round(height, 1), bold, [piece]))
            else:
                assert last is not None
                last.parts.append(piece)
                last.bold = last.bold and bold

    page.extract_text(visitor_text=visit)
    return [line for line in lines if line.text]


def _strip_furniture(lines: list[_Line], pages: int) -> list[_Line]:
    """Page numbers; a header or footer repeated on most pages; the smaller type at the very top
    or foot of a page."""
    repeated = Counter((line.text, round(line.y)) for line in lines)
    threshold = max(2, pages // 2 + 1)
    sizes = Counter(line.size for line in lines)
    body = sizes.most_common(1)[0][0] if sizes else 0
    edges: set[int] = set()
    for page in {line.page for line in lines}:
        on_page = [i for i, line in enumerate(lines) if line.page == page]
        edges.update({max(on_page, key=lambda i: lines[i].y), min(on_page, key=lambda i: lines[i].y)})
    return [line for index, line in enumerate(lines)
            if not _PAGE_NUMBER.match(line.text)
            and (pages < 2 or repeated[(line.text, round(line.y))] < threshold)
            and not (index in edges and line.size < body * 0.9)]


def _starts_block(text: str) -> bool:
    return bool(patterns.label(text) or _BULLET.match(text) or patterns.options(text)
                or patterns.leading_number(text)[0] or patterns.sub_part(text) or text[:1] in CHECKBOXES
                or patterns.follow_up(text))


def _blocks(lines: list[_Line]) -> list[Block]:
    if not lines:
        return []
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    body = sizes.most_common(1)[0][0]
    larger = sorted({s for s in sizes if s >= body * 1.15}, reverse=True)
    gaps = [a.y - b.y for a, b in zip(lines, lines[1:], strict=False)
            if a.page == b.page and a.size == b.size == body and 0 < a.y - b.y < body * 3]
    usual_gap = median(gaps) if gaps else body * 1.2
    longest = max(len(line.text) for line in lines)

    blocks: list[Block] = []
    pending: list[_Line] = []

    def flush() -> None:
        if not pending:
            return
        first = pending[0]
        text = clean(" ".join(line.text for line in pending))
        pending.clear()
        words = len(text.split())
        if first.size in larger and words <= 25:
            blocks.append(heading(text, larger.index(first.size) + 1, page=first.page))
        elif first.bold and words <= 15 and not text.endswith((".", ",", ";")) and not patterns.options(text):
            blocks.append(heading(text, len(larger) + 1, page=first.page))
        elif _BULLET.match(text):
            blocks.append(item(_BULLET.sub("", text), page=first.page))
        else:
            blocks.append(paragraph(text, page=first.page))

    for line in lines:
        previous = pending[-1] if pending else None
        if previous is not None:
            gap = previous.y - line.y
            ended = previous.text.rstrip()
            breaks = (
                line.page != previous.page and ended.endswith((".", "?", ":"))
                or line.page == previous.page and not 0 < gap <= usual_gap * 1.4
                or line.size != previous.size or line.bold != previous.bold
                or _starts_block(line.text) or ended.endswith("?")
                or ended.endswith((".", ":")) and len(ended) < longest * 0.7
            )
            if breaks:
                flush()
        pending.append(line)
    flush()
    return blocks


def pdf_blocks(data: bytes, *, max_pages: int = 300) -> tuple[list[Block], str]:
    """The blocks of a PDF, and a note when only part of it was read ("" when all of it was)."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadablePdf("the PDF is encrypted")
        total = len(reader.pages)
    except UnreadablePdf:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise UnreadablePdf(f"not a readable PDF ({type(exc).__name__})") from None
    lines: list[_Line] = []
    failed = 0
    for number in range(min(total, max_pages)):
        try:
            lines.extend(_page_lines(reader.pages[number], number + 1))
        except Exception:  # noqa: BLE001 - one broken page must not lose the rest of the document
            failed += 1
    if not lines:
        raise UnreadablePdf("no text found in the PDF (a scan, or broken)" if total else "the PDF has no pages")
    notes = []
    if total > max_pages:
        notes.append(f"read the first {max_pages} of {total} pages")
    if failed:
        notes.append(f"{failed} page{'s' if failed != 1 else ''} could not be read")
    return _blocks(_strip_furniture(lines, min(total, max_pages))), "; ".join(notes)
