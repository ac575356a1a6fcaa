"""A city replies in the tracker: text per question and attachments whose type is read from their
content (PDF, DOCX, XLSX, CSV, PNG, JPEG), at most 10 MB each and 25 MB a reply, kept outside the
static folder under random names; or says it has nothing to add. Refusals keep what was typed."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.evidence import conftest as ev
from tests.evidence.conftest import People, ask, page_text, questions_of, reply_of, send_reply, the_request
from tests.reminders.conftest import Inbox
from tracker.evidence import services
from tracker.extensions import db
from tracker.models import Consultation
from tracker.models.evidence import EvidenceFile, EvidenceRequest, ReplyState

MB = 1024 * 1024


@pytest.fixture
def asked(draft: Consultation, people: People, signed_in) -> EvidenceRequest:  # type: ignore[no-untyped-def]
    q1, q2 = questions_of(draft)
    assert ask(signed_in(people.lead), draft, cities=["Wolverhampton", "Preston", "Newport"],
               questions=[q1.id, q2.id]).status_code == 302
    return the_request(draft)


def _stored(app: Flask) -> set[str]:
    return {p.name for p in ev.evidence_folder(app).iterdir()}


def test_a_city_replies_with_text_and_a_pdf(app: Flask, draft: Consultation, asked: EvidenceRequest,
                                            people: People, signed_in, smtp: Inbox, eager: None) -> None:  # type: ignore[no-untyped-def]
    q1, q2 = questions_of(draft)
    before = _stored(app)
    wolves = signed_in(people.wolverhampton)
    page = wolves.get(f"/consultations/{draft.id}/evidence/{asked.id}/reply")
    assert page.status_code == 200 and "Evidence from Wolverhampton" in page_text(page)
    sent = send_reply(wolves, draft, asked, answers={q2.id: "It would cost us **£1.2m** a year.", None: "Also: buses."},
                      attach=[(ev.pdf(b"figures"), "Bus costs 2025.pdf")])
    assert sent.status_code == 302
    reply = reply_of(asked, "Wolverhampton")
    assert reply.state == ReplyState.REPLIED and reply.replied_by_id == people.wolverhampton.id
    assert sorted((a.question_id, a.text) for a in reply.answers if a.question_id) == [
        (q2.id, "It would cost us **£1.2m** a year.")]
    assert [a.text for a in reply.answers if a.question_id is None] == ["Also: buses."]
    (attached,) = reply.files
    assert (attached.filename, attached.content_type, attached.size) == (
        "Bus costs 2025.pdf", "application/pdf", len(ev.pdf(b"figures")))
    # Kept outside the static folder, under a random name that says nothing of the upload.
    new = _stored(app) - before
    assert new == {attached.stored_name} and len(attached.stored_name) == 32 and "Bus" not in attached.stored_name
    folder = ev.evidence_folder(app)
    assert (folder / attached.stored_name).read_bytes() == ev.pdf(b"figures")
    assert Path(app.static_folder or "") not in folder.parents
    # The lead who asked hears of it, once; the page shows it.
    assert [str(m["Subject"]) for m in smtp.to(people.lead.email)] == [
        "Wolverhampton sent its evidence: Bus services: accessibility"]
    shown = page_text(signed_in(people.lead).get(f"/consultations/{draft.id}/response"))
    assert "1 replied, 0 with nothing to add, 2 not answered yet (Newport, Preston)" in shown
    assert "It would cost us £1.2m a year." in shown and "Bus costs 2025.pdf (PDF, 1 KB)" in shown
    # Changing the reply does not tell the lead again.
    assert send_reply(wolves, draft, asked, answers={q2.id: "£1.3m, revised."}, version=2).status_code == 302
    assert len(smtp.to(people.lead.email)) == 1
    assert [a.text for a in reply_of(asked, "Wolverhampton").answers] == ["£1.3m, revised."]
    assert len(reply_of(asked, "Wolverhampton").files) == 1  # kept unless removed


def test_nothing_to_add_is_a_reply(draft: Consultation, asked: EvidenceRequest, people: People, signed_in,
                                   smtp: Inbox, eager: None) -> None:  # type: ignore[no-untyped-def]
    preston = signed_in(people.preston)
    done = preston.post(f"/consultations/{draft.id}/evidence/{asked.id}/nothing-to-add", data={"version": "1"})
    assert done.status_code == 302
    assert reply_of(asked, "Preston").state == ReplyState.NOTHING_TO_ADD
    assert [str(m["Subject"]) for m in smtp.to(people.lead.email)] == [
        "Preston has nothing to add: Bus services: accessibility"]
    again = preston.post(f"/consultations/{draft.id}/evidence/{asked.id}/nothing-to-add", data={"version": "2"},
                         follow_redirects=True)
    assert "Preston has already said it has nothing to add." in page_text(again)
    # It may still send evidence later.
    assert send_reply(preston, draft, asked, answers={None: "We found some figures after all."},
                      version=2).status_code == 302
    assert reply_of(asked, "Preston").state == ReplyState.REPLIED
    shown = page_text(signed_in(people.lead).get(f"/consultations/{draft.id}/response"))
    assert "1 replied, 0 with nothing to add, 2 not answered yet" in shown


def test_a_png_renamed_pdf_is_refused_with_the_text_kept(app: Flask, draft: Consultation, asked: EvidenceRequest,
                                                         people: People, signed_in) -> None:  # type: ignore[no-untyped-def]
    q1, _ = questions_of(draft)
    before = _stored(app)
    refused = send_reply(signed_in(people.wolverhampton), draft, asked, answers={q1.id: "Our careful answer."},
                         attach=[(ev.png(), "figures.pdf")])
    assert refused.status_code == 400
    shown = page_text(refused)
    assert "figures.pdf is named as a PDF but its content is a PNG image" in shown
    assert ">Our careful answer.</textarea>" in refused.get_data(as_text=True)
    assert reply_of(asked, "Wolverhampton").state == ReplyState.AWAITED
    assert db.session.scalar(select(func.count()).select_from(EvidenceFile)) == 0 and _stored(app) == before


def test_a_30_mb_upload_is_refused_with_the_text_kept(app: Flask, draft: Consultation, asked: EvidenceRequest,
                                                      people: People, signed_in) -> None:  # type: ignore[no-untyped-def]
    q1, _ = questions_of(draft)
    before = _stored(app)
    refused = send_reply(signed_in(people.wolverhampton), draft, asked, answers={q1.id: "Thirty years of data."},
                         attach=[(ev.pdf(b"0" * (30 * MB)), "Everything.pdf")])
    assert refused.status_code == 413
    shown = page_text(refused)
    assert "Everything.pdf is 30 MB: each file must be 10 MB or smaller." in shown
    assert ">Thirty years of data.</textarea>" in refused.get_data(as_text=True)
    assert reply_of(asked, "Wolverhampton").state == ReplyState.AWAITED and _stored(app) == before


def test_a_reply_holds_25_mb_at_most(app: Flask, draft: Consultation, asked: EvidenceRequest, people: People,
                                     signed_in) -> None:  # type: ignore[no-untyped-def]
    before = _stored(app)
    nine = ev.pdf(b"1" * (9 * MB))
    refused = send_reply(signed_in(people.wolverhampton), draft, asked, answers={None: "Three big files."},
                         attach=[(nine, "a.pdf"), (nine, "b.pdf"), (nine, "c.pdf")])
    assert refused.status_code == 413
    assert "A reply can hold 25 MB of files at most; with these it would be 27 MB." in page_text(refused)
    assert ">Three big files.</textarea>" in refused.get_data(as_text=True)
    assert _stored(app) == before and reply_of(asked, "Wolverhampton").state == ReplyState.AWAITED


def test_the_allowed_types_are_read_from_their_content(draft: Consultation, asked: EvidenceRequest,
                                                       people: People, signed_in) -> None:  # type: ignore[no-untyped-def]
    sent = send_reply(signed_in(people.wolverhampton), draft, asked, answers={None: "All of them."}, attach=[
        (ev.docx(), "Report.docx"), (ev.xlsx(), "Figures.xlsx"), (ev.csv(), "figures.csv"), (ev.png(), "Map.PNG"),
        (ev.jpeg(), "photo.jpg"), (ev.pdf(), "no extension")])
    assert sent.status_code == 302
    found = sorted((f.filename, f.content_type) for f in reply_of(asked, "Wolverhampton").files)
    assert found == [
        ("Figures.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("Map.png", "image/png"),
        ("Report.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("figures.csv", "text/csv"),
        ("no extension.pdf", "application/pdf"),
        ("photo.jpg", "image/jpeg"),
    ]


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "setup.exe", "setup.exe is not a PDF, Word (DOCX), Excel (XLSX), CSV"),
    (b"year,n\n2025,\x00\x01\n", "nul.csv", "nul.csv is not a PDF"),
    (b"\xff\xfe\x00h\x00i", "latin.csv", "latin.csv is not a PDF"),
    (b"plain words\n", "notes.txt", "notes.txt is named as a “.txt” file"),
    (ev.pdf(), "report.docx", "report.docx is named as a Word document but its content is a PDF"),
    (b"", "empty.pdf", "empty.pdf is empty."),
], ids=["program", "csv-with-nul", "not-utf8", "text-named-txt", "pdf-named-docx", "empty"])
def test_other_files_are_refused(draft: Consultation, asked: EvidenceRequest, people: People, signed_in,
                                 content: bytes, name: str, message: str) -> None:  # type: ignore[no-untyped-def]
    refused = send_reply(signed_in(people.wolverhampton), draft, asked, answers={None: "Kept."},
                         attach=[(content, name)])
    assert refused.status_code == 400 and message in page_text(refused)
    assert db.session.scalar(select(func.count()).select_from(EvidenceFile)) == 0


def test_a_zip_is_not_a_word_document_without_its_main_part(draft: Consultation, asked: EvidenceRequest,
                                                            people: People, signed_in) -> None:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("payload.js", "alert(1)")
    refused = send_reply(signed_in(people.wolverhampton), draft, asked, answers={None: "Kept."},
                         attach=[(out.getvalue(), "evil.docx")])
    assert refused.status_code == 400 and "evil.docx is not a PDF" in page_text(refused)


def test_a_city_changes_its_reply_and_removes_a_file(app: Flask, draft: Consultation, asked: EvidenceRequest,
                                                     people: People, signed_in) -> None:  # type: ignore[no-untyped-def]
    wolves = signed_in(people.wolverhampton)
    assert send_reply(wolves, draft, asked, answers={None: "First."},
                      attach=[(ev.pdf(), "one.pdf"), (ev.csv(), "two.csv")]).status_code == 302
    one, two = sorted(reply_of(asked, "Wolverhampton").files, key=lambda f: f.filename)
    folder = ev.evidence_folder(app)
    # Another officer of the city changes it: the reply's version moves on.
    helper = signed_in(people.wolverhampton_contributor)
    assert send_reply(helper, draft, asked, answers={None: "Second."}, remove=[one.id], version=2).status_code == 302
    reply = reply_of(asked, "Wolverhampton")
    assert [f.filename for f in reply.files] == ["two.csv"] and reply.replied_by_id == people.wolverhampton_contributor.id
    assert not (folder / one.stored_name).exists() and (folder / two.stored_name).exists()
    # Wendy's page was drawn on version 2: her change is refused, her text kept, nothing lost.
    stale = send_reply(wolves, draft, asked, answers={None: "Wendy's late change."}, remove=[two.id], version=2)
    assert stale.status_code == 409
    assert "Wyn Helper (Wolverhampton) changed your city's reply after you opened this page" in page_text(stale)
    assert ">Wendy&#39;s late change.</textarea>" in stale.get_data(as_text=True)
    assert [a.text for a in reply_of(asked, "Wolverhampton").answers] == ["Second."]
    assert (folder / two.stored_name).exists()
    # Nothing at all is not a reply.
    empty = send_reply(wolves, draft, asked, answers={None: "  "}, remove=[two.id], version=3)
    assert empty.status_code == 400 and "Enter your city's evidence or attach a file" in page_text(empty)


def test_replies_stop_when_the_lead_closes_the_request(draft: Consultation, asked: EvidenceRequest, people: People,
                                                       signed_in) -> None:  # type: ignore[no-untyped-def]
    lead = signed_in(people.lead)
    closed = lead.post(f"/consultations/{draft.id}/evidence/{asked.id}/close", data={"version": "1"},
                       follow_redirects=True)
    assert "Request closed" in page_text(closed)
    refused = send_reply(signed_in(people.wolverhampton), draft, asked, answers={None: "Too late, sorry."})
    assert refused.status_code == 409
    assert "Your reply was not saved: the lead city closed this request." in page_text(refused)
    assert "Too late, sorry." in page_text(refused)
    assert reply_of(asked, "Wolverhampton").state == ReplyState.AWAITED
    nothing = signed_in(people.preston).post(f"/consultations/{draft.id}/evidence/{asked.id}/nothing-to-add",
                                             data={"version": "1"}, follow_redirects=True)
    assert "the lead city closed this request" in page_text(nothing)
    # A close made on an older page is refused too.
    again = lead.post(f"/consultations/{draft.id}/evidence/{asked.id}/close", data={"version": "1"},
                      follow_redirects=True)
    assert "This request is already closed." in page_text(again)


def test_a_request_can_be_asked_again_of_other_cities(draft: Consultation, asked: EvidenceRequest, people: People,
                                                      signed_in) -> None:  # type: ignore[no-untyped-def]
    assert ask(signed_in(people.lead), draft, cities=["Salford"]).status_code == 302
    assert len(services.askable_cities(draft)) == 24
    shown = page_text(signed_in(people.salford).get(f"/consultations/{draft.id}/response"))
    assert "Reply for Salford" in shown


def test_the_reply_form_needs_its_csrf_token(app: Flask, draft: Consultation, asked: EvidenceRequest,
                                             people: People, signed_in) -> None:  # type: ignore[no-untyped-def]
    wolves = signed_in(people.wolverhampton)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = wolves.get(f"/consultations/{draft.id}/evidence/{asked.id}/reply").get_data(as_text=True)
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        forged = send_reply(wolves, draft, asked, answers={None: "From another site."}, attach=[(ev.pdf(), "a.pdf")])
        assert forged.status_code == 400
        assert reply_of(asked, "Wolverhampton").state == ReplyState.AWAITED
        sent = wolves.post(f"/consultations/{draft.id}/evidence/{asked.id}/reply", content_type="multipart/form-data",
                           data={"csrf_token": token, "version": "1", "answer_all": "Ours.",
                                 "files": [(io.BytesIO(ev.pdf()), "a.pdf")]})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert sent.status_code == 302 and reply_of(asked, "Wolverhampton").state == ReplyState.REPLIED
