"""The evidence pages: asking cities (from the response page), a city's reply, closing a request,
quoting a reply into the draft, and downloading an attachment."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from tracker.drafts import queries as drafts_queries
from tracker.drafts.routes.common import consultation_url, run_button
from tracker.errors import DomainError
from tracker.evidence import bp, files, permissions, queries, quoting, replies, services
from tracker.evidence.forms import (
    AskForm,
    CloseForm,
    NothingToAddForm,
    QuoteForm,
    ReplyForm,
    answer_name,
    reply_form_class,
)
from tracker.extensions import csrf
from tracker.forms import ids_in
from tracker.models import Consultation
from tracker.models.evidence import EvidenceReply, EvidenceRequest
from tracker.views import Refused, attach_error, run


def _panel_url(consultation: Consultation, back: str | None = None) -> str:
    endpoint = "drafts.edit" if back == "edit" else "drafts.response"
    return url_for(endpoint, consultation_id=consultation.id, _anchor="evidence")


# --- asking ------------------------------------------------------------------------------------


def _ask_page(consultation: Consultation, form: AskForm, status: int = 200, **extra: Any) -> ResponseReturnValue:
    response = drafts_queries.get_response(consultation)
    questions = drafts_queries.questions(consultation) if drafts_queries.by_questions(response) else []
    form.cities.choices = [(c.id, c.name) for c in services.askable_cities(consultation)]
    form.questions.choices = [(q.id, f"Question {q.number}: {q.text}") for q in questions]
    return render_template(
        "evidence/ask.html", consultation=consultation, ask_form=form, form=form if form.errors else None,
        consultation_url=consultation_url(consultation), back_url=_panel_url(consultation),
        latest=services.latest_reply_by(consultation),
        lead_city=consultation.lead_city.name if consultation.lead_city else "", **extra,
    ), status


@bp.get("/<int:consultation_id>/evidence/ask")
@login_required
def ask(consultation_id: int) -> ResponseReturnValue:
    consultation = drafts_queries.get_consultation(consultation_id)
    permissions.require(permissions.can_ask(current_user, consultation), permissions.ASK_REFUSAL)
    form = AskForm(formdata=None, data={"version": consultation.version, "audience": "all",
                                        "reply_by": services.proposed_reply_by(consultation)})
    return _ask_page(consultation, form)


@bp.post("/<int:consultation_id>/evidence/ask")
@login_required
def ask_send(consultation_id: int) -> ResponseReturnValue:
    consultation = drafts_queries.get_consultation(consultation_id)
    # Only who may ever ask gets as far as the form; a draft closed meanwhile is said on the form.
    permissions.require(permissions.is_asker(current_user, consultation), permissions.ASK_REFUSAL)
    form = AskForm()
    if not form.validate():
        return _ask_page(consultation, form, 400)
    data = services.AskInput(
        brief=form.brief.data or "", reply_by=form.reply_by.data, all_cities=form.audience.data == "all",
        city_ids=ids_in(form.cities), question_ids=ids_in(form.questions),
        include_contributors=bool(form.include_contributors.data))
    outcome = run(form, lambda: services.ask(current_user, consultation, data, seen_version=form.version.data),
                  success=lambda r: f"Asked {len(r.replies)} {'city' if len(r.replies) == 1 else 'cities'} for evidence "
                                    f"by {r.reply_by:%-d %B %Y}.",
                  then=_panel_url(consultation))
    if not isinstance(outcome, Refused):
        return outcome
    return _ask_page(consultation, form, outcome.status, stale=outcome.stale)


@bp.post("/<int:consultation_id>/evidence/<int:request_id>/close")
@login_required
def close(consultation_id: int, request_id: int) -> ResponseReturnValue:
    consultation = drafts_queries.get_consultation(consultation_id)
    form = CloseForm()
    back = _panel_url(consultation)
    return run_button(form, lambda: services.close(current_user, consultation, request_id,
                                                   seen_version=form.version.data),
                      success="Request closed: cities can no longer reply, and are not reminded.", back=back)


# --- replying ----------------------------------------------------------------------------------


def _keys(evidence_request: EvidenceRequest) -> list[int | None]:
    return [*(q.question_id for q in evidence_request.questions), None]


def _reply_page(consultation: Consultation, evidence_request: EvidenceRequest, reply: EvidenceReply,
                form: ReplyForm | None = None, status: int = 200, **extra: Any) -> ResponseReturnValue:
    page = queries.reply_page(current_user, consultation, evidence_request, reply)
    if form is None:
        form = reply_form_class(_keys(evidence_request))(formdata=None, data={"version": reply.version})
        for key, _label, text in page.fields:
            getattr(form, answer_name(key)).data = text
    form.remove_files.choices = [(f.id, f.filename) for f in page.files]
    nothing = NothingToAddForm(formdata=None, data={"version": reply.version})
    limits = current_app.config
    return render_template(
        "evidence/reply.html", consultation=consultation, page=page, reply_form=form, nothing_form=nothing,
        answer_fields=[(getattr(form, answer_name(key)), label) for key, label, _text in page.fields],
        form=form if form.errors else None, consultation_url=consultation_url(consultation),
        accept=files.ACCEPT, allowed=files.ALLOWED_TEXT,
        max_file=files.size_text(limits["EVIDENCE_MAX_FILE_BYTES"]),
        max_reply=files.size_text(limits["EVIDENCE_MAX_REPLY_BYTES"]), **extra,
    ), status


@bp.get("/<int:consultation_id>/evidence/<int:request_id>/reply")
@login_required
def reply(consultation_id: int, request_id: int) -> ResponseReturnValue:
    consultation = drafts_queries.get_consultation(consultation_id)
    evidence_request, row = replies.reply_of(current_user, consultation, request_id)
    return _reply_page(consultation, evidence_request, row)


def _checked_uploads(form: ReplyForm) -> list[files.Checked]:
    """Each chosen file checked (size, then type from its content), or a refusal on the field."""
    limit = current_app.config["EVIDENCE_MAX_FILE_BYTES"]
    return [files.check(upload.filename or "", upload.stream, max_bytes=limit) for upload in form.files.data or []]


# The CSRF token is checked below (csrf.protect()) once the request may be as large as a reply's
# files: the app-wide check would read the body under the smaller limit for typed text first.
@bp.post("/<int:consultation_id>/evidence/<int:request_id>/reply")
@csrf.exempt
@login_required
def reply_send(consultation_id: int, request_id: int) -> ResponseReturnValue:
    consultation = drafts_queries.get_consultation(consultation_id)
    evidence_request, row = replies.reply_of(current_user, consultation, request_id)
    form_class = reply_form_class(_keys(evidence_request))
    request.max_content_length = current_app.config["EVIDENCE_MAX_REQUEST_BYTES"]
    try:
        if current_app.config["WTF_CSRF_ENABLED"]:
            csrf.protect()
        form = form_class()
    except RequestEntityTooLarge:
        # Too large to read at all: nothing of the form could be kept.
        form = form_class(formdata=None, data={"version": row.version})
        total = files.size_text(current_app.config["EVIDENCE_MAX_REQUEST_BYTES"])
        form.files.errors = [f"The files were too large to send (over {total} together), so nothing you sent "
                             "could be read. Type your evidence again and attach smaller files: "
                             f"each at most {files.size_text(current_app.config['EVIDENCE_MAX_FILE_BYTES'])}."]
        return _reply_page(consultation, evidence_request, row, form, 413)
    if not form.validate():
        return _reply_page(consultation, evidence_request, row, form, 400)
    try:
        uploads = _checked_uploads(form)
    except DomainError as exc:
        attach_error(form, exc)
        return _reply_page(consultation, evidence_request, row, form, exc.status_code)
    data = replies.ReplyInput(answers=form.answers(), uploads=uploads, remove_file_ids=ids_in(form.remove_files))
    outcome = run(form, lambda: replies.reply(current_user, consultation, request_id, data,
                                              seen_version=form.version.data,
                                              max_reply_bytes=current_app.config["EVIDENCE_MAX_REPLY_BYTES"]),
                  success=lambda r: f"{r.city.name}'s evidence is sent: the lead city can see it beside the draft.",
                  then=url_for("evidence.reply", consultation_id=consultation.id, request_id=request_id))
    if not isinstance(outcome, Refused):
        return outcome
    status = outcome.error.status_code if outcome.error is not None else outcome.status
    return _reply_page(consultation, evidence_request, row, form, status, stale=outcome.stale)


@bp.post("/<int:consultation_id>/evidence/<int:request_id>/nothing-to-add")
@login_required
def nothing_to_add(consultation_id: int, request_id: int) -> ResponseReturnValue:
    consultation = drafts_queries.get_consultation(consultation_id)
    replies.reply_of(current_user, consultation, request_id)
    form = NothingToAddForm()
    back = url_for("evidence.reply", consultation_id=consultation.id, request_id=request_id)
    return run_button(form, lambda: replies.nothing_to_add(current_user, consultation, request_id,
                                                           seen_version=form.version.data),
                      success=lambda r: f"The lead city is told that {r.city.name} has nothing to add.", back=back)


# --- quoting into the draft, downloads ---------------------------------------------------------


@bp.post("/<int:consultation_id>/evidence/answers/<int:answer_id>/quote")
@login_required
def quote(consultation_id: int, answer_id: int) -> ResponseReturnValue:
    consultation = drafts_queries.get_consultation(consultation_id)
    permissions.require(permissions.can_quote(current_user, consultation), "You cannot edit this draft.")
    form = QuoteForm()
    back = _panel_url(consultation, form.back.data)
    return run_button(form, lambda: quoting.quote(current_user, consultation, answer_id, form.base_version.data or 0),
                      success=lambda v: f"Quoted into the draft: version {v.number} saved.", back=back)


@bp.get("/<int:consultation_id>/evidence/files/<int:file_id>")
@login_required
def download(consultation_id: int, file_id: int) -> ResponseReturnValue:
    consultation = drafts_queries.get_consultation(consultation_id)
    found = queries.get_file(consultation, file_id)
    try:
        path = files.path_of(found.stored_name)
    except ValueError:
        path = None
    if path is None or not path.is_file():
        flash(f"{found.filename} is missing from the tracker's store: ask the city to attach it again.", "error")
        return redirect(_panel_url(consultation))
    response = send_file(path, mimetype=found.content_type, as_attachment=True, download_name=found.filename,
                         max_age=0, conditional=False, etag=False)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
