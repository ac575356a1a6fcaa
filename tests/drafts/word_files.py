"""Word documents for the upload tests, built here with python-docx (no binary fixtures), with the
parts Word writes that python-docx has no call for (numbered lists at several levels, links,
footnotes, tracked changes, text boxes) written as the XML Word itself writes."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from docx import Document
from docx.document import Document as DocxDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.text.paragraph import Paragraph

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_VML = 'xmlns:v="urn:schemas-microsoft-com:vml"'


def png() -> bytes:
    """A one-pixel PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) \
        + chunk(b"IEND", b"")


def save(doc: DocxDocument) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def add_link(paragraph: Paragraph, url: str, text: str) -> None:
    r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def _numbering(doc: DocxDocument, ordered: bool) -> int:
    """A Word list definition (nine levels) and an instance of it, as Word writes them."""
    numbering = doc.part.numbering_part.element
    abstract_id = 90 + len(numbering.xpath("./w:abstractNum"))
    fmt = "decimal" if ordered else "bullet"
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{f"%{i + 1}." if ordered else "o"}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{720 * (i + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
        for i in range(9)
    )
    abstract = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
                         f'<w:multiLevelType w:val="hybridMultilevel"/>{levels}</w:abstractNum>')
    numbering.find(qn("w:num")).addprevious(abstract)
    return int(numbering.add_num(abstract_id).numId)


def add_list(doc: DocxDocument, items: list[tuple[int, str]], ordered: bool = True) -> None:
    """``items``: (level, text), level 0 the outermost, in "List Paragraph" as Word does."""
    num_id = _numbering(doc, ordered)
    for level, text in items:
        paragraph = doc.add_paragraph(text, style="List Paragraph")
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = level
        num_pr.get_or_add_numId().val = num_id


def add_footnote(doc: DocxDocument, paragraph: Paragraph, text: str) -> None:
    xml = (f'<w:footnotes {nsdecls("w")}>'
           '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
           '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
           f'</w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:footnote>'
           '</w:footnotes>')
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml.encode(), doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)
    paragraph.add_run()._r.append(parse_xml(f'<w:footnoteReference {nsdecls("w")} w:id="1"/>'))


def add_tracked_changes(paragraph: Paragraph, inserted: str, deleted: str) -> None:
    stamp = 'w:author="Tess Tracked" w:date="2026-03-02T10:00:00Z"'
    paragraph._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="101" {stamp}><w:r><w:t xml:space="preserve">'
                                  f'{inserted}</w:t></w:r></w:ins>'))
    paragraph._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="102" {stamp}><w:r><w:delText>{deleted}'
                                  '</w:delText></w:r></w:del>'))


def add_text_box(paragraph: Paragraph, text: str) -> None:
    paragraph._p.append(parse_xml(
        f'<w:r {nsdecls("w")}><w:pict><v:shape {_VML} style="width:120pt;height:40pt"><v:textbox><w:txbxContent>'
        f'<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>'))


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The same package with some parts' bytes replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for name, content in replace.items():
            if name not in source.namelist():
                target.writestr(name, content)
    return out.getvalue()


def new() -> DocxDocument:
    return Document()
