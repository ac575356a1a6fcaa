"""A DOCX (a Word response form, a consultation document) into blocks. A DOCX is a zip: its
declared sizes are checked (total, entries, compression ratio) before python-docx opens it, so a
zip bomb is refused unread. Text is read from the XML itself, so that tick boxes (content controls,
form fields, symbol-font boxes) and numbered lists come through."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn

from tracker.documents.blocks import CHECKBOX, Block, clean, heading, item, paragraph, row

MAX_ENTRIES = 2000
MAX_RATIO = 100  # a Word part compresses about tenfold; a bomb's, a thousandfold
_BOX_SYMBOLS = {"F0A8", "F06F", "F071", "F0FE", "F078", "2610", "2611", "2612", "F0A3"}


class UnreadableDocx(Exception):
    """Not a DOCX we will read (not a zip, too big unzipped, no document part)."""


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def check_zip(data: bytes, *, max_unzipped: int) -> None:
    """Refuse a DOCX whose parts would unzip too big, before anything is decompressed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnreadableDocx("not a DOCX (not a zip file)") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise UnreadableDocx(f"refused: {len(entries)} parts in the zip, over the limit of {MAX_ENTRIES}")
        total = sum(e.file_size for e in entries)
        if total > max_unzipped:
            raise UnreadableDocx(f"refused: it unzips to {_megabytes(total)}, over the limit of "
                                 f"{_megabytes(max_unzipped)}")
        for entry in entries:
            if entry.file_size > 1_000_000 and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
                raise UnreadableDocx(f"refused: {entry.filename[:80]} unzips {entry.file_size // max(entry.compress_size, 1)} "
                                     f"times its size (a zip bomb?)")
        if "word/document.xml" not in archive.namelist():
            raise UnreadableDocx("not a Word document (no word/document.xml)")


@dataclass
class _Level:
    fmt: str
    start: int


class _Numbering:
    """Word's list numbers, counted as Word counts them (per list, per level)."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[tuple[str, int], _Level] = {}
        self.counters: dict[tuple[str, int], int] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, _Level]] = {}
        for node in root.iterchildren(qn("w:abstractNum")):
            levels: dict[int, _Level] = {}
            for lvl in node.iterchildren(qn("w:lvl")):
                fmt = lvl.find(qn("w:numFmt"))
                start = lvl.find(qn("w:start"))
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = _Level(
                    fmt.get(qn("w:val"), "decimal") if fmt is not None else "decimal",
                    int(start.get(qn("w:val"), "1")) if start is not None else 1)
            abstract[node.get(qn("w:abstractNumId"), "")] = levels
        for num in root.iterchildren(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            levels = abstract.get(ref.get(qn("w:val"), "") if ref is not None else "", {})
            for ilvl, level in levels.items():
                self.levels[(num.get(qn("w:numId"), ""), ilvl)] = level

    def next(self, num_id: str, ilvl: int) -> tuple[bool, str]:
        """(ordered, number) of the next paragraph in this list at this level."""
        level = self.levels.get((num_id, ilvl), _Level("decimal", 1))
        if level.fmt in ("bullet", "none"):
            return False, ""
        key = (num_id, ilvl)
        self.counters[key] = self.counters.get(key, level.start - 1) + 1
        for deeper in [k for k in self.counters if k[0] == num_id and k[1] > ilvl]:
            del self.counters[deeper]
        return True, (str(self.counters[key]) if level.fmt in ("decimal", "decimalZero") else "")


def _text(element: Any) -> str:
    """A paragraph's or cell's text: a content control's tick box is its own glyph (☐ or ☒) in the
    text; a legacy form field's and a symbol font's have none, so one is written for them."""
    parts: list[str] = []
    for node in element.iter():
        tag = node.tag
        if tag == qn("w:t"):
            parts.append(node.text or "")
        elif tag in (qn("w:tab"), qn("w:br"), qn("w:cr")):
            parts.append(" ")
        elif tag == qn("w:sym"):
            if (node.get(qn("w:char")) or "").upper() in _BOX_SYMBOLS:
                parts.append(f" {CHECKBOX} ")
        elif tag == qn("w:checkBox"):
            parts.append(f" {CHECKBOX} ")
    return clean("".join(parts).replace("☒", CHECKBOX).replace("☑", CHECKBOX))


class _Reader:
    def __init__(self, document: Any) -> None:
        self.numbering = _Numbering(document)
        self.styles: dict[str, tuple[str, Any]] = {}
        for style in document.styles.element.iterchildren(qn("w:style")):
            name = style.find(qn("w:name"))
            ppr = style.find(qn("w:pPr"))
            numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
            self.styles[style.get(qn("w:styleId"), "")] = (
                name.get(qn("w:val"), "") if name is not None else "", numpr)
        self.blocks: list[Block] = []

    def body(self, parent: Any) -> None:
        for child in parent.iterchildren():
            if child.tag == qn("w:p"):
                self.paragraph(child)
            elif child.tag == qn("w:tbl"):
                self.table(child)
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    self.body(content)

    def paragraph(self, node: Any) -> None:
        text = _text(node)
        ppr = node.find(qn("w:pPr"))
        style_id = ""
        numpr = None
        if ppr is not None:
            style = ppr.find(qn("w:pStyle"))
            style_id = style.get(qn("w:val"), "") if style is not None else ""
            numpr = ppr.find(qn("w:numPr"))
        name, style_numpr = self.styles.get(style_id, ("", None))
        numpr = numpr if numpr is not None else style_numpr
        lowered = name.lower()
        level_match = re.match(r"heading (\d)", lowered)
        if numpr is not None:
            num_id_node, ilvl_node = numpr.find(qn("w:numId")), numpr.find(qn("w:ilvl"))
            num_id = num_id_node.get(qn("w:val"), "") if num_id_node is not None else ""
            ilvl = int(ilvl_node.get(qn("w:val"), "0")) if ilvl_node is not None else 0
            if num_id and num_id != "0" and not level_match:
                ordered, number = self.numbering.next(num_id, ilvl)
                if text:
                    self.blocks.append(item(text, number, ordered=ordered, level=ilvl))
                return
        if not text:
            return
        if level_match:
            self.blocks.append(heading(text, int(level_match.group(1))))
        elif lowered == "title":
            self.blocks.append(heading(text, 1))
        else:
            self.blocks.append(paragraph(text))

    def table(self, node: Any) -> None:
        for index, tr in enumerate(node.iterchildren(qn("w:tr"))):
            cells = [_text(tc) for tc in tr.iterchildren(qn("w:tc"))]
            trpr = tr.find(qn("w:trPr"))
            header = trpr is not None and trpr.find(qn("w:tblHeader")) is not None
            if any(cells):
                self.blocks.append(row(cells, header=header or index == 0))


def docx_blocks(data: bytes, *, max_unzipped: int) -> list[Block]:
    check_zip(data, max_unzipped=max_unzipped)
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise UnreadableDocx(f"not a readable DOCX ({type(exc).__name__})") from None
    except Exception as exc:  # noqa: BLE001 - lxml's and python-docx's many faults on a broken file
        raise UnreadableDocx(f"not a readable DOCX ({type(exc).__name__})") from None
    reader = _Reader(document)
    reader.body(document.element.body)
    return reader.blocks
