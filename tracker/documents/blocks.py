"""The neutral shape every document is read into (HTML, PDF, DOCX, a committee's scope), so that
finding questions (questions.py) is the same pure code whatever the format: headings, paragraphs,
list items and table rows, in document order, each with the page it was on when the format has pages."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    ITEM = "item"  # a list item
    ROW = "row"  # a table row: its cells


@dataclass(frozen=True)
class Block:
    kind: Kind
    text: str = ""
    # A heading's level (1 is the largest); a list item's depth (0 is the outermost).
    level: int = 0
    # A list item's number as its ordered list gives it ("3"), empty in a bulleted list.
    number: str = ""
    ordered: bool = False
    cells: tuple[str, ...] = ()
    header: bool = False  # a table row of header cells
    page: int | None = None


# Characters that stand for a tick box in documents and forms (Word's content controls and symbol
# fonts are turned into the first by docx.py).
CHECKBOX = "☐"
CHECKBOXES = "☐☑☒□■▢◻❑❒⬜"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200d\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def clean(text: str) -> str:
    """One line of plain text: control characters gone, runs of spaces one space."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def heading(text: str, level: int = 2, page: int | None = None) -> Block:
    return Block(Kind.HEADING, clean(text), level=level, page=page)


def paragraph(text: str, page: int | None = None) -> Block:
    return Block(Kind.PARAGRAPH, clean(text), page=page)


def item(text: str, number: str = "", *, ordered: bool = False, level: int = 0, page: int | None = None) -> Block:
    return Block(Kind.ITEM, clean(text), level=level, number=number, ordered=ordered, page=page)


def row(cells: list[str] | tuple[str, ...], *, header: bool = False, page: int | None = None) -> Block:
    tidy = tuple(clean(c) for c in cells)
    return Block(Kind.ROW, " | ".join(c for c in tidy if c), cells=tidy, header=header, page=page)
