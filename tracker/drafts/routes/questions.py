"""Changing one of the response's questions on its own page: its text and the number it is shown
by (a question read from the consultation's documents may have been read badly)."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from tracker.drafts import bp, permissions, queries, versions
from tracker.drafts.forms import QuestionEditForm
from tracker.drafts.routes.common import consultation_url, response_url
from tracker.views import Refused, page_status, run

_REFUSAL = "Only the lead city's policy leads and coordinators can change questions."


@bp.route("/<int:consultation_id>/response/questions/<int:question_id>/edit", methods=["GET", "POST"])
@login_required
def edit_question(consultation_id: int, question_id: int) -> ResponseReturnValue:
    consultation = queries.get_consultation(consultation_id)
    permissions.require(permissions.can_manage_questions(current_user, consultation), _REFUSAL)
    question = versions.question_of(consultation, question_id)
    form = QuestionEditForm()
    refused: Refused | None = None
    if request.method == "GET":
        form.version.data = consultation.version
        form.label.data, form.text.data = question.label, question.text
    elif form.validate():
        outcome = run(form, lambda: versions.edit_question(
            current_user, consultation, question_id, form.text.data or "", form.label.data or "",
            seen_version=form.version.data), success="Question changed.", then=response_url(consultation, "questions"))
        if not isinstance(outcome, Refused):
            return outcome
        refused = outcome
    return render_template(
        "drafts/question.html", consultation=consultation, question=versions.question_of(consultation, question_id),
        form=form, stale=refused.stale if refused else None, consultation_url=consultation_url(consultation),
        back_url=response_url(consultation, "questions"),
    ), page_status(form, refused)
