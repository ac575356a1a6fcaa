"""Issue 23: the DOCX export keeps what the Markdown says (tables with their columns' alignment,
lists with Word numbering, links as hyperlinks, headings, bold and italics, quotes), for a free-text
response and one answered question by question; read back with python-docx."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from tests.drafts.test_word_upload import _questions, numbering
from tracker.drafts import versions
from tracker.extensions import db
from tracker.models import Status

BODY = """# Our position

The network **welcomes** the review and *asks* for ~~less~~ more; see [the guidance](https://www.gov.uk/guidance/x)
and write to [the team](mailto:team@keycities.test). A [page of ours](/consultations/1) stays text.

| Area | Routes | Share |
|:-----|:------:|------:|
| Hull | **12** | 40% |
| Salford | 9 | 25% |

1. Fund the routes
2. Publish the timetables
   - in print
   - online
3. Review them

A paragraph between.

1. A second list
2. counts from one again

Another paragraph.

4. One that starts at four
5. and goes on

> Councils know their places.

## Detail

`code` in a line.
"""


def _export(client, consultation, number: int = 1):  # type: ignore[no-untyped-def]
    r = client.get(f"/consultations/{consultation.id}/response/versions/{number}/export.docx")
    assert r.status_code == 200
    return Document(io.BytesIO(r.data))


def _draft(make_draft, users, body: str, answers=None, questions=None):  # type: ignore[no-untyped-def]
    consultation = make_draft(Status.DRAFTING, versions=[])
    qs = _questions(consultation, questions) if questions else []
    versions.save_version(users["lead"], consultation, versions.DraftText(
        body=body, answers={str(q.id): a for q, a in zip(qs, answers or [], strict=False)}), 0)
    db.session.commit()
    return consultation, qs


def _runs(paragraph):  # type: ignore[no-untyped-def]
    return [(r.text, bool(r.bold), bool(r.italic), bool(r.font.strike)) for r in paragraph.runs if r.text]


def test_free_text_export(make_draft, as_user, users):
    consultation, _ = _draft(make_draft, users, BODY)
    doc = _export(as_user("contributor"), consultation)
    paragraphs = doc.paragraphs
    styles = [(p.style.name, p.text) for p in paragraphs]
    assert ("Heading 1", "Our position") in styles and ("Heading 2", "Detail") in styles

    intro = next(p for p in paragraphs if p.text.startswith("The network"))
    assert ("welcomes", True, False, False) in _runs(intro)
    assert ("asks", False, True, False) in _runs(intro)
    assert ("less", False, False, True) in _runs(intro)
    assert [(h.text, h.address) for h in intro.hyperlinks] == [
        ("the guidance", "https://www.gov.uk/guidance/x"), ("the team", "mailto:team@keycities.test")]
    assert "A page of ours (/consultations/1) stays text." in intro.text

    [table] = doc.tables
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["Area", "Routes", "Share"], ["Hull", "12", "40%"], ["Salford", "9", "25%"]]
    for row in table.rows:
        assert [c.paragraphs[0].alignment for c in row.cells] == [
            WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT]
    assert all(r.bold for c in table.rows[0].cells for r in c.paragraphs[0].runs)  # the header row
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on each page
    assert table.rows[1].cells[1].paragraphs[0].runs[0].bold  # **12**

    listed = [(p.text, *numbering(doc, p), _num_id(p)) for p in paragraphs if numbering(doc, p)[0]]
    assert [item[:3] for item in listed] == [
        ("Fund the routes", "decimal", 0), ("Publish the timetables", "decimal", 0),
        ("in print", "bullet", 1), ("online", "bullet", 1), ("Review them", "decimal", 0),
        ("A second list", "decimal", 0), ("counts from one again", "decimal", 0),
        ("One that starts at four", "decimal", 0), ("and goes on", "decimal", 0)]
    # Each list is its own Word list, told where it starts (Word would carry the count on).
    first, second, third = listed[0][3], listed[5][3], listed[7][3]
    assert len({first, listed[2][3], second, third}) == 4
    assert [_start(doc, first), _start(doc, second), _start(doc, third)] == [1, 1, 4]

    assert ("Quote", "Councils know their places.") in styles
    code = next(p for p in paragraphs if p.text == "code in a line.")
    assert code.runs[0].font.name == "Courier New"


def _num_id(paragraph) -> int:  # type: ignore[no-untyped-def]
    return paragraph._p.pPr.numPr.numId.val


def _start(doc, num_id: int) -> int:  # type: ignore[no-untyped-def]
    num = doc.part.numbering_part.element.num_having_numId(num_id)
    return int(num.xpath("./w:lvlOverride/w:startOverride/@w:val")[0])


def test_question_by_question_export(make_draft, as_user, users):
    consultation, qs = _draft(
        make_draft, users, "Our introduction.",
        answers=["# Costs\n\n| Year | Cost |\n|---|--:|\n| 2026 | £1m |\n\n- staff\n- buses",
                 "See [the report](https://example.org/r)."],
        questions=["What would it cost?", "Anything else?"])
    doc = _export(as_user("lead"), consultation)
    styles = [(p.style.name, p.text) for p in doc.paragraphs]
    headings = [(s, t) for s, t in styles if s.startswith("Heading")]
    assert headings == [("Heading 1", "Introduction"), ("Heading 1", "Question 1"), ("Heading 2", "Costs"),
                        ("Heading 1", "Question 2")]
    [table] = doc.tables
    assert [[c.text for c in row.cells] for row in table.rows] == [["Year", "Cost"], ["2026", "£1m"]]
    assert [c.paragraphs[0].alignment for c in table.rows[1].cells] == [None, WD_ALIGN_PARAGRAPH.RIGHT]
    assert [(p.text, numbering(doc, p)[0]) for p in doc.paragraphs if numbering(doc, p)[0]] == [
        ("staff", "bullet"), ("buses", "bullet")]
    assert [(h.text, h.address) for p in doc.paragraphs for h in p.hyperlinks] == [
        ("the report", "https://example.org/r")]
    # The question's own text is the tracker's, in a style of its own (an upload leaves it out).
    assert ("Tracker text", "What would it cost?") in styles


def test_the_annual_reports_writer_nests_its_figures(as_user, app):
    """The annual report (tests/policy) writes its body through the same writer, "##" as Heading 1."""
    from tracker.drafts.word_out import add_markdown

    doc = Document()
    add_markdown(doc, "## Figures\n\n- Engagements: 4\n  - Meeting with a minister: 1\n", 1)
    styles = [(p.style.name, p.text, numbering(doc, p)) for p in doc.paragraphs]
    assert styles == [("Heading 1", "Figures", (None, None)), ("List Bullet", "Engagements: 4", ("bullet", 0)),
                      ("List Bullet 2", "Meeting with a minister: 1", ("bullet", 1))]
