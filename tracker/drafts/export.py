"""Export a version as Markdown or as a DOCX document with a title page (python-docx)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from markdown_it.token import Token

from tracker.drafts.markdown import heading_top, shift_source, tokens
from tracker.models import Consultation
from tracker.models.drafts import Question, ResponseVersion
from tracker.timeutil import format_uk


@dataclass
class ExportContext:
    consultation: Consultation
    version: ResponseVersion
    questions: list[Question]
    supporting_cities: list[str]
    network_name: str


def _intro_title(ctx: ExportContext) -> str:
    return "Introduction" if ctx.questions else "Response"


def filename(ctx: ExportContext, ext: str) -> str:
    slug = "".join(ch if ch.isalnum() else "-" for ch in ctx.consultation.title.lower())
    slug = "-".join(filter(None, slug.split("-")))[:60] or "response"
    return f"{slug}-v{ctx.version.number}.{ext}"


def to_markdown(ctx: ExportContext) -> str:
    c = ctx.consultation
    lines = [
        f"# {c.title}",
        "",
        f"Response from the {ctx.network_name} network",
        "",
        f"- Issued by: {c.issuing_organisation}",
        f"- Closing date: {format_uk(c.closes_at)} (UK time)",
        f"- Version: {ctx.version.number}",
    ]
    if ctx.supporting_cities:
        lines.append(f"- Supported by: {', '.join(ctx.supporting_cities)}")
    lines.append("")
    # The same outline as the response page: the draft's own headings sit under the title, or
    # under the Introduction and Question headings.
    top = heading_top(bool(ctx.questions))
    if ctx.version.body.strip():
        if ctx.questions:
            lines += [f"## {_intro_title(ctx)}", ""]
        lines += [shift_source(ctx.version.body.strip(), top), ""]
    answers = ctx.version.answers or {}
    for q in ctx.questions:
        lines += [f"## Question {q.shown_number}", "", f"*{q.text.strip()}*", ""]
        lines += [shift_source(answers.get(str(q.id), "").strip(), top) or "_No answer._", ""]
    return "\n".join(lines).rstrip() + "\n"


def _add_inline(paragraph: Paragraph, inline: Token) -> None:
    """Runs for one inline token: bold, italics and code as formatting, links as text (url)."""
    bold = italic = False
    link: str | None = None
    for child in inline.children or []:
        kind = child.type
        if kind == "strong_open":
            bold = True
        elif kind == "strong_close":
            bold = False
        elif kind == "em_open":
            italic = True
        elif kind == "em_close":
            italic = False
        elif kind == "link_open":
            link = str(child.attrs.get("href", ""))
        elif kind == "link_close":
            if link:
                paragraph.add_run(f" ({link})")
            link = None
        elif kind in ("text", "code_inline", "html_inline"):
            run = paragraph.add_run(child.content)
            run.bold, run.italic = bold or None, italic or None
            if kind == "code_inline":
                run.font.name = "Courier New"
        elif kind in ("softbreak",):
            paragraph.add_run(" ")
        elif kind == "hardbreak":
            paragraph.add_run().add_break()


def add_markdown(doc: DocxDocument, source: str, top: int) -> None:
    """Markdown blocks to Word paragraphs: headings, paragraphs, lists, quotes, code. The title
    is the page's h1, so a heading at page level ``top`` is Word's Heading ``top - 1``."""
    heading_offset = top - 2
    list_stack: list[str] = []
    quote = False
    pending_style: str | None = None
    for tok in tokens(source):
        t = tok.type
        if t == "heading_open":
            level = min(int(tok.tag[1]) + heading_offset, 9)
            pending_style = f"Heading {level}"
        elif t == "bullet_list_open":
            list_stack.append("List Bullet")
        elif t == "ordered_list_open":
            list_stack.append("List Number")
        elif t in ("bullet_list_close", "ordered_list_close"):
            list_stack.pop()
        elif t == "blockquote_open":
            quote = True
        elif t == "blockquote_close":
            quote = False
        elif t == "inline":
            if pending_style:
                style = pending_style
            elif list_stack:
                style = list_stack[-1] if len(list_stack) == 1 else f"{list_stack[-1]} 2"
            elif quote:
                style = "Quote"
            else:
                style = None
            paragraph = doc.add_paragraph(style=style)
            _add_inline(paragraph, tok)
            pending_style = None
        elif t in ("fence", "code_block"):
            paragraph = doc.add_paragraph()
            run = paragraph.add_run(tok.content.rstrip("\n"))
            run.font.name = "Courier New"
        elif t == "hr":
            doc.add_paragraph("* * *").alignment = WD_ALIGN_PARAGRAPH.CENTER


def to_docx(ctx: ExportContext) -> bytes:
    c = ctx.consultation
    doc = Document()
    doc.core_properties.title = c.title
    doc.core_properties.author = ctx.network_name

    # Title page.
    for _ in range(3):
        doc.add_paragraph()
    title = doc.add_paragraph(style="Title")
    title.add_run(c.title)
    sub = doc.add_paragraph(style="Subtitle")
    sub.add_run(f"Response from the {ctx.network_name} network")
    facts = [
        ("Issued by", c.issuing_organisation),
        ("Closing date", f"{format_uk(c.closes_at)} (UK time)"),
        ("Version", str(ctx.version.number)),
    ]
    for label, value in facts:
        p = doc.add_paragraph()
        p.add_run(f"{label}: ").bold = True
        p.add_run(value)
    p = doc.add_paragraph()
    p.add_run("Supporting cities: ").bold = True
    p.add_run(", ".join(ctx.supporting_cities) if ctx.supporting_cities else "none recorded")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    top = heading_top(bool(ctx.questions))
    if ctx.version.body.strip():
        if ctx.questions:
            doc.add_heading(_intro_title(ctx), level=1)
        add_markdown(doc, ctx.version.body, top)
    answers = ctx.version.answers or {}
    for q in ctx.questions:
        doc.add_heading(f"Question {q.shown_number}", level=1)
        qp = doc.add_paragraph()
        run = qp.add_run(q.text.strip())
        run.italic = True
        run.font.size = Pt(11)
        answer = answers.get(str(q.id), "").strip()
        if answer:
            add_markdown(doc, answer, top)
        else:
            doc.add_paragraph("No answer.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
