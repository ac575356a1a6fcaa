"""Reading an uploaded Word document into Markdown, and saying what could not come with it.

The file is untrusted. It is checked to be what Word saves as .docx (a zip with the main document
part, by its content, whatever its name), its unzipped size is bounded before anything is read,
and XML with a document type declaration (entity tricks; Word never writes one) is refused.
Mammoth reads it (no embedded style map, no external files, pictures never opened) into a small
HTML that html_markdown turns into Markdown; nothing in the file is run.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from typing import Any

import mammoth
from mammoth import documents
from mammoth.raw_text import extract_raw_text_from_element

from tracker.drafts.html_markdown import Block, convert
from tracker.drafts.limits import MAX_TEXT
from tracker.errors import DomainError

log = logging.getLogger(__name__)

MAIN_PART = "word/document.xml"
_DOCX_TYPES = (b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml")
_MACRO_TYPES = (b"ms-word.document.macroEnabled.main+xml", b"ms-word.template.macroEnabledTemplate.main+xml")
_MAX_ENTRIES = 5_000
# Reading takes about a millisecond a paragraph: a response of the longest text allowed has a few
# thousand at most.
MAX_PARAGRAPHS = 8_000
_TEXT = re.compile(rb"<w:t(?:\s[^>]*)?>([^<]*)</w:t>")
_PARAGRAPH = re.compile(rb"<w:p[\s/>]")
_DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_MONOSPACE = frozenset({"courier new", "courier", "consolas", "lucida console", "menlo", "monaco"})
_ALIGNMENTS = {"left": "left", "start": "left", "center": "center", "right": "right", "end": "right"}

# Word's styles that have a Markdown meaning; the rest come in as paragraphs and are listed.
STYLE_MAP = "\n".join([
    *(f"p:{kind}-list({n}) => {'ul|ol > li > ' * (n - 1)}{'ul' if kind == 'unordered' else 'ol'} > li:fresh"
      for n in range(1, 10) for kind in ("unordered", "ordered")),
    "p[style-name='Title'] => p.kc-title:fresh",
    "p[style-name='Subtitle'] => p.kc-subtitle:fresh",
    "p[style-name='Tracker text'] => p.kc-tracker:fresh",
    "p[style-name='Quote'] => blockquote > p:fresh",
    "p[style-name='Intense Quote'] => blockquote > p:fresh",
    "p[style-name='List Paragraph'] => p.kc-continue-1:fresh",
    "p[style-name='List Continue'] => p.kc-continue-1:fresh",
    "p[style-name='List Continue 2'] => p.kc-continue-2:fresh",
    "p[style-name='List Continue 3'] => p.kc-continue-3:fresh",
    "r[style-name='Hyperlink'] =>",
    "r[style-name='kc-code'] => code",
    "r[style-name='Emphasis'] => em",
])

NOT_A_DOCX = ("The file must be a Word document saved as .docx. Open it in Word and use Save As, "
              "Word Document (.docx), then upload that file.")


@dataclass
class WordDocument:
    blocks: list[Block]
    dropped: list[str]


def size_text(n: int) -> str:
    """A size limit as people say it: "10 MB", "1.5 MB", "100 KB"."""
    mb = n / (1024 * 1024)
    if mb >= 1:
        return f"{mb:.0f} MB" if mb == int(mb) else f"{mb:.1f} MB"
    return f"{n // 1024} KB"


def _refuse(message: str) -> DomainError:
    return DomainError(message, field="file")


def check(data: bytes, max_unzipped: int) -> None:
    """Refuse anything that is not a .docx, or that would unzip to more than ``max_unzipped``."""
    if not data:
        raise _refuse("The selected file is empty.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise _refuse(NOT_A_DOCX + " (A document protected by a password cannot be read: remove the "
                      "password first.)") from None
    names = {info.filename for info in entries}
    if MAIN_PART not in names or "[Content_Types].xml" not in names:
        raise _refuse(NOT_A_DOCX)
    if len(entries) > _MAX_ENTRIES or sum(info.file_size for info in entries) > max_unzipped:
        # zipfile stops reading a part at the size its entry declares (and then fails its
        # checksum), so bounding the declared sizes bounds what is decompressed.
        raise _refuse(f"The document unpacks to more than {size_text(max_unzipped)}, more than the "
                      "tracker reads. Remove large pictures or embedded files and try again.")
    if any(info.flag_bits & 0x1 for info in entries):
        raise _refuse("The document is encrypted: remove its password in Word, save it and upload it again.")
    try:
        content_types = archive.read("[Content_Types].xml")
        if any(t in content_types for t in _MACRO_TYPES):
            raise _refuse("The document contains macros (.docm). Save it as a Word Document (.docx) and "
                          "upload that file: macros are never run here.")
        if not any(t in content_types for t in _DOCX_TYPES):
            raise _refuse(NOT_A_DOCX)
        for info in entries:
            if info.filename.endswith((".xml", ".rels")) and _DOCTYPE.search(archive.read(info)):
                raise _refuse("The document contains XML that Word does not write (a document type "
                              "declaration), so it was not read. Save it again from Word and upload that file.")
        _check_size(archive.read(MAIN_PART))
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, ValueError):
        raise _refuse("The document is damaged and cannot be read. Open it in Word, save it again "
                      "and upload that file.") from None


def _check_size(main: bytes) -> None:
    """Refuse, before the slow reading, a document longer than a response may be."""
    words = sum(len(t.decode("utf-8", "replace")) for t in _TEXT.findall(main))
    if words > MAX_TEXT:
        raise _refuse(f"The document has about {words:,} characters of text, and a response can be up to "
                      f"{MAX_TEXT:,}. Shorten it, or copy it into the editor in parts.")
    if len(_PARAGRAPH.findall(main)) > MAX_PARAGRAPHS:
        raise _refuse(f"The document has more than {MAX_PARAGRAPHS:,} paragraphs and table cells, more than "
                      "the tracker reads at once. Shorten it, or copy it into the editor in parts.")


class _Walk:
    """Mammoth's document before it becomes HTML: notes taken out (and listed), monospaced runs
    marked as code, and each table's column alignment noted in the order the HTML will have."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.alignments: list[list[str | None]] = []
        self.notes: list[str] = []

    def element(self, element: Any) -> Any:
        if isinstance(element, documents.NoteReference):
            self.note(element)
            return None
        if isinstance(element, documents.Table):
            self.alignments.append(_table_alignment(element))
        if (isinstance(element, documents.Run) and element.style_name is None
                and (element.font or "").lower() in _MONOSPACE):
            element = element.copy(style_name="kc-code")
        children = getattr(element, "children", None)
        if isinstance(children, list):
            element = element.copy(children=[c for c in (self.element(child) for child in children) if c is not None])
        return element

    def note(self, reference: Any) -> None:
        kind = "Footnote" if reference.note_type == "footnote" else "Endnote"
        try:
            note = self.document.notes.resolve(reference)
            text = " ".join("".join(extract_raw_text_from_element(e) for e in note.body).split())
        except KeyError:
            text = ""
        self.notes.append(f"{kind} {len(self.notes) + 1}: “{_short(text)}”" if text else f"{kind} {len(self.notes) + 1}")


def _table_alignment(table: Any) -> list[str | None]:
    """Each column's alignment: the one most of its (body) cells have, if any."""
    columns: dict[int, Counter[str | None]] = {}
    taken: set[tuple[int, int]] = set()
    rows = [row for row in table.children if isinstance(row, documents.TableRow)]
    for r, row in enumerate(rows):
        c = 0
        for cell in row.children:
            while (r, c) in taken:
                c += 1
            paragraphs = [p for p in getattr(cell, "children", []) if isinstance(p, documents.Paragraph)]
            if paragraphs and (r > 0 or len(rows) == 1) and extract_raw_text_from_element(cell).strip():
                columns.setdefault(c, Counter())[_ALIGNMENTS.get(paragraphs[0].alignment or "")] += 1
            span, down = getattr(cell, "colspan", 1) or 1, getattr(cell, "rowspan", 1) or 1
            taken.update((r + dr, c + dc) for dr in range(down) for dc in range(span))
            c += span
    width = max(columns, default=-1) + 1
    return [columns[c].most_common(1)[0][0] if c in columns else None for c in range(width)]


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:77].rstrip() + "…"


_STYLE_MESSAGE = re.compile(r"Unrecognised (paragraph|run) style: (.*) \(Style ID: .*\)$")
_ELEMENT_MESSAGE = re.compile(r"An unrecognised element was ignored: (\S+)")


def _messages(messages: list[Any]) -> list[str]:
    """Mammoth's warnings in the words of the page."""
    said: list[str] = []
    for message in messages:
        text = str(message.message)
        if "image" in text.lower():
            continue  # pictures are listed one by one already
        if m := _STYLE_MESSAGE.match(text):
            if m.group(1) == "paragraph":
                said.append(f"The style “{m.group(2)}”: its paragraphs are kept as ordinary paragraphs")
            else:
                said.append(f"The character style “{m.group(2)}”: its text is kept without it")
        elif m := _ELEMENT_MESSAGE.match(text):
            what = "An equation" if m.group(1).startswith("m:") else f"Word content the tracker cannot read ({m.group(1)})"
            said.append(what)
        else:
            said.append(text)
    return said


def _from_the_package(data: bytes) -> list[str]:
    """What only the file's own XML shows: tracked changes, text boxes, page headers."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    main = archive.read(MAIN_PART)
    said = []
    changes = len(re.findall(rb"<w:(?:ins|del|moveFrom|moveTo)\b", main))
    if changes:
        said.append(f"Tracked changes ({changes}): the text is read as if all of them were accepted")
    if re.search(rb"<w:txbxContent\b", main):
        said.append("Text boxes: their text is placed as ordinary paragraphs after the paragraph each box sits by")
    for info in archive.infolist():
        if re.fullmatch(r"word/(header|footer)\d*\.xml", info.filename) and b"<w:t" in archive.read(info):
            said.append("Page headers and footers")
            break
    return said


def read(data: bytes, *, max_unzipped: int) -> WordDocument:
    """The document's blocks as Markdown and the list of what was left out or changed."""
    check(data, max_unzipped)
    walks: list[_Walk] = []
    comments: list[str] = []

    def transform(document: Any) -> Any:
        walk = _Walk(document)
        walks.append(walk)
        for comment in document.comments or []:
            text = " ".join("".join(extract_raw_text_from_element(e) for e in comment.body).split())
            by = f" by {comment.author_name}" if comment.author_name else ""
            comments.append(f"A comment{by}: “{_short(text)}”")
        return walk.element(document)

    try:
        result = mammoth.convert_to_html(
            io.BytesIO(data), style_map=STYLE_MAP, include_embedded_style_map=False,
            external_file_access=False, transform_document=transform,
            convert_image=mammoth.images.img_element(lambda image: {}),
        )
        extra = _from_the_package(data)
    except Exception:  # noqa: BLE001 - an untrusted file inside a third-party reader: any failure is the file's
        log.warning("An uploaded Word document could not be read", exc_info=True)
        raise _refuse("The document is damaged or uses parts of Word the tracker cannot read. Open it in "
                      "Word, save it again as .docx and upload that file.") from None
    walk = walks[0] if walks else None
    converted = convert(result.value, walk.alignments if walk else None)
    dropped = [*extra, *(walk.notes if walk else []), *comments, *converted.dropped, *_messages(result.messages)]
    return WordDocument(converted.blocks, _counted(dropped))


def _counted(lines: list[str]) -> list[str]:
    """Each line once, with how many times it came if more than once."""
    counts = Counter(lines)
    return [f"{line} ({counts[line]} times)" if counts[line] > 1 else line for line in dict.fromkeys(lines)]
