"""Issue 23: a Word document uploaded as the draft's next version, checked before it is saved, and
round-tripped through the DOCX export."""

from __future__ import annotations

import html
import io
import json
import re

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from tests.drafts import word_files as wf
from tests.drafts.conftest import versions_of
from tracker.drafts import queries
from tracker.extensions import db
from tracker.models import Status


def _url(consultation, tail: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/consultations/{consultation.id}/response/upload{tail}"


def upload(client, consultation, data: bytes, base: int, name: str = "response.docx"):  # type: ignore[no-untyped-def]
    return client.post(_url(consultation), data={"base_version": str(base), "file": (io.BytesIO(data), name, wf.DOCX_TYPE)},
                       content_type="multipart/form-data")


def payload(page: str) -> str:
    found = re.search(r'name="upload" type="hidden" value="([^"]*)"|type="hidden" name="upload" value="([^"]*)"'
                      r'|name="upload"[^>]*value="([^"]*)"', page)
    assert found, "the confirmation form carries the document"
    return html.unescape(next(g for g in found.groups() if g is not None))


def base_of(page: str) -> int:
    confirm = page[page.index("/response/upload/confirm"):]
    return int(re.search(r'name="base_version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="base_version"',
                         confirm).group(1) or 0)


def confirm(client, consultation, page: str):  # type: ignore[no-untyped-def]
    return client.post(_url(consultation, "/confirm"), data={"base_version": base_of(page), "upload": payload(page)})


def text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def table_list_link_heading() -> bytes:
    doc = wf.new()
    doc.add_heading("Our evidence", level=1)
    intro = doc.add_paragraph("The network ")
    intro.add_run("strongly").bold = True
    intro.add_run(" supports the aim; see ")
    wf.add_link(intro, "https://www.gov.uk/guidance/bus-services", "the guidance")
    intro.add_run(".")
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate([["City", "Routes", "Share"], ["Hull", "12", "40%"], ["Salford", "9", "25%"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
            table.cell(r, c).paragraphs[0].alignment = [None, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT][c]
    wf.add_list(doc, [(0, "Fund the routes"), (0, "Publish the timetables"), (1, "in print too"), (0, "Review in 2027")])
    return wf.save(doc)


def test_round_trip_table_numbered_list_link_and_heading(make_draft, as_user, users):
    consultation = make_draft(Status.DRAFTING, versions=["Old text."])
    lead = as_user("lead")
    shown = upload(lead, consultation, table_list_link_heading(), base=1)
    assert shown.status_code == 200
    page = shown.get_data(as_text=True)
    assert "Check the uploaded document" in page and "Nothing: everything in the document came across." in page
    assert [v[:2] for v in versions_of(consultation)] == [(1, "Old text.")]  # nothing saved yet

    saved = confirm(lead, consultation, page)
    assert saved.status_code == 302
    body = versions_of(consultation)[-1][1]
    assert body.startswith("# Our evidence\n\nThe network **strongly** supports the aim; see "
                           "[the guidance](https://www.gov.uk/guidance/bus-services).")
    assert "| City | Routes | Share |\n| --- | :---: | ---: |\n| Hull | 12 | 40% |" in body
    assert "1. Fund the routes\n2. Publish the timetables\n   1. in print too\n3. Review in 2027" in body
    version = queries.current_version(queries.get_response(consultation))
    assert version.number == 2 and version.note == "Uploaded from response.docx"
    assert version.author_id == users["lead"].id
    assert "Version 2 saved from response.docx." in lead.get(saved.headers["Location"]).get_data(as_text=True)

    exported = lead.get(f"/consultations/{consultation.id}/response/versions/2/export.docx")
    doc = Document(io.BytesIO(exported.data))
    assert ("Heading 1", "Our evidence") in [(p.style.name, p.text) for p in doc.paragraphs]
    [table] = doc.tables
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["City", "Routes", "Share"], ["Hull", "12", "40%"], ["Salford", "9", "25%"]]
    assert [c.paragraphs[0].alignment for c in table.rows[1].cells] == [
        None, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT]
    items = [(p.text, *numbering(doc, p)) for p in doc.paragraphs if numbering(doc, p)[0]]
    assert items == [("Fund the routes", "decimal", 0), ("Publish the timetables", "decimal", 0),
                     ("in print too", "decimal", 1), ("Review in 2027", "decimal", 0)]
    links = [(h.text, h.address) for p in doc.paragraphs for h in p.hyperlinks]
    assert links == [("the guidance", "https://www.gov.uk/guidance/bus-services")]


def numbering(doc, paragraph) -> tuple[str | None, int | None]:  # type: ignore[no-untyped-def]
    """(numFmt, level) of a numbered paragraph, as Word resolves them; (None, None) otherwise."""
    ppr = paragraph._p.pPr
    if ppr is None or ppr.numPr is None or ppr.numPr.numId is None:
        return None, None
    level = ppr.numPr.ilvl.val if ppr.numPr.ilvl is not None else 0
    numbering_el = doc.part.numbering_part.element
    num = numbering_el.num_having_numId(ppr.numPr.numId.val)
    fmt = numbering_el.xpath(f'./w:abstractNum[@w:abstractNumId="{num.abstractNumId.val}"]'
                             f'/w:lvl[@w:ilvl="{level}"]/w:numFmt/@w:val')[0]
    return fmt, level


def test_what_is_left_out_is_listed_before_anything_is_saved(make_draft, as_user):
    consultation = make_draft(Status.DRAFTING, versions=["Old text."])
    doc = wf.new()
    p = doc.add_paragraph("Evidence from Hull.")
    doc.add_picture(io.BytesIO(wf.png()))
    wf.add_footnote(doc, p, "Source: Hull City Council, 2025.")
    doc.add_comment(p.runs, text="Check this figure", author="Carla Comment")
    changed = doc.add_paragraph("Text ")
    wf.add_tracked_changes(changed, "added here", "taken out")
    boxed = doc.add_paragraph("Beside a box.")
    wf.add_text_box(boxed, "Boxed aside")
    from docx.enum.style import WD_STYLE_TYPE

    doc.styles.add_style("Fancy Body", WD_STYLE_TYPE.PARAGRAPH)
    doc.add_paragraph("Styled words.", style="Fancy Body")
    r = upload(as_user("lead"), consultation, wf.save(doc), base=1)
    assert r.status_code == 200
    shown = text(r.get_data(as_text=True))
    for line in ("A picture", "Footnote 1: “Source: Hull City Council, 2025.”",
                 "A comment by Carla Comment: “Check this figure”",
                 "Tracked changes (2): the text is read as if all of them were accepted",
                 "Text boxes: their text is placed as ordinary paragraphs",
                 "The style “Fancy Body”: its paragraphs are kept as ordinary paragraphs"):
        assert line in shown, line
    assert [v[:2] for v in versions_of(consultation)] == [(1, "Old text.")]
    document = json.loads(payload(r.get_data(as_text=True)))
    assert document["body"] == ("Evidence from Hull.\n\nText added here\n\nBeside a box.\n\nBoxed aside\n\n"
                                "Styled words.")


def test_an_upload_on_a_page_drawn_before_someone_saved_is_refused_and_offered_again(make_draft, as_user, users):
    consultation = make_draft(Status.DRAFTING, versions=["Version one."])
    lead, coordinator = as_user("lead"), as_user("coordinator")
    assert 'name="base_version" type="hidden" value="1"' in lead.get(_url(consultation)).get_data(as_text=True)
    # The coordinator saves version 2 while the lead has the upload page open.
    assert coordinator.post(f"/consultations/{consultation.id}/response/edit",
                            data={"base_version": 1, "body": "Coordinator's version two.", "save": "1"}).status_code == 302

    doc = wf.new()
    doc.add_paragraph("The lead's Word draft.")
    refused = upload(lead, consultation, wf.save(doc), base=1)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    shown = text(page)
    assert "The document was not saved" in shown
    assert "saved version 2 while you were editing" in shown
    # Compared with their version: their words struck out, the document's added.
    assert re.findall(r"<(?:del|ins)>.*?</(?:del|ins)>", page) == [
        "<del>Coordinator</del>", "<ins>The lead</ins>", "<del>version</del>", "<ins>Word</ins>",
        "<del>two</del>", "<ins>draft</ins>"]
    assert [v[:2] for v in versions_of(consultation)] == [(1, "Version one."), (2, "Coordinator's version two.")]
    # Offered again on top of version 2: saving it now is a deliberate choice.
    assert base_of(page) == 2 and "Save as version 3" in page
    assert confirm(lead, consultation, page).status_code == 302
    assert [v[:2] for v in versions_of(consultation)] == [
        (1, "Version one."), (2, "Coordinator's version two."), (3, "The lead's Word draft.")]


def test_a_confirmation_after_someone_saved_is_refused_with_the_document_kept(make_draft, as_user, added_contributor):
    consultation = make_draft(Status.DRAFTING, versions=["Version one."])
    from tests.conftest import login

    helper = login(as_user(None), added_contributor(consultation))
    lead = as_user("lead")
    doc = wf.new()
    doc.add_paragraph("Pat's Word draft.")
    checked = upload(helper, consultation, wf.save(doc), base=1, name="pat.docx")
    assert checked.status_code == 200
    lead.post(f"/consultations/{consultation.id}/response/edit", data={"base_version": 1, "body": "Lead's v2.", "save": "1"})

    refused = confirm(helper, consultation, checked.get_data(as_text=True))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Lena Lead (Hull) saved version 2 while you were editing" in text(page)
    assert [v[:2] for v in versions_of(consultation)] == [(1, "Version one."), (2, "Lead's v2.")]
    assert json.loads(payload(page))["body"] == "Pat's Word draft."
    assert base_of(page) == 2  # on top of the version there is now, compared with it
    assert re.findall(r"<(?:del|ins)>.*?</(?:del|ins)>", page)[:2] == ["<del>Lead</del>", "<ins>Pat</ins>"]
    again = confirm(helper, consultation, page)
    assert again.status_code == 302
    assert versions_of(consultation)[-1][:2] == (3, "Pat's Word draft.")
    assert queries.current_version(queries.get_response(consultation)).note == "Uploaded from pat.docx"


def _questions(consultation, texts: list[str]) -> list:  # type: ignore[no-untyped-def]
    from tracker.drafts import versions
    from tracker.models.drafts import Question

    qs = [Question(consultation_id=consultation.id, number=n, text=t) for n, t in enumerate(texts, start=1)]
    db.session.add_all(qs)
    versions.ensure_response(consultation).mode = "questions"
    db.session.commit()
    return qs


def test_question_by_question_headings_fill_the_answers(make_draft, as_user, users):
    from tracker.drafts import versions

    consultation = make_draft(Status.DRAFTING, versions=[])
    q1, q2, q3, q4 = _questions(consultation, [
        "Do you agree with the proposals?", "What would the impact be on councils?",
        "How should the scheme be funded in the first three years?", "Anything else?"])
    # Version 1 has an answer to question 4, which the document does not have.
    versions.save_version(users["lead"], consultation, versions.DraftText(
        body="Old introduction.", answers={str(q4.id): "Keep this answer."}), 0)
    db.session.commit()

    doc = wf.new()
    doc.add_paragraph("Response of the Key Cities network", style="Title")
    doc.add_paragraph("Our introduction.")
    doc.add_heading("Question 1", level=1)
    doc.add_paragraph("Do you agree with the proposals?")  # the question repeated: left out
    doc.add_paragraph("Yes, broadly.")
    doc.add_heading("2. What would the impact be on councils?", level=1)
    doc.add_heading("Staff", level=2)
    doc.add_paragraph("More officers.")
    wf.add_list(doc, [(0, "planning"), (0, "transport")], ordered=False)
    doc.add_heading("How should the scheme be funded in the first three years?", level=1)
    doc.add_paragraph("By a multi-year settlement.")
    doc.add_heading("Annex: contacts", level=1)
    doc.add_paragraph("Write to the secretariat.")

    r = upload(as_user("lead"), consultation, wf.save(doc), base=1)
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    shown = text(page)
    assert "Text that matched no question (not saved)" in shown
    assert "Annex: contacts Write to the secretariat." in shown
    assert "Question 4: the document has no answer to it, so the current answer is kept" in shown
    assert "The document's title “Response of the Key Cities network”" in shown

    assert confirm(as_user("lead"), consultation, page).status_code == 302
    version = queries.current_version(queries.get_response(consultation))
    assert version.number == 2
    assert version.body == "Our introduction."
    assert version.answers == {
        str(q1.id): "Yes, broadly.",
        str(q2.id): "# Staff\n\nMore officers.\n\n- planning\n- transport",
        str(q3.id): "By a multi-year settlement.",
        str(q4.id): "Keep this answer.",
    }
    assert "secretariat" not in version.search_text


def test_an_exported_file_uploaded_again_gives_the_same_draft(make_draft, as_user, users):
    """Download, edit in Word, upload: the tracker's title page and question texts are not taken
    into the draft, and what the draft said reads back the same."""
    from tracker.drafts import versions
    from tracker.drafts.markdown import render

    consultation = make_draft(Status.DRAFTING, versions=[])
    q1, q2 = _questions(consultation, ["Do you agree?", "What else?"])
    body = ("# Summary\n\nThe network **welcomes** the review, *with conditions*: see "
            "[the evidence](https://example.org/evidence).\n\n> Councils know their places.\n\n"
            "| Area | Count |\n| :--- | ---: |\n| Hull | 3 |\n\n- first ask\n- second ask\n  1. sub point\n\n"
            "`code words` and a [mail link](mailto:team@keycities.test)\n\n---\n\n```\nline 1\n  line 2\n```")
    answers = {str(q1.id): "Yes.\n\n1. fund it\n2. staff it", str(q2.id): ""}
    versions.save_version(users["lead"], consultation, versions.DraftText(body=body, answers=answers), 0)
    db.session.commit()
    lead = as_user("lead")
    exported = lead.get(f"/consultations/{consultation.id}/response/versions/1/export.docx").data

    r = upload(lead, consultation, exported, base=1)
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "The title page and question texts of a file exported from the tracker" in text(page)
    assert confirm(lead, consultation, page).status_code == 302
    version = queries.current_version(queries.get_response(consultation))
    assert render(version.body, 3) == render(body, 3)
    assert render(version.answers[str(q1.id)], 3) == render(answers[str(q1.id)], 3)
    assert str(q2.id) not in version.answers


def test_an_upload_can_be_the_first_version(make_draft, as_user):
    consultation = make_draft(Status.ASSIGNED, versions=[])
    lead = as_user("lead")
    assert "The draft has no version yet: this will be the first." in text(lead.get(_url(consultation)).get_data(as_text=True))
    doc = wf.new()
    doc.add_paragraph("Written in Word first.")
    page = upload(lead, consultation, wf.save(doc), base=0).get_data(as_text=True)
    assert "The first version" in page and "Save as version 1" in page
    assert confirm(lead, consultation, page).status_code == 302
    assert [v[:2] for v in versions_of(consultation)] == [(1, "Written in Word first.")]
    db.session.expire_all()
    assert consultation.status == Status.DRAFTING


def test_a_confirmation_after_the_questions_changed_is_refused(make_draft, as_user):
    consultation = make_draft(Status.DRAFTING, versions=["Intro."])
    q1, q2 = _questions(consultation, ["First?", "Second?"])
    doc = wf.new()
    doc.add_heading("Question 2", level=1)
    doc.add_paragraph("Answer two.")
    lead = as_user("lead")
    page = upload(lead, consultation, wf.save(doc), base=1).get_data(as_text=True)
    assert json.loads(payload(page))["answers"] == {str(q2.id): "Answer two."}
    # The coordinator removes question 2 while the lead reads the check page.
    coordinator = as_user("coordinator")
    r = coordinator.post(f"/consultations/{consultation.id}/response/questions/{q2.id}/remove",
                         data={"version": consultation.version})
    assert r.status_code == 302, r.get_data(as_text=True)
    refused = confirm(lead, consultation, page)
    assert refused.status_code == 409
    assert "The draft's questions (or whether it answers question by question) changed" in text(
        refused.get_data(as_text=True))
    assert 'type="file"' in refused.get_data(as_text=True)  # the upload form, to read it again
    assert [v[:2] for v in versions_of(consultation)] == [(1, "Intro.")]
