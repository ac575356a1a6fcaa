"""Small, deterministic writers of the fixture files: a PDF with a text layer (Helvetica, as a
department's export has it) and a DOCX with Word's tick boxes, both byte-for-byte the same each run."""

from __future__ import annotations

import io
import textwrap
import zipfile
from collections.abc import Sequence
from typing import Any

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

# style: (font, size, wrap width in characters, space before)
PDF_STYLES = {
    "title": ("F2", 20, 45, 10),
    "h1": ("F2", 15, 60, 14),
    "h2": ("F2", 12.5, 75, 10),
    "bold": ("F2", 11, 85, 8),
    "body": ("F1", 11, 88, 8),
}
TOP, BOTTOM, LEFT = 740, 80, 72


def _pdf_text(text: str) -> bytes:
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def pdf(paragraphs: Sequence[tuple[str, str]], *, header: str = "OFFICIAL", break_before: Sequence[int] = ()) -> bytes:
    """A PDF of ``(style, text)`` paragraphs, wrapped into lines and pages, each page with a
    running header and its number at the foot. ``break_before``: paragraphs that start a page."""
    pages: list[list[bytes]] = [[]]
    y = TOP
    for index, (style, text) in enumerate(paragraphs):
        font, size, width, before = PDF_STYLES[style]
        lines = textwrap.wrap(text, width) or [""]
        y -= before
        if index in break_before:
            y = BOTTOM - 1
        for line in lines:
            if y - size * 1.3 < BOTTOM:
                pages.append([])
                y = TOP
            y -= size * 1.3
            pages[-1].append(b"BT /%s %s Tf %d %.1f Td (%s) Tj ET" % (font.encode(), str(size).encode(), LEFT, y,
                                                                       _pdf_text(line)))
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the pages are known
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    for number, lines in enumerate(pages, start=1):
        furniture = [b"BT /F1 9 Tf %d 770 Td (%s) Tj ET" % (LEFT, _pdf_text(header)),
                     b"BT /F1 9 Tf 300 40 Td (%d) Tj ET" % number]
        stream = b"\n".join(furniture[:1] + lines + furniture[1:])
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>" % len(objects))
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


W14 = "http://schemas.microsoft.com/office/word/2010/wordml"


def _content_control_box(paragraph: Any) -> None:
    """A Word 2010 check box content control, unticked: its glyph is in the text."""
    sdt = OxmlElement("w:sdt")
    properties = OxmlElement("w:sdtPr")
    etree.SubElement(properties, f"{{{W14}}}checkbox")
    content = OxmlElement("w:sdtContent")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "☐"
    run.append(text)
    content.append(run)
    sdt.append(properties)
    sdt.append(content)
    paragraph._p.append(sdt)


def _symbol_box(paragraph: Any) -> None:
    """A box from the Wingdings font (no glyph in the text)."""
    run = OxmlElement("w:r")
    symbol = OxmlElement("w:sym")
    symbol.set(qn("w:font"), "Wingdings")
    symbol.set(qn("w:char"), "F0A8")
    run.append(symbol)
    paragraph._p.append(run)


def docx_file(parts: Sequence[tuple[str, Any]]) -> bytes:
    """A DOCX of ``(kind, value)``: ("h1".."h3", text), ("p", text), ("number", text) a List Number
    item, ("boxes", [labels]) with content-control boxes, ("symbols", [labels]) with Wingdings boxes,
    ("table", [[cells], ...]) whose first row is the header."""
    document = docx.Document()
    for kind, value in parts:
        if kind in ("h1", "h2", "h3"):
            document.add_heading(value, int(kind[1]))
        elif kind == "p":
            document.add_paragraph(value)
        elif kind == "number":
            document.add_paragraph(value, style="List Number")
        elif kind in ("boxes", "symbols"):
            paragraph = document.add_paragraph()
            for label in value:
                (_content_control_box if kind == "boxes" else _symbol_box)(paragraph)
                paragraph.add_run(f" {label}   ")
        elif kind == "table":
            table = document.add_table(rows=len(value), cols=len(value[0]))
            for r, cells in enumerate(value):
                for c, cell in enumerate(cells):
                    table.cell(r, c).text = cell
    raw = io.BytesIO()
    document.save(raw)
    return fixed_zip(raw.getvalue())


def fixed_zip(data: bytes) -> bytes:
    """The same zip with fixed dates, so that a rebuild is byte-for-byte the same."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in sorted(source.infolist(), key=lambda i: i.filename != "[Content_Types].xml"):
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
