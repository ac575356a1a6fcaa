"""Issue 23: what the Word upload refuses (files that are not .docx, too big, unpacking too far,
XML tricks, macros), who may upload, and the CSRF token on its forms. Refused means no version."""

from __future__ import annotations

import io
import random
import re
import zipfile

import pytest

from tests.conftest import login
from tests.drafts import word_files as wf
from tests.drafts.conftest import versions_of
from tests.drafts.test_word_upload import _url, base_of, payload, text, upload
from tracker.models import Status


def _simple() -> bytes:
    doc = wf.new()
    doc.add_paragraph("A short Word draft.")
    return wf.save(doc)


def _refused_on_the_form(r, message: str) -> None:  # type: ignore[no-untyped-def]
    page = r.get_data(as_text=True)
    assert "There is a problem" in page  # the error summary
    assert re.search(r'class="govuk-error-message"', page)
    assert message in text(page), text(page)


def test_a_png_renamed_docx_is_refused(make_draft, as_user):
    consultation = make_draft(Status.DRAFTING, versions=["v1"])
    r = upload(as_user("lead"), consultation, wf.png(), base=1, name="draft.docx")
    assert r.status_code == 400
    _refused_on_the_form(r, "The file must be a Word document saved as .docx.")
    assert [v[:2] for v in versions_of(consultation)] == [(1, "v1")]


@pytest.mark.parametrize("case", ["zip without a document", "empty", "docm", "doctype", "damaged", "too long",
                                  "too many paragraphs", "no text"])
def test_files_that_are_not_a_plain_docx_are_refused(case, make_draft, as_user):
    consultation = make_draft(Status.DRAFTING, versions=["v1"])
    good = _simple()
    if case == "zip without a document":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("readme.txt", "hello")
        data, message = out.getvalue(), "The file must be a Word document saved as .docx."
    elif case == "empty":
        data, message = b"", "The selected file is empty."
    elif case == "docm":
        types = zipfile.ZipFile(io.BytesIO(good)).read("[Content_Types].xml").replace(
            b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")
        data, message = wf.rezip(good, {"[Content_Types].xml": types}), "The document contains macros (.docm)."
    elif case == "doctype":
        main = zipfile.ZipFile(io.BytesIO(good)).read("word/document.xml")
        main = main.replace(b"?>", b'?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>', 1)
        data, message = wf.rezip(good, {"word/document.xml": main}), "a document type declaration"
    elif case == "no text":
        doc = wf.new()
        doc.add_picture(io.BytesIO(wf.png()))
        data, message = wf.save(doc), "The document has no text the tracker could read"
    elif case == "damaged":
        main = zipfile.ZipFile(io.BytesIO(good)).read("word/document.xml")
        data = wf.rezip(good, {"word/document.xml": main[: len(main) // 2]})
        message = "The document is damaged or uses parts of Word the tracker cannot read."
    else:
        main = zipfile.ZipFile(io.BytesIO(good)).read("word/document.xml")
        many = (b"<w:p><w:r><w:t>" + b"x" * 100_001 + b"</w:t></w:r></w:p>") * 2 if case == "too long" \
            else b"<w:p/>" * 8_001
        data = wf.rezip(good, {"word/document.xml": main.replace(b"<w:body>", b"<w:body>" + many, 1)})
        message = ("The document has about 200,021 characters of text, and a response can be up to 200,000."
                   if case == "too long" else "The document has more than 8,000 paragraphs and table cells")
    r = upload(as_user("lead"), consultation, data, base=1)
    assert r.status_code == 400
    _refused_on_the_form(r, message)
    assert [v[:2] for v in versions_of(consultation)] == [(1, "v1")]


def test_a_document_that_unpacks_too_far_is_refused(make_draft, as_user, app):
    consultation = make_draft(Status.DRAFTING, versions=["v1"])
    # 3 MB of zeros compress to a few kilobytes: a small file that would unpack far.
    bomb = wf.rezip(_simple(), {"word/media/padding.bin": bytes(3 * 1024 * 1024)})
    assert len(bomb) < 64 * 1024
    app.config["WORD_UPLOAD_MAX_UNZIPPED_BYTES"] = 2 * 1024 * 1024
    try:
        r = upload(as_user("lead"), consultation, bomb, base=1)
    finally:
        app.config["WORD_UPLOAD_MAX_UNZIPPED_BYTES"] = 100 * 1024 * 1024
    assert r.status_code == 400
    _refused_on_the_form(r, "The document unpacks to more than 2 MB")
    assert [v[:2] for v in versions_of(consultation)] == [(1, "v1")]


@pytest.mark.parametrize("extra", [1, 300 * 1024])  # just over the file's limit; over the request's
def test_an_oversize_file_is_refused_with_a_form_error(extra, make_draft, as_user, app):
    consultation = make_draft(Status.DRAFTING, versions=["v1"])
    limit = 100 * 1024
    photo = random.Random(extra).randbytes(limit + extra)  # a photograph does not compress
    data = wf.rezip(_simple(), {"word/media/photo.jpg": photo})
    assert len(data) > limit + extra
    app.config["WORD_UPLOAD_MAX_BYTES"] = limit
    try:
        r = upload(as_user("lead"), consultation, data, base=1)
    finally:
        app.config["WORD_UPLOAD_MAX_BYTES"] = 10 * 1024 * 1024
    assert r.status_code == 413
    _refused_on_the_form(r, "The file must be smaller than 100 KB.")
    assert 'name="base_version" type="hidden" value="1"' in r.get_data(as_text=True)  # the form is there again
    assert [v[:2] for v in versions_of(consultation)] == [(1, "v1")]


def test_the_default_limit_is_ten_megabytes_and_said_on_the_page(make_draft, as_user, app):
    consultation = make_draft(Status.DRAFTING, versions=["v1"])
    assert app.config["WORD_UPLOAD_MAX_BYTES"] == 10 * 1024 * 1024
    assert "Up to 10 MB." in as_user("lead").get(_url(consultation)).get_data(as_text=True)
    big = bytes(10 * 1024 * 1024 + 1)
    r = upload(as_user("lead"), consultation, big, base=1)
    assert r.status_code == 413
    _refused_on_the_form(r, "The file must be smaller than 10 MB.")


ROLES = {"admin": 200, "coordinator": 200, "lead": 200, "added_contributor": 200,
         "other_lead": 403, "contributor": 403, "anonymous": 302}


@pytest.mark.parametrize("role", ROLES)
def test_only_those_who_may_edit_the_draft_may_upload(role, make_draft, as_user, added_contributor):
    consultation = make_draft(Status.DRAFTING, versions=["v1"])
    client = login(as_user(None), added_contributor(consultation)) if role == "added_contributor" else as_user(role)
    expected = ROLES[role]
    get = client.get(_url(consultation))
    assert get.status_code == expected
    posted = upload(client, consultation, _simple(), base=1)
    assert posted.status_code == expected
    # The confirmation, made with a document read by someone who may (a crafted form otherwise).
    page = upload(as_user("lead"), consultation, _simple(), base=1).get_data(as_text=True)
    confirmed = client.post(_url(consultation, "/confirm"), data={"base_version": 1, "upload": payload(page)})
    if expected == 200:
        assert confirmed.status_code == 302
        assert [v[:2] for v in versions_of(consultation)] == [(1, "v1"), (2, "A short Word draft.")]
    else:
        assert confirmed.status_code == expected
        if expected == 302:
            assert "/login" in confirmed.headers["Location"]
        assert [v[:2] for v in versions_of(consultation)] == [(1, "v1")]


def test_a_draft_that_can_no_longer_be_edited_takes_no_upload(make_draft, as_user):
    consultation = make_draft(Status.APPROVED, versions=["v1"])
    r = as_user("lead").get(_url(consultation))
    assert r.status_code == 403 and "can no longer be edited" in r.get_data(as_text=True)
    assert upload(as_user("lead"), consultation, _simple(), base=1).status_code == 403
    assert [v[:2] for v in versions_of(consultation)] == [(1, "v1")]


def test_a_crafted_confirmation_is_refused_clearly(make_draft, as_user):
    consultation = make_draft(Status.DRAFTING, versions=["v1"])
    for upload_field in ('{"body": 3}', "not json", '{"filename": "x", "body": null, "answers": {"1": 2}}'):
        r = as_user("lead").post(_url(consultation, "/confirm"), data={"base_version": 1, "upload": upload_field})
        assert r.status_code == 400
        assert "upload the document again" in r.get_data(as_text=True)
    assert [v[:2] for v in versions_of(consultation)] == [(1, "v1")]


def test_the_forms_carry_csrf_tokens_and_are_refused_without(make_draft, as_user, app):
    consultation = make_draft(Status.DRAFTING, versions=["v1"])
    client = as_user("lead")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        edit = client.get(f"/consultations/{consultation.id}/response/edit").get_data(as_text=True)
        assert f'href="/consultations/{consultation.id}/response/upload"' in edit
        page = client.get(_url(consultation)).get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        data = {"base_version": "1", "file": (io.BytesIO(_simple()), "d.docx", wf.DOCX_TYPE)}
        refused = client.post(_url(consultation), data=data, content_type="multipart/form-data")
        assert refused.status_code == 400
        assert "The form had expired or was sent from elsewhere" in refused.get_data(as_text=True)
        data = {"base_version": "1", "csrf_token": token, "file": (io.BytesIO(_simple()), "d.docx", wf.DOCX_TYPE)}
        shown = client.post(_url(consultation), data=data, content_type="multipart/form-data")
        assert shown.status_code == 200
        confirm_page = shown.get_data(as_text=True)
        assert 'name="csrf_token"' in confirm_page[confirm_page.index("/upload/confirm"):]
        no_token = client.post(_url(consultation, "/confirm"),
                               data={"base_version": base_of(confirm_page), "upload": payload(confirm_page)})
        assert no_token.status_code == 400
        assert [v[:2] for v in versions_of(consultation)] == [(1, "v1")]
        saved = client.post(_url(consultation, "/confirm"), data={
            "base_version": base_of(confirm_page), "upload": payload(confirm_page), "csrf_token": token})
        assert saved.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert [v[:2] for v in versions_of(consultation)] == [(1, "v1"), (2, "A short Word draft.")]
