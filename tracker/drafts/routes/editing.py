"""The editor: writing a version, with a live preview, and what the editor is told when someone
else saved, approved or changed the questions meanwhile."""

from __future__ import annotations

from typing import Any

from flask import Response as FlaskResponse
from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from tracker import locking
from tracker.drafts import bp, panels, permissions, queries, versions
from tracker.drafts.forms import EditForm, edit_form_class
from tracker.drafts.limits import MAX_TEXT
from tracker.drafts.markdown import heading_top, render
from tracker.drafts.routes.common import consultation_url, response_url
from tracker.errors import Stale
from tracker.models import Consultation, Status
from tracker.models.drafts import Question
from tracker.views import Refused, run


def _edit_page(consultation: Consultation, form: EditForm, qs: list[Question], status: int = 200,
               **extra: Any) -> ResponseReturnValue:
    return render_template(
        "drafts/edit.html", consultation=consultation, form=form, questions=qs,
        consultation_url=consultation_url(consultation), **panels.for_editor(current_user, consultation), **extra,
    ), status


@bp.route("/<int:consultation_id>/response/edit", methods=["GET", "POST"])
@login_required
def edit(consultation_id: int) -> ResponseReturnValue:
    consultation = queries.get_consultation(consultation_id)
    resp = queries.get_response(consultation)
    editable = permissions.can_edit(current_user, consultation, resp)
    # Someone on the team whose draft closed while they wrote gets their text back (below).
    if not editable and not (request.method == "POST" and permissions.on_the_team(current_user, consultation, resp)):
        if permissions.is_frozen(consultation) or Status(consultation.status) == Status.APPROVED:
            permissions.require(False, f"This draft is {Status(consultation.status).label.lower()} "
                                       "and can no longer be edited.")
        permissions.require(False, "You cannot edit this draft.")
    qs = queries.questions(consultation) if resp is None or queries.by_questions(resp) else []
    form_class = edit_form_class(qs)
    if request.method == "GET":
        version = queries.current_version(resp)
        form = form_class(base_version=resp.current_number if resp else 0, version=consultation.version)
        if version:
            form.body.data = version.body
            for q, name in form.question_fields:
                getattr(form, name).data = (version.answers or {}).get(str(q.id), "")
        return _edit_page(consultation, form, qs)

    form = form_class()
    if not editable:
        # Approved (or gone further) while this editor was writing: refused as any edit of a
        # closed draft is (403), but with their text shown again and what changed since.
        return _edit_page(consultation, form, qs, 403, stale=_closed_meanwhile(consultation, form.version.data))
    if not form.validate():
        return _edit_page(consultation, form, qs, 400)
    orphans = _orphan_answers(form)
    if orphans and form.save.data:
        # The questions changed while this editor wrote: answers to questions that are gone would
        # be dropped by a save, so nothing is saved and they are shown to be copied.
        return _edit_page(consultation, form, qs, 409, orphans=orphans,
                          stale=_questions_changed(consultation, form.version.data))
    if form.preview.data and not form.save.data:
        # Under the page's "Preview" heading (and its Introduction and Question headings).
        top = heading_top(bool(qs)) + 1
        preview = {"body": render(form.body.data or "", top),
                   "answers": {str(q.id): render(getattr(form, n).data, top) for q, n in form.question_fields}}
        return _edit_page(consultation, form, qs, preview=preview)
    text = versions.DraftText(body=form.body.data or "", answers=form.answers(), note=form.note.data or "")
    outcome = run(form, lambda: versions.save_version(current_user, consultation, text, form.base_version.data or 0),
                  success=lambda version: f"Version {version.number} saved.", then=response_url(consultation))
    if not isinstance(outcome, Refused):
        return outcome
    if isinstance(outcome.stale, versions.StaleVersion):
        return _edit_page(consultation, form, qs, 409, conflict=_conflict(form, qs, text, outcome.stale))
    return _edit_page(consultation, form, qs, outcome.status, stale=outcome.stale)


def _conflict(form: EditForm, qs: list[Question], text: versions.DraftText,
              exc: versions.StaleVersion) -> dict[str, Any]:
    """Their version beside the editor's text, part by part. The editor's text stays in the
    form; its base moves to the version they have now seen, so saving again (after merging by
    hand) is a deliberate choice."""
    theirs = exc.theirs
    form.base_version.data = theirs.number if theirs else 0
    form.base_version.raw_data = [str(form.base_version.data)]
    their_answers = (theirs.answers or {}) if theirs else {}
    return {
        "message": exc.message,
        "theirs": theirs,
        "theirs_sections": [("Text" if not qs else "Introduction", theirs.body if theirs else "", text.body)]
        + [(f"Question {q.shown_number}", their_answers.get(str(q.id), ""), text.answers.get(str(q.id), "")) for q in qs],
    }


def _orphan_answers(form: EditForm) -> list[str]:
    """Non-empty answers the editor sent for questions the draft no longer has (or no longer
    answers question by question)."""
    known = {name for _q, name in form.question_fields}
    return [value for key, value in request.form.items(multi=True)
            if key.startswith("answer_") and key not in known and value.strip()]


def _questions_changed(consultation: Consultation, seen_version: int | None) -> Stale:
    changes = locking.changes_since(consultation.id, seen_version) if seen_version is not None else []
    return Stale(
        f"{locking.who_changed(changes)} changed the draft's questions while you were editing, so your "
        "changes were not saved: some of your answers are to questions it no longer has. They are shown "
        "below; copy what you need into the form and save again.",
        changes=changes,
    )


def _closed_meanwhile(consultation: Consultation, seen_version: int | None) -> Stale:
    changes = locking.changes_since(consultation.id, seen_version) if seen_version is not None else []
    state = Status(consultation.status).label.lower()
    return Stale(
        f"{locking.who_changed(changes)} changed the consultation while you were editing: the draft is now "
        f"{state} and can no longer be edited, so your changes were not saved. Your text is still in the "
        "form below: copy what you need, or ask a coordinator to reopen the draft.",
        changes=changes,
    )


@bp.post("/<int:consultation_id>/response/preview")
@login_required
def preview(consultation_id: int) -> ResponseReturnValue:
    """Live preview for the editor's script: the same renderer, as an HTML fragment."""
    consultation = queries.get_consultation(consultation_id)
    permissions.require(permissions.can_edit(current_user, consultation), "You cannot edit this draft.")
    source = request.form.get("text", "")[:MAX_TEXT]
    return FlaskResponse(str(render(source)), mimetype="text/html")
