"""HTML (a GOV.UK HTML publication's body, a committee's scope, an older item's document blocks)
into blocks. Parsed by the standard library's tolerant parser; scripts, styles and forms' hidden
parts are dropped unread, and nothing is kept but text."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from tracker.documents.blocks import CHECKBOX, Block, Kind, clean, heading, item, paragraph, row

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_PARAGRAPHS = {"p", "dt", "dd", "blockquote", "pre", "figcaption", "caption", "legend", "summary", "address"}
_BOUNDARIES = {"div", "section", "article", "header", "footer", "nav", "aside", "main", "figure", "form",
               "fieldset", "details", "hr", "body", "html", "dl", "label"}
_SKIPPED = {"script", "style", "template", "noscript", "svg", "math", "head", "title", "select", "textarea",
            "object", "iframe", "button"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "col", "area", "base", "embed", "source", "track", "wbr"}
MAX_DEPTH = 200


@dataclass
class _List:
    ordered: bool
    counter: int
    numeric: bool


@dataclass
class _Context:
    tag: str
    template: Block  # what its text becomes
    used: bool = False  # a list item's text was written once (before a nested list)


@dataclass
class _Table:
    cells: list[str] = field(default_factory=list)
    cell: list[str] | None = None
    header: bool = True
    in_head: bool = False


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.buffer: list[str] = []
        self.context: list[_Context] = []
        self.lists: list[_List] = []
        self.tables: list[_Table] = []
        self.skipping = 0
        self.depth = 0

    # --- text --------------------------------------------------------------------------------

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        table = self.tables[-1] if self.tables else None
        if table is not None and table.cell is not None:
            table.cell.append(data)
        else:
            self.buffer.append(data)

    def flush(self) -> None:
        text = clean(" ".join("".join(self.buffer).split()))
        self.buffer = []
        if not text:
            return
        context = self.context[-1] if self.context else None
        template = context.template if context is not None else paragraph("")
        if context is not None and template.kind == Kind.ITEM:
            if context.used:
                template = paragraph("")  # text after a nested list: the item's number is spent
            context.used = True
        self.blocks.append(Block(template.kind, text, level=template.level, number=template.number,
                                 ordered=template.ordered))

    # --- tags --------------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
            return
        if self.skipping:
            return
        if tag == "input" and (dict(attrs).get("type") or "").lower() in ("checkbox", "radio"):
            self.handle_data(f" {CHECKBOX} ")
            return
        if tag == "br":
            if self.tables and self.tables[-1].cell is not None:
                self.handle_data(" ")
            else:
                self.flush()
            return
        if tag in _VOID:
            return
        self.depth += 1
        if self.depth > MAX_DEPTH:
            return
        self.start_structure(tag, dict(attrs))

    def start_structure(self, tag: str, attrs: dict[str, str | None]) -> None:
        table = self.tables[-1] if self.tables else None
        if tag == "table":
            self.flush()
            self.tables.append(_Table())
        elif table is not None and tag in ("td", "th"):
            table.cell = []
            if tag == "td":
                table.header = False
        elif table is not None and tag == "thead":
            table.in_head = True
        elif table is not None and tag == "tr":
            table.cells, table.cell, table.header = [], None, True
        elif table is not None and table.cell is not None:
            table.cell.append(" ")  # a paragraph inside a cell: the cell stays one text
        elif tag in ("ol", "ul"):
            self.flush()
            kind = (attrs.get("type") or "1").strip()
            start = attrs.get("start") or "1"
            self.lists.append(_List(tag == "ol", int(start) - 1 if start.strip().isdigit() else 0,
                                    tag == "ol" and kind == "1"))
        elif tag == "li":
            self.flush()
            current = self.lists[-1] if self.lists else _List(False, 0, False)
            current.counter += 1
            level = max(0, len(self.lists) - 1)
            number = str(current.counter) if current.numeric else ""
            self.context.append(_Context(tag, item("", number, ordered=current.ordered, level=level)))
        elif tag in _HEADINGS:
            self.flush()
            self.context.append(_Context(tag, heading("", _HEADINGS[tag])))
        elif tag in _PARAGRAPHS:
            self.flush()
            self.context.append(_Context(tag, paragraph("")))
        elif tag in _BOUNDARIES:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.skipping or tag in _VOID:
            return
        self.depth = max(0, self.depth - 1)
        table = self.tables[-1] if self.tables else None
        if table is not None and tag in ("td", "th") and table.cell is not None:
            table.cells.append(clean(" ".join("".join(table.cell).split())))
            table.cell = None
        elif table is not None and tag == "tr":
            if any(table.cells):
                self.blocks.append(row(table.cells, header=table.header or table.in_head))
            table.cells = []
        elif table is not None and tag == "thead":
            table.in_head = False
        elif tag == "table" and table is not None:
            self.tables.pop()
        elif tag in ("ol", "ul"):
            self.flush()
            if self.lists:
                self.lists.pop()
        elif tag in _BOUNDARIES:
            self.flush()
        elif self.context and self.context[-1].tag == tag:
            self.flush()
            self.context.pop()

    def close(self) -> None:
        super().close()
        self.flush()


def html_blocks(markup: str) -> list[Block]:
    parser = _Parser()
    parser.feed(markup)
    parser.close()
    return parser.blocks
