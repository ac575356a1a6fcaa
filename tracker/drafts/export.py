"""Export a version as Markdown or as a DOCX document with a title page (python-docx; the draft's
Markdown is written by word_out)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document
from docx.enum.text import WD_BREAK
from docx.shared import Pt

from tracker.drafts.markdown import heading_top, shift_source
from tracker.drafts.word_out import TRACKER_STYLE, add_markdown, ensure_styles
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


def to_docx(ctx: ExportContext) -> bytes:
    c = ctx.consultation
    doc = Document()
    doc.core_properties.title = c.title
    doc.core_properties.author = ctx.network_name
    ensure_styles(doc)

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
    # The tracker's own paragraphs (not the draft's) are in their own style: an upload of this
    # file leaves them out, as the export writes them again.
    for label, value in facts:
        p = doc.add_paragraph(style=TRACKER_STYLE)
        p.add_run(f"{label}: ").bold = True
        p.add_run(value)
    p = doc.add_paragraph(style=TRACKER_STYLE)
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
        qp = doc.add_paragraph(style=TRACKER_STYLE)
        run = qp.add_run(q.text.strip())
        run.italic = True
        run.font.size = Pt(11)
        answer = answers.get(str(q.id), "").strip()
        if answer:
            add_markdown(doc, answer, top)
        else:
            doc.add_paragraph("No answer.", style=TRACKER_STYLE)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
