"""Finding a consultation's questions in its documents: pure functions over blocks (blocks.py).

A question is found where the document labels it ("Question 4", "Q4.", "Consultation question
2.1: …", as a heading, a paragraph or a table cell), under a heading or an introduction that says
the questions follow (numbered or ordered list items, or unnumbered paragraphs that ask
something), or in a table with a "Question" column. Its sub-parts ((a), (b)), follow-ups ("Please
explain your answer.") and nested list items stay in its text; its options (Yes / No / Don't know,
tick boxes) are kept apart. Anything else, numbered paragraphs and prose that mentions a question
included, is not a question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from tracker.documents import patterns as p
from tracker.documents.blocks import CHECKBOXES, Block, Kind

MAX_QUESTIONS = 500  # per document: a runaway table must not become thousands of rows
MAX_TEXT = 5000


@dataclass
class Found:
    number: str
    text: str
    options: list[str] = field(default_factory=list)
    where: str = ""  # the heading, or the page, it was found under
    numbered: bool = True  # False: numbered here in order, the document gave no number


@dataclass
class _Open:
    number: str
    where: str
    level: int
    parts: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    awaiting: bool = False  # a label that stands alone: its text is the next block
    takes_items: bool = False  # its text ended with ":": the list items after it are its own

    def append(self, text: str, *, is_item: bool = False) -> None:
        self.parts.append(text)
        if not is_item:
            self.takes_items = text.rstrip().endswith(":")


@dataclass(frozen=True)
class _Columns:
    question: int
    number: int | None
    options: int | None


_QUESTION_HEADERS = {"question", "questions", "consultation question", "consultation questions", "question text",
                     "the question", "questions asked"}
_NUMBER_HEADERS = {"no", "number", "question number", "question no", "ref", "reference", "q", "q no", "item", ""}
_OPTION_HEADERS = {"options", "response options", "answer options", "possible answers", "answers", "tick one",
                   "tick one box"}


def _columns(cells: Sequence[str]) -> _Columns | None:
    names = [p.normalised(c) for c in cells]
    question = next((i for i, n in enumerate(names) if n in _QUESTION_HEADERS), None)
    if question is None:
        return None
    number = next((i for i, n in enumerate(names)
                   if i != question and n in _NUMBER_HEADERS and (n or cells[i].strip() == "#")), None)
    options = next((i for i, n in enumerate(names) if n in _OPTION_HEADERS), None)
    return _Columns(question, number, options)


def _where(heading: str, page: int | None) -> str:
    if page is not None:
        return (f"page {page}, {heading}" if heading else f"page {page}")[:300]
    return heading[:300]


class _Walker:
    def __init__(self) -> None:
        self.found: list[Found] = []
        self.current: _Open | None = None
        self.heading = ""
        self.section: int | None = None  # the level of the "questions" heading we are under
        self.intro = False  # a paragraph said the questions follow
        self.intro_started = False
        self.table: _Columns | None = None
        self.unnumbered = 0

    def walk(self, blocks: Iterable[Block]) -> list[Found]:
        for block in blocks:
            if len(self.found) >= MAX_QUESTIONS:
                break
            if block.kind != Kind.ROW:
                self.table = None
            if block.kind == Kind.HEADING:
                self.heading_block(block)
            elif block.kind == Kind.ROW:
                self.row(block)
            elif block.text:
                self.text_block(block, block.text)
        self.close()
        return self.found[:MAX_QUESTIONS]

    @property
    def in_context(self) -> bool:
        return self.section is not None or self.intro

    def start(self, number: str, text: str, block: Block, *, awaiting: bool = False) -> None:
        self.close()
        self.current = _Open(number, _where(self.heading, block.page), block.level, awaiting=awaiting)
        if text:
            self.add_text(text)

    def add_text(self, text: str) -> None:
        assert self.current is not None
        text, options = p.split_options(text)
        self.current.append(text)
        self.current.options.extend(options)
        self.current.awaiting = False

    def close(self) -> None:
        current, self.current = self.current, None
        if current is None or not current.parts:
            return
        number = current.number
        if not number:
            self.unnumbered += 1
            number = str(self.unnumbered)
        options = list(dict.fromkeys(o for o in current.options if o))
        text = "\n".join(current.parts)[:MAX_TEXT]
        self.found.append(Found(number, text, options, current.where, numbered=bool(current.number)))

    def heading_block(self, block: Block) -> None:
        self.close()
        self.intro = False
        found = p.label(block.text)
        if found is not None:
            self.start(found.number, found.rest, block, awaiting=not found.rest)
            return
        self.heading = block.text
        if p.questions_heading(block.text):
            self.section = block.level
        elif self.section is not None and block.level <= self.section:
            self.section = None

    def row(self, block: Block) -> None:
        columns = _columns(block.cells) if (self.table is None or block.header) else None
        if columns is not None:
            self.close()
            self.table = columns
            return
        if self.table is not None:
            self.table_row(block.cells, block)
            return
        if self.current is not None and not self.current.awaiting:
            found = p.options(" | ".join(c for c in block.cells if c)) or p.options(" ".join(block.cells))
            if found:
                self.current.options.extend(found)
                return
        for cell in block.cells:
            if cell:
                self.text_block(block, cell)

    def table_row(self, cells: Sequence[str], block: Block) -> None:
        columns = self.table
        assert columns is not None
        text = cells[columns.question] if columns.question < len(cells) else ""
        if not text:
            return
        number = ""
        if columns.number is not None and columns.number < len(cells):
            given = re.search(p.NUMBER, cells[columns.number], re.IGNORECASE)
            number = given.group(0).lower() if given else ""
        found = p.label(text)
        if found is not None and found.rest:
            number, text = number or found.number, found.rest
        given_here, rest = p.leading_number(text)
        if given_here:
            number, text = number or given_here, rest
        if not number and not p.question_like(text):
            return  # a section's row ("Part A: housing") or an answer row
        self.start(number, text, block)
        if columns.options is not None and columns.options < len(cells) and self.current is not None:
            cell = cells[columns.options]
            self.current.options.extend(p.options(cell) or ([cell.strip(CHECKBOXES + " ")] if cell else []))
        self.close()

    def text_block(self, block: Block, text: str) -> None:
        found = p.label(text)
        if found is not None:
            self.start(found.number, found.rest, block, awaiting=not found.rest)
            return
        if self.current is not None and self.continues(block, text):
            return
        self.close()
        if self.in_context:
            number, rest = p.leading_number(text)
            if not number and block.kind == Kind.ITEM and block.ordered:
                number = block.number
            if p.question_like(rest) and len(rest.split()) <= 150:
                self.intro_started = True
                self.start(number, rest, block)
                return
            if self.intro and self.intro_started and block.kind == Kind.PARAGRAPH:
                self.intro = False
        if block.kind == Kind.PARAGRAPH and p.introduces_questions(text):
            self.intro, self.intro_started = True, False

    def continues(self, block: Block, text: str) -> bool:
        """Whether the block belongs to the open question (and was taken into it)."""
        current = self.current
        assert current is not None
        if current.awaiting:
            if p.answer_prompt(text) or p.options(text):
                return True
            self.add_text(text)
            return True
        found = p.options(text)
        if found:
            current.options.extend(found)
            return True
        if p.single_option(text) and not p.question_like(text):
            current.options.append(text.strip(CHECKBOXES + " "))
            return True
        if p.answer_prompt(text):
            return True
        numbered = self.in_context and (bool(block.ordered and block.number and block.level <= current.level)
                                        or bool(p.leading_number(text)[0]))
        if numbered:
            return False
        is_item = block.kind == Kind.ITEM
        if p.follow_up(text) or p.sub_part(text) or is_item and (current.takes_items or block.level > current.level):
            current.append(text, is_item=is_item)
            return True
        return False


def find_questions(blocks: Iterable[Block]) -> list[Found]:
    """The questions of one document, in its order."""
    return _Walker().walk(blocks)


T = TypeVar("T")


MAX_MERGED = 1000  # per consultation: the comparison below is quadratic


def _same(a: Found, first: str, b: Found, second: str) -> bool:
    """Whether two questions (with their normalised texts) are one asked twice."""
    if not first or not second:
        return False
    if first == second:
        return a.number == b.number or not (a.numbered and b.numbered)
    short, long = sorted((first, second), key=len)
    if a.numbered and b.numbered:
        if a.number != b.number:
            return False
        if short in long:
            return True
        words_a, words_b = set(first.split()), set(second.split())
        return len(words_a & words_b) / len(words_a | words_b) >= 0.6
    return short in long and len(short.split()) >= 6


def merge(found: Iterable[tuple[Found, T]]) -> list[tuple[Found, T]]:
    """One list from several documents' questions, in order of first appearance: a question found
    again (an annex's list of questions, the PDF of an HTML publication) counts once, with the
    fuller text (and that text's source) and whatever options either gave."""
    kept: list[tuple[Found, T]] = []
    texts: list[str] = []
    for count, (question, source) in enumerate(found):
        if count >= MAX_MERGED:
            break
        text = p.normalised(question.text)
        for index, (seen, seen_source) in enumerate(kept):
            if not _same(seen, texts[index], question, text):
                continue
            better = len(question.text) > len(seen.text)
            number, numbered = (seen.number, True) if seen.numbered else (question.number, question.numbered)
            merged = Found(
                number=number,
                text=question.text if better else seen.text,
                options=seen.options or question.options,
                where=question.where if better else seen.where,
                numbered=numbered,
            )
            kept[index] = (merged, source if better else seen_source)
            texts[index] = text if better else texts[index]
            break
        else:
            kept.append((question, source))
            texts.append(text)
    return kept
