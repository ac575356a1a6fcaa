"""Markdown to Word (python-docx), for the response export and the annual report.

Each Markdown block becomes what Word itself would make of it, so that a council officer can go on
editing the file: headings as Heading styles, lists as real Word numbering (nested lists as list
levels, each list counting from its own start), tables as Word tables with the columns aligned as
the ``:---:`` markers say, links as hyperlinks, quotes in the Quote style.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import RGBColor, Twips
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from markdown_it.token import Token

from tracker.drafts.html_markdown import RULE_TEXT
from tracker.drafts.markdown import tokens

# Paragraphs the export writes around the draft (title page, question texts): the upload leaves
# them out, since the export writes them again.
TRACKER_STYLE = "Tracker text"
HYPERLINK_STYLE = "Hyperlink"
# The numbering definitions this writer adds to a document, found again by name.
BULLETS, NUMBERS = "Tracker bullets", "Tracker numbers"
LINK_SCHEMES = ("http://", "https://", "mailto:")
_INDENT = 720  # twips per list level (half an inch), Word's own default
_ALIGN = {
    "text-align:left": WD_ALIGN_PARAGRAPH.LEFT,
    "text-align:center": WD_ALIGN_PARAGRAPH.CENTER,
    "text-align:right": WD_ALIGN_PARAGRAPH.RIGHT,
}
_BULLET_MARKS = ("\u2022", "\u25e6", "\u25aa")  # bullet, white bullet, small square, as Word cycles


def ensure_styles(doc: DocxDocument) -> None:
    """The styles this writer uses that python-docx's default template does not have."""
    names = {s.name for s in doc.styles}
    if HYPERLINK_STYLE not in names:
        link = doc.styles.add_style(HYPERLINK_STYLE, WD_STYLE_TYPE.CHARACTER)
        link.font.underline = True
        link.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    if TRACKER_STYLE not in names:
        note = doc.styles.add_style(TRACKER_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        note.base_style = doc.styles["Normal"]


def _abstract_num(doc: DocxDocument, name: str) -> int:
    """The id of this writer's multi-level list definition ``name``, added on first use."""
    numbering = doc.part.numbering_part.element
    found = numbering.xpath(f'./w:abstractNum[w:name/@w:val="{name}"]/@w:abstractNumId')
    if found:
        return int(found[0])
    ids = [int(i) for i in numbering.xpath("./w:abstractNum/@w:abstractNumId")]
    new_id = max(ids, default=-1) + 1
    levels = []
    for level in range(9):
        if name == BULLETS:
            fmt, text = "bullet", _BULLET_MARKS[level % 3]
        else:
            fmt, text = "decimal", f"%{level + 1}."
        levels.append(
            f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{_INDENT * (level + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
        )
    element = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{new_id}">'
        f'<w:multiLevelType w:val="multilevel"/><w:name w:val="{name}"/>{"".join(levels)}</w:abstractNum>'
    )
    # The schema puts every abstractNum before the first num.
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(element)
    else:
        numbering.append(element)
    return new_id


def _new_list(doc: DocxDocument, ordered: bool, level: int, start: int) -> int:
    """A numbering instance for one list. Word carries a count on across instances of the same
    definition unless told to start again, so each one says where it starts."""
    numbering = doc.part.numbering_part.element
    num = numbering.add_num(_abstract_num(doc, NUMBERS if ordered else BULLETS))
    num.add_lvlOverride(ilvl=level).add_startOverride(start)
    return int(num.numId)


def _number(paragraph: Paragraph, num_id: int, level: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id


@dataclass
class _List:
    ordered: bool
    num_id: int
    started: list[bool] = field(default_factory=list)  # per open item: its first paragraph written


@dataclass
class _Cell:
    inline: Token | None
    align: WD_ALIGN_PARAGRAPH | None


@dataclass
class _Table:
    rows: list[tuple[bool, list[_Cell]]] = field(default_factory=list)  # (header row, cells)


class _Inline:
    """Runs for one inline token: bold, italics, strikethrough and code as run formatting, links as
    Word hyperlinks (web and email addresses only; anything else stays text, with its address)."""

    def __init__(self, paragraph: Paragraph) -> None:
        self.paragraph = paragraph
        self.bold = self.italic = self.strike = False
        self.link: BaseOxmlElement | None = None
        self.link_href = ""

    def run(self, text: str = "", code: bool = False) -> Run:
        if self.link is not None:
            r = OxmlElement("w:r")
            self.link.append(r)
            run = Run(r, self.paragraph)
            run.style = HYPERLINK_STYLE
            run.text = text
        else:
            run = self.paragraph.add_run(text)
        run.bold, run.italic = self.bold or None, self.italic or None
        if self.strike:
            run.font.strike = True
        if code:
            run.font.name = "Courier New"
        return run

    def open_link(self, href: str) -> None:
        if href.lower().startswith(LINK_SCHEMES):
            part = self.paragraph.part
            self.link = OxmlElement("w:hyperlink")
            self.link.set(qn("r:id"), part.relate_to(href, RT.HYPERLINK, is_external=True))
            self.paragraph._p.append(self.link)
        self.link_href = href

    def close_link(self) -> None:
        if self.link is None and self.link_href:
            self.run(f" ({self.link_href})")
        self.link, self.link_href = None, ""

    def write(self, inline: Token) -> None:
        for child in inline.children or []:
            kind = child.type
            if kind in ("strong_open", "strong_close"):
                self.bold = kind == "strong_open"
            elif kind in ("em_open", "em_close"):
                self.italic = kind == "em_open"
            elif kind in ("s_open", "s_close"):
                self.strike = kind == "s_open"
            elif kind == "link_open":
                self.open_link(str(child.attrs.get("href", "")))
            elif kind == "link_close":
                self.close_link()
            elif kind == "image":
                # A picture Word cannot fetch: its description, linked to it.
                self.open_link(str(child.attrs.get("src", "")))
                self.run(child.content or "image")
                self.close_link()
            elif kind in ("text", "html_inline"):
                if child.content:
                    self.run(child.content)
            elif kind == "code_inline":
                self.run(child.content, code=True)
            elif kind == "softbreak":
                self.run(" ")
            elif kind == "hardbreak":
                self.run().add_break()


class _Writer:
    def __init__(self, doc: DocxDocument, top: int) -> None:
        self.doc = doc
        # The title is the page's h1, so a heading at page level ``top`` is Word's Heading ``top - 1``.
        self.heading_offset = top - 2
        self.lists: list[_List] = []
        self.quote = 0
        self.heading: int | None = None
        self.table: _Table | None = None
        self.cell: _Cell | None = None

    def paragraph(self) -> Paragraph:
        """A paragraph for the next block, styled for where it sits."""
        if self.heading is not None:
            return self.doc.add_paragraph(style=f"Heading {self.heading}")
        if self.lists:
            current = self.lists[-1]
            depth = len(self.lists)
            if current.started and not current.started[-1]:
                current.started[-1] = True
                kind = "List Number" if current.ordered else "List Bullet"
                p = self.doc.add_paragraph(style=kind if depth == 1 else f"{kind} {min(depth, 3)}")
                _number(p, current.num_id, depth - 1)
                return p
            # A second paragraph of the same item: under the item's text, without a number.
            p = self.doc.add_paragraph(style="List Continue" if depth == 1 else f"List Continue {min(depth, 3)}")
            p.paragraph_format.left_indent = Twips(_INDENT * depth)
            return p
        return self.doc.add_paragraph(style="Quote" if self.quote else None)

    def open_list(self, tok: Token) -> None:
        ordered = tok.type == "ordered_list_open"
        start = int(tok.attrs.get("start", 1) or 1) if ordered else 1
        self.lists.append(_List(ordered, _new_list(self.doc, ordered, len(self.lists), start)))

    def token(self, tok: Token) -> None:
        t = tok.type
        if self.table is not None:
            self._table_token(tok)
            return
        if t == "heading_open":
            self.heading = max(1, min(int(tok.tag[1]) + self.heading_offset, 9))
        elif t == "heading_close":
            self.heading = None
        elif t in ("bullet_list_open", "ordered_list_open"):
            self.open_list(tok)
        elif t in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
        elif t == "list_item_open":
            self.lists[-1].started.append(False)
        elif t == "list_item_close":
            self.lists[-1].started.pop()
        elif t == "blockquote_open":
            self.quote += 1
        elif t == "blockquote_close":
            self.quote -= 1
        elif t == "table_open":
            self.table = _Table()
        elif t == "inline":
            _Inline(self.paragraph()).write(tok)
        elif t in ("fence", "code_block"):
            p = self.paragraph()
            run = p.add_run(tok.content.rstrip("\n"))
            run.font.name = "Courier New"
        elif t == "hr":
            self.doc.add_paragraph(RULE_TEXT).alignment = WD_ALIGN_PARAGRAPH.CENTER

    def _table_token(self, tok: Token) -> None:
        """Collect a table's rows (only rows and cells come between its open and close); it is
        written as a whole when it closes."""
        assert self.table is not None
        t = tok.type
        if t == "tr_open":
            self.table.rows.append((False, []))
        elif t in ("th_open", "td_open"):
            self.cell = _Cell(None, _ALIGN.get(str(tok.attrs.get("style", ""))))
            header, cells = self.table.rows[-1]
            self.table.rows[-1] = (header or t == "th_open", [*cells, self.cell])
        elif t == "inline" and self.cell is not None:
            self.cell.inline = tok
        elif t in ("th_close", "td_close"):
            self.cell = None
        elif t == "table_close":
            self._write_table(self.table)
            self.table = None

    def _write_table(self, table: _Table) -> None:
        columns = max((len(cells) for _h, cells in table.rows), default=0)
        if not columns:
            return
        word = self.doc.add_table(rows=len(table.rows), cols=columns)
        word.style = self.doc.styles["Table Grid"]
        for row, (header, cells) in zip(word.rows, table.rows, strict=True):
            if header:
                # Repeated at the top of each page, as Word's "Repeat as header row".
                row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
            for cell, source in zip(row.cells, cells, strict=False):
                paragraph = cell.paragraphs[0]
                if source.align is not None:
                    paragraph.alignment = source.align
                writer = _Inline(paragraph)
                writer.bold = header
                if source.inline is not None:
                    writer.write(source.inline)
        # Word needs a paragraph between two tables, or it joins them.
        self.doc.add_paragraph()


def add_markdown(doc: DocxDocument, source: str, top: int) -> None:
    """Markdown blocks to Word: headings, paragraphs, lists, quotes, tables, code. ``top`` is
    the page level of the text's ``#`` heading (see markdown.heading_top)."""
    ensure_styles(doc)
    writer = _Writer(doc, top)
    for tok in tokens(source):
        writer.token(tok)
