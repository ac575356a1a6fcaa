"""What the drafts views share: links back, and a refusal said on the page the user came from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash, redirect, url_for
from werkzeug.wrappers import Response as ResponseBase

from tracker.drafts.markdown import heading_top, render
from tracker.models import Consultation
from tracker.models.drafts import Question, ResponseVersion
from tracker.views import Refused, run

T = TypeVar("T")


def sections(version: ResponseVersion | None, qs: list[Question]) -> list[dict[str, Any]]:
    """A question-by-question version's answers, each under its question, drawn as HTML."""
    answers = (version.answers or {}) if version else {}
    return [{"question": q, "html": render(answers.get(str(q.id), ""), heading_top(True))} for q in qs]


def consultation_url(consultation: Consultation) -> str:
    return url_for("consultations.detail", consultation_id=consultation.id)


def response_url(consultation: Consultation, anchor: str = "") -> str:
    return url_for("drafts.response", consultation_id=consultation.id, _anchor=anchor or None)


def messages(form: Any) -> list[str]:
    """The form's error messages, fields first, then those about the form as a whole."""
    found = [message for field in form for message in field.errors]
    return found + list(form.form_errors)


def typed_in(form: Any) -> bool:
    """Whether an error is on a field the user sees (not a hidden input or the CSRF token)."""
    return any(field.errors for field in form
               if field.type != "CSRFTokenField" and getattr(field.widget, "input_type", "") != "hidden")


def back_with(form: Any, refused: Refused, to: str) -> ResponseBase:
    """A refusal for a form that is not redrawn (a button, a short list): flash why and go back."""
    for message in [refused.stale.message] if refused.stale is not None else messages(form):
        flash(message, "error")
    return redirect(to)


def run_button(form: Any, action: Callable[[], T], *, success: str | Callable[[T], str], back: str) -> ResponseBase:
    """A button's form, which is not redrawn: run its change when the form passed (views.run) and
    go back to ``back``; else go back there saying why."""
    if not form.validate():
        return back_with(form, Refused(), back)
    outcome = run(form, action, success=success, then=back)
    return back_with(form, outcome, back) if isinstance(outcome, Refused) else outcome
