"""The small HTML that mammoth writes from a Word document, as Markdown that the tracker's renderer
reads back to the same words.

Only what mammoth emits is understood: paragraphs, h1-h6, strong/em/s/code, links, line breaks,
lists (nested), tables, block quotes and images. Any other element keeps its text and loses its
markup, so nothing written in HTML reaches the draft as HTML. Text is escaped for Markdown, and
each paragraph is checked by parsing it back: if its bold or italics would not survive (Markdown's
rules on where ``*`` may open and close are strict), the paragraph is kept without them and the
loss is said.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from tracker.drafts.html_tree import Node, parse, text_of
from tracker.drafts.markdown_write import (
    HARD_BREAK,
    code,
    collapse,
    continue_item,
    escape,
    fence,
    heading_line,
    lines,
    reads_back,
    url,
    wrap,
)

LINK_SCHEMES = ("http://", "https://", "mailto:")
RULE_TEXT = "* * *"  # how the export writes a thematic break (word_out)
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_LIST_TAGS = frozenset({"ul", "ol"})
_BLOCK_TAGS = frozenset({"p", "ul", "ol", "table", "blockquote", "pre", "hr", "div", *_HEADINGS})
_MARKS = {"strong": "**", "b": "**", "em": "*", "i": "*", "s": "~~", "del": "~~", "strike": "~~"}


@dataclass
class Block:
    """One top-level block of the document: its Markdown and, for a heading, its level and text."""

    markdown: str
    kind: str = "paragraph"  # or heading, list, table, quote, code, rule
    heading: int = 0
    text: str = ""


@dataclass
class Converted:
    blocks: list[Block]
    dropped: list[str]


class _Converter:
    def __init__(self, alignments: list[list[str | None]] | None) -> None:
        self.dropped: list[str] = []
        self.alignments = alignments
        self.tables_seen = 0
        # A file the tracker exported: its title page and question texts, said once at the end.
        self.exported = False
        self.titles: list[str] = []

    # --- inline ---------------------------------------------------------------------------

    def inline(self, nodes: list[Node | str], marks: bool = True, bold_is_plain: bool = False) -> str:
        out: list[str] = []
        for node in _merge_adjacent(nodes):
            if isinstance(node, str):
                out.append(escape(collapse(node)))
                continue
            tag = node.tag
            if tag == "br":
                out.append(HARD_BREAK)
            elif tag == "img":
                alt = node.attrs.get("alt", "").strip()
                self.dropped.append(f"A picture{f' ({alt})' if alt else ''}")
            elif tag in _MARKS:
                inner = self.inline(node.children, marks, bold_is_plain)
                plain = not marks or (bold_is_plain and _MARKS[tag] == "**")
                out.append(inner if plain else wrap(_MARKS[tag], inner))
            elif tag == "code":
                out.append(code(text_of(node)))
            elif tag == "a":
                out.append(self.link(node, marks, bold_is_plain))
            else:
                out.append(self.inline(node.children, marks, bold_is_plain))
        return "".join(out)

    def link(self, node: Node, marks: bool, bold_is_plain: bool) -> str:
        inner = self.inline(node.children, marks, bold_is_plain)
        href = node.attrs.get("href", "").strip()
        if not inner.strip() or not href or href.startswith("#"):
            return inner  # a bookmark, or a link within the document (a table of contents)
        if not href.lower().startswith(LINK_SCHEMES):
            self.dropped.append(f"A link to “{href[:200]}” (only web and email links are kept): its text is kept")
            return inner
        stripped = inner.strip()
        lead, trail = inner[: len(inner) - len(inner.lstrip())], inner[len(inner.rstrip()):]
        return f"{lead}[{stripped}]({url(href)}){trail}"

    def paragraph(self, nodes: list[Node | str], *, bold_is_plain: bool = False, one_line: bool = False) -> str:
        """One paragraph's Markdown, checked by reading it back. A paragraph all in a fixed-width
        font is a code block (the export writes one so)."""
        content = [n for n in nodes if not isinstance(n, str) or n.strip()]
        if len(content) == 1 and isinstance(content[0], Node) and content[0].tag == "code" and not one_line:
            return fence(text_of(content[0], br="\n"))
        text = lines(self.inline(nodes, bold_is_plain=bold_is_plain))
        expected = " ".join(collapse(text_of(Node("p", children=nodes))).split())
        if text and not reads_back(text, expected):
            plain = self.plain(nodes)
            self.dropped.append(f"Bold, italic or struck-through text in “{_short(expected)}” "
                                "(kept as plain text: Markdown could not mark it as it was)")
            return plain
        return text

    def plain(self, nodes: list[Node | str]) -> str:
        """The nodes' Markdown without bold, italics or strikethrough (what they drop was said the
        first time round)."""
        said = len(self.dropped)
        text = lines(self.inline(nodes, marks=False))
        del self.dropped[said:]
        return text

    # --- blocks ---------------------------------------------------------------------------

    def blocks(self, nodes: list[Node | str]) -> list[Block]:
        out: list[Block] = []
        pending: list[Node | str] = []

        def flush() -> None:
            if any(not isinstance(n, str) or n.strip() for n in pending):
                text = self.paragraph(pending)
                if text:
                    out.append(Block(text))
            pending.clear()

        for node in nodes:
            if isinstance(node, str) or node.tag not in _BLOCK_TAGS:
                pending.append(node)
                continue
            flush()
            if node.tag == "p" and " ".join(text_of(node).split()) == RULE_TEXT:
                out.append(Block("---", "rule"))  # the export's thematic break
                continue
            classes = node.classes()
            continues = next((c for c in classes if c.startswith("kc-continue-")), None)
            if continues and out and out[-1].kind == "list" and node.tag == "p":
                text = self.paragraph(node.children)
                if text:
                    out[-1] = Block(continue_item(out[-1].markdown, text, int(continues.rsplit("-", 1)[1])), "list")
                continue
            out.extend(self.block(node))
        flush()
        return out

    def block(self, node: Node) -> list[Block]:
        tag = node.tag
        classes = node.classes()
        if "kc-tracker" in classes:
            self.exported = True
            return []
        if classes & {"kc-title", "kc-subtitle"}:
            text = " ".join(text_of(node).split())
            if text:
                self.titles.append(f"The document's title “{_short(text)}” (the tracker shows the "
                                   "consultation's title)")
            return []
        if tag in _HEADINGS:
            text = " ".join(collapse(text_of(node)).split())
            if not text:
                return []
            line = heading_line(_HEADINGS[tag], lines(self.inline(node.children).replace(HARD_BREAK, " ")))
            if not reads_back(line, text, "heading"):
                line = heading_line(_HEADINGS[tag], self.plain(node.children).replace("\\\n", " "))
            return [Block(line, "heading", heading=_HEADINGS[tag], text=text)]
        if tag in _LIST_TAGS:
            text = self.list_block(node)
            return [Block(text, "list")] if text else []
        if tag == "table":
            text = self.table(node)
            return [Block(text, "table")] if text else []
        if tag == "blockquote":
            inner = "\n\n".join(b.markdown for b in self.blocks(node.children))
            quoted = "\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))
            return [Block(quoted, "quote")] if inner else []
        if tag == "pre":
            return [Block(fence(text_of(node)), "code")]
        if tag == "hr":
            return [Block("---", "rule")]
        return self.blocks(node.children) if tag == "div" else [Block(t) for t in [self.paragraph(node.children)] if t]

    def list_block(self, node: Node) -> str:
        ordered = node.tag == "ol"
        start = node.attrs.get("start", "1")
        number = min(int(start), 99_999_999) if start.isdigit() else 1
        items: list[str] = []
        for li in node.children:
            if isinstance(li, str) or li.tag != "li":
                continue
            marker = f"{number}. " if ordered else "- "
            # (text, nested list): a nested list follows its item's text on the next line, a
            # further paragraph after a blank line.
            parts: list[tuple[str, bool]] = []
            for part in _runs_and_blocks(li.children):
                if isinstance(part, list):
                    parts.append((self.paragraph(part), False))
                elif part.tag in _LIST_TAGS:
                    parts.append((self.list_block(part), True))
                elif part.children:
                    parts.extend((b.markdown, False) for b in self.block(part))
            parts = [p for p in parts if p[0]]
            if not parts:
                continue
            body = parts[0][0]
            for text, nested in parts[1:]:
                body += ("\n" if nested else "\n\n") + text
            items.append(marker + body.replace("\n", "\n" + " " * len(marker)))
            number += 1
        return "\n".join(items)

    def table(self, node: Node) -> str:
        alignment = self._next_alignment()
        rows = [row for row in _descendants(node, "tr", stop={"table"})]
        grid: list[list[str]] = []
        spans: dict[tuple[int, int], str] = {}
        merged = False
        for r, row in enumerate(rows):
            cells: list[str] = []
            c = 0
            for cell in row.children:
                if isinstance(cell, str) or cell.tag not in ("td", "th"):
                    continue
                while (r, c) in spans:
                    cells.append(spans.pop((r, c)))
                    c += 1
                text = self.cell(cell, header=r == 0)
                colspan, rowspan = _span(cell.attrs.get("colspan")), _span(cell.attrs.get("rowspan"))
                merged = merged or colspan > 1 or rowspan > 1
                cells.extend([text] + [""] * (colspan - 1))
                for below in range(1, rowspan):
                    for across in range(colspan):
                        spans[(r + below, c + across)] = ""
                c += colspan
            while (r, c) in spans:
                cells.append(spans.pop((r, c)))
                c += 1
            grid.append(cells)
        if merged:
            self.dropped.append("Merged table cells (split again: Markdown tables have none)")
        width = max((len(row) for row in grid), default=0)
        if not width:
            return ""
        grid = [row + [""] * (width - len(row)) for row in grid]
        aligns = (alignment or []) + [None] * width
        rule = [{"left": ":---", "center": ":---:", "right": "---:"}.get(a or "", "---") for a in aligns[:width]]
        return "\n".join([_row(grid[0]), _row(rule), *(_row(row) for row in grid[1:])])

    def cell(self, node: Node, header: bool) -> str:
        """A cell's text on one line: its paragraphs joined, a list's items joined."""
        parts: list[str] = []
        for part in _runs_and_blocks(node.children):
            if isinstance(part, list):
                parts.append(self.paragraph(part, bold_is_plain=header, one_line=True))
            elif part.tag in _LIST_TAGS or part.tag == "table":
                what = "A list" if part.tag in _LIST_TAGS else "A table"
                self.dropped.append(f"{what} inside a table cell (its text is kept on one line in the cell)")
                items = [i for i in part.children if isinstance(i, Node) and i.tag == "li"] \
                    if part.tag in _LIST_TAGS else [part]
                parts.append("; ".join(escape(" ".join(collapse(text_of(i)).split())) for i in items))
            elif part.children:
                parts.append(self.paragraph(part.children, bold_is_plain=header, one_line=True))
        text = " ".join(p for p in parts if p).replace("\\\n", " ")
        return re.sub(r"(?<!\\)\|", r"\\|", text)  # a pipe in a code span would end the cell

    def _next_alignment(self) -> list[str | None] | None:
        index = self.tables_seen
        self.tables_seen += 1
        if self.alignments is None or index >= len(self.alignments):
            return None
        return self.alignments[index]



def _descendants(node: Node, tag: str, stop: set[str]) -> list[Node]:
    found: list[Node] = []
    for child in node.children:
        if isinstance(child, str):
            continue
        if child.tag == tag:
            found.append(child)
        elif child.tag not in stop:
            found.extend(_descendants(child, tag, stop))
    return found


def _span(value: str | None) -> int:
    return max(1, min(int(value), 63)) if value and value.isdigit() else 1


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _runs_and_blocks(children: list[Node | str]) -> Iterator[list[Node | str] | Node]:
    """An element's children in order: the inline ones between two blocks as one run (a run of
    white space alone is left out, it makes no paragraph), each block element by itself."""
    run: list[Node | str] = []
    for child in [*children, None]:
        if child is not None and (isinstance(child, str) or child.tag not in _BLOCK_TAGS):
            run.append(child)
            continue
        if any(not isinstance(n, str) or n.strip() for n in run):
            yield run
        run = []
        if child is not None:
            yield child


def _merge_adjacent(nodes: list[Node | str]) -> list[Node | str]:
    """<strong>a</strong><strong>b</strong> as one: "**a****b**" would not read back as bold."""
    merged: list[Node | str] = []
    for node in nodes:
        last = merged[-1] if merged else None
        if (isinstance(node, Node) and isinstance(last, Node) and node.tag in _MARKS
                and _MARKS.get(last.tag) == _MARKS[node.tag]):
            merged[-1] = Node(last.tag, last.attrs, [*last.children, *node.children])
        else:
            merged.append(node)
    return merged


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57].rstrip() + "…"


def convert(html: str, alignments: list[list[str | None]] | None = None) -> Converted:
    """Mammoth's HTML as Markdown blocks, with what could not be kept. ``alignments`` are the
    column alignments of the document's tables, in the order they appear."""
    converter = _Converter(alignments)
    blocks = converter.blocks(parse(html).children)
    if converter.exported:
        said = ["The title page and question texts of a file exported from the tracker (the export writes "
                "them again)"]
    else:
        said = converter.titles
    return Converted(blocks, said + converter.dropped)
