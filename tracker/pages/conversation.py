"""The conversation's forms on the response page: a new thread (on the response or on one of its
questions), a reply, resolving and reopening a thread. A refused comment or reply is drawn again
where it was typed, with the text kept and the reason linked from the page's error summary."""

from __future__ import annotations

from collections.abc import Callable

from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from tracker.drafts import bp, conversation, queries
from tracker.drafts.forms import CommentForm, ReplyForm, ThreadForm
from tracker.drafts.routes.common import messages, response_url, run_button
from tracker.models import Consultation
from tracker.models.drafts import Comment
from tracker.pages.response import _response_page, _step
from tracker.views import Refused, run


def _at(consultation: Consultation) -> Callable[[Comment], str]:
    return lambda comment: response_url(consultation, f"comment-{comment.id}")


def _in_thread(consultation: Consultation, kind: str, place: int, form: CommentForm | ReplyForm,
               action: Callable[[], Comment], success: str) -> ResponseReturnValue:
    """A comment typed in one of the page's many forms: saved, or the page again with the form
    as typed where it was (``kind`` "reply" or "question", ``place`` the thread's or question's id)."""
    stale = None
    status = 400
    if form.validate():
        outcome = run(form, action, success=success, then=_at(consultation))
        if not isinstance(outcome, Refused):
            return outcome
        stale, status = outcome.stale, outcome.status
    where = f"#{'reply' if kind == 'reply' else 'comment-q'}-{place}"
    return _response_page(consultation, status=status, stale=stale,
                          problems=[{"text": message, "href": where} for message in messages(form)],
                          refused_in_thread=(kind, place, form))


@bp.post("/<int:consultation_id>/response/comments")
@login_required
def comment(consultation_id: int) -> ResponseReturnValue:
    consultation = queries.get_consultation(consultation_id)
    form = CommentForm()
    # A crafted question number that is not one is no question: the comment goes on the response.
    question_id = form.question_id.data or None

    def add() -> Comment:
        return conversation.add_comment(current_user, consultation, form.body.data or "", question_id=question_id,
                                        token=form.token.data)

    if question_id:
        return _in_thread(consultation, "question", question_id, form, add, "Comment added.")
    return _step(consultation, "comment_form", form, add, "Comment added.", "comments")


@bp.post("/<int:consultation_id>/response/comments/<int:thread_id>/replies")
@login_required
def reply(consultation_id: int, thread_id: int) -> ResponseReturnValue:
    consultation = queries.get_consultation(consultation_id)
    form = ReplyForm()
    return _in_thread(consultation, "reply", thread_id, form, lambda: conversation.reply(
        current_user, consultation, thread_id, form.body.data or "", token=form.token.data), "Reply added.")


def _resolution(consultation_id: int, thread_id: int, *, resolved: bool) -> ResponseReturnValue:
    consultation = queries.get_consultation(consultation_id)
    form = ThreadForm()
    back = response_url(consultation, f"comment-{thread_id}")
    return run_button(form, lambda: conversation.set_resolved(current_user, consultation, thread_id,
                                                              resolved=resolved, seen=form.version.data or 0),
                      success="Thread resolved." if resolved else "Thread reopened.", back=back)


@bp.post("/<int:consultation_id>/response/comments/<int:thread_id>/resolve")
@login_required
def resolve_thread(consultation_id: int, thread_id: int) -> ResponseReturnValue:
    return _resolution(consultation_id, thread_id, resolved=True)


@bp.post("/<int:consultation_id>/response/comments/<int:thread_id>/reopen")
@login_required
def reopen_thread(consultation_id: int, thread_id: int) -> ResponseReturnValue:
    return _resolution(consultation_id, thread_id, resolved=False)
