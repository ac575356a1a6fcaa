"""Uploading a Word document as the draft's next version: choose the file, check what it changes
and what was left out, confirm."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from tracker.drafts import bp, permissions, queries, upload, versions, word_in
from tracker.drafts.forms import UploadConfirmForm, UploadForm
from tracker.drafts.markdown import heading_top, render
from tracker.drafts.routes.common import consultation_url, response_url
from tracker.errors import DomainError, PermissionDenied, Stale
from tracker.extensions import csrf
from tracker.models import Consultation, Status
from tracker.views import Refused, attach_error, run

# Multipart framing and the form's small fields, on top of the file itself.
_FORM_OVERHEAD = 64 * 1024


def _editable(consultation_id: int) -> Consultation:
    """The consultation: only someone who may edit its draft may upload one, and only while it can
    be edited."""
    consultation = queries.get_consultation(consultation_id)
    if not permissions.can_edit(current_user, consultation, queries.get_response(consultation)):
        status = Status(consultation.status)
        if permissions.is_frozen(consultation) or status == Status.APPROVED:
            raise PermissionDenied(f"This draft is {status.label.lower()} and can no longer be edited.")
        raise PermissionDenied("You cannot edit this draft.")
    return consultation


def _limit_text() -> str:
    return word_in.size_text(current_app.config["WORD_UPLOAD_MAX_BYTES"])


def _upload_page(consultation: Consultation, form: UploadForm, status: int = 200) -> ResponseReturnValue:
    resp = queries.get_response(consultation)
    return render_template(
        "drafts/upload.html", consultation=consultation, form=form, current=queries.current_version(resp),
        by_questions=bool(upload.draft_questions(consultation)), limit=_limit_text(),
        consultation_url=consultation_url(consultation),
    ), status


def _confirm_page(consultation: Consultation, uploaded: upload.UploadedDraft, base_number: int,
                  status: int = 200, **extra: Any) -> ResponseReturnValue:
    """What the upload changes in the version there is now, what was left out, and the form that
    saves it on top of that version."""
    qs = upload.draft_questions(consultation)
    current = queries.current_version(queries.get_response(consultation))
    text, kept = upload.merged(uploaded, current, qs)
    form = UploadConfirmForm(formdata=None)
    form.base_version.data = base_number
    form.upload.data = upload.to_payload(uploaded)
    top = heading_top(bool(qs)) + 1
    return render_template(
        "drafts/upload_confirm.html", consultation=consultation, form=form, uploaded=uploaded, current=current,
        questions=qs, kept=kept, changes=upload.changes(current, text, qs),
        preview={"body": render(text.body, top), "answers": {k: render(v, top) for k, v in text.answers.items()}},
        unmatched=[(u.heading, render(u.markdown, top)) for u in uploaded.unmatched],
        consultation_url=consultation_url(consultation), **extra,
    ), status


@bp.get("/<int:consultation_id>/response/upload")
@login_required
def upload_word(consultation_id: int) -> ResponseReturnValue:
    consultation = _editable(consultation_id)
    resp = queries.get_response(consultation)
    return _upload_page(consultation, UploadForm(formdata=None, base_version=resp.current_number if resp else 0))


# The form's CSRF token is checked below (csrf.protect()) once the request may be as large as a
# document: the app-wide check would read the body under the smaller limit for typed text first.
@bp.post("/<int:consultation_id>/response/upload")
@csrf.exempt
@login_required
def upload_word_read(consultation_id: int) -> ResponseReturnValue:
    consultation = _editable(consultation_id)
    max_bytes = current_app.config["WORD_UPLOAD_MAX_BYTES"]
    request.max_content_length = max_bytes + _FORM_OVERHEAD
    too_large = f"The file must be smaller than {_limit_text()}."
    try:
        if current_app.config["WTF_CSRF_ENABLED"]:
            csrf.protect()
        form = UploadForm()
    except RequestEntityTooLarge:
        form = UploadForm(formdata=None, base_version=0)
        form.file.errors = [too_large]
        resp = queries.get_response(consultation)
        form.base_version.data = resp.current_number if resp else 0
        return _upload_page(consultation, form, 413)
    if not form.validate():
        return _upload_page(consultation, form, 400)
    data = form.file.data.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        form.file.errors = [too_large]
        return _upload_page(consultation, form, 413)
    try:
        document = word_in.read(data, max_unzipped=current_app.config["WORD_UPLOAD_MAX_UNZIPPED_BYTES"])
        uploaded = upload.from_document(document, upload.draft_questions(consultation), form.file.data.filename)
        text, _kept = upload.merged(uploaded, queries.current_version(queries.get_response(consultation)),
                                    upload.draft_questions(consultation))
        upload.check_text(uploaded, text)
    except DomainError as exc:
        attach_error(form, exc)
        return _upload_page(consultation, form, 400)
    resp = queries.get_response(consultation)
    current_number = resp.current_number if resp else 0
    base = form.base_version.data or 0
    if base != current_number:
        # Someone saved since this page was drawn: nothing is saved over their version unseen. The
        # document is shown against theirs, and saving it is then a deliberate choice.
        theirs = queries.current_version(resp)
        return _confirm_page(consultation, uploaded, current_number, 409,
                             problem=versions.StaleVersion(theirs, _STALE_ADVICE).message)
    return _confirm_page(consultation, uploaded, current_number)


_STALE_ADVICE = ("Your document is below, compared with their version: check what it would change, then "
                 "save it as the next version if that is what you want.")


@bp.post("/<int:consultation_id>/response/upload/confirm")
@login_required
def upload_word_confirm(consultation_id: int) -> ResponseReturnValue:
    consultation = _editable(consultation_id)
    form = UploadConfirmForm()
    if not form.validate():
        raise DomainError(upload.RELOAD)
    uploaded = upload.from_payload(form.upload.data or "")
    outcome = run(form, lambda: upload.save_upload(current_user, consultation, uploaded, form.base_version.data or 0),
                  success=lambda v: f"Version {v.number} saved from {uploaded.filename}.",
                  then=response_url(consultation))
    if not isinstance(outcome, Refused):
        return outcome
    resp = queries.get_response(consultation)
    current_number = resp.current_number if resp else 0
    if isinstance(outcome.error, upload.QuestionsChanged):
        # Matched to questions the draft no longer has: read again, from the start.
        again = UploadForm(formdata=None, base_version=current_number)
        again.file.errors = [outcome.error.message]
        return _upload_page(consultation, again, 409)
    if isinstance(outcome.stale, versions.StaleVersion):
        # Saved over by someone else meanwhile: the document is offered again, against theirs.
        problem = versions.StaleVersion(outcome.stale.theirs, _STALE_ADVICE).message
        return _confirm_page(consultation, uploaded, current_number, 409, problem=problem)
    message = outcome.stale.message if isinstance(outcome.stale, Stale) else (
        outcome.error.message if outcome.error else upload.RELOAD)
    return _confirm_page(consultation, uploaded, form.base_version.data or 0, outcome.status, problem=message)
