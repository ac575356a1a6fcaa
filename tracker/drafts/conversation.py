"""The conversation around a draft: comments and their replies (one level: a thread is a top
comment and its replies), threads anchored to a question, resolving and reopening a thread,
editing one's own comment, and the ``@name`` mentions in them.

As everywhere in drafts, the verbs check the actor, change rows, log, notify and flush; the
caller commits. Resolving, reopening and editing carry the comment's version the page showed,
and are made with a conditional UPDATE on it: of two people resolving at once, one resolves and
the other is told who did.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from tracker import activity
from tracker.drafts import mentions, notices
from tracker.drafts.limits import MAX_COMMENT
from tracker.drafts.permissions import can_comment, may_edit_people, require
from tracker.drafts.queries import get_response
from tracker.drafts.versions import ensure_response
from tracker.errors import DomainError, NotFound, PermissionDenied, Stale
from tracker.extensions import db
from tracker.models import Consultation, User
from tracker.models.drafts import Comment, CommentMention, Question
from tracker.timeutil import format_uk, utcnow

_TOKEN = re.compile(r"^[A-Za-z0-9_\-]{8,32}$")
RESOLVE_REFUSAL = "Only the thread's author, the lead city's policy leads and coordinators can resolve or reopen it."


def _text(body: str, field: str) -> str:
    body = body.strip()
    if not body:
        raise DomainError("Enter your comment.", field=field)
    if len(body) > MAX_COMMENT:
        raise DomainError(f"Keep comments under {MAX_COMMENT:,} characters.", field=field)
    return body


def _mentioned(found: list[mentions.Mention]) -> list[User]:
    ids = [m.user_id for m in found]
    return list(db.session.scalars(select(User).where(User.id.in_(ids)))) if ids else []


def _store_mentions(comment: Comment, found: list[mentions.Mention]) -> None:
    db.session.add_all(CommentMention(comment_id=comment.id, user_id=m.user_id, typed=m.typed[:300]) for m in found)


def _add_once(actor: User, token: str | None, body: str, make: Callable[[str | None], Comment]) -> tuple[Comment, bool]:
    """(the comment, whether it is new): the comment this same form already made (a second click,
    the form sent again) is found, not made twice. The same page's form used for another text
    is another comment."""
    for _ in range(2):
        earlier = None if token is None else db.session.scalar(
            select(Comment).where(Comment.author_id == actor.id, Comment.post_token == token))
        if earlier is not None and earlier.body == body:
            return earlier, False
        if earlier is not None:
            token = None
        comment = make(token)
        if token is None:
            # Nothing to collide with; and no savepoint, whose end would make locking forget the
            # consultation's version this transaction claimed (a return's comment comes after it).
            db.session.add(comment)
            db.session.flush()
            return comment, True
        try:
            with db.session.begin_nested():
                db.session.add(comment)
                db.session.flush()
        except IntegrityError:
            continue  # the same form's comment was added at this moment: it is found above
        return comment, True
    raise DomainError("Your comment could not be added: send it again.")


def _token(token: str | None, where: str) -> str | None:
    """The form's token for this place on the page (each form of one page has its own)."""
    return f"{token}:{where}" if token and _TOKEN.match(token) else None


def add_comment(actor: User, consultation: Consultation, body: str, *, kind: str = "comment",
                field: str = "body", question_id: int | None = None, token: str | None = None) -> Comment:
    """A new thread, on the response or (``question_id``) on one of its questions.

    ``field``: the form field the comment was typed in, for a refusal to point at; ``token``: the
    form's, so that the same form sent twice adds one comment."""
    require(can_comment(actor, consultation), "Sign in to comment.")
    body = _text(body, field)
    question = None
    if question_id:
        question = db.session.get(Question, question_id)
        if question is None or question.consultation_id != consultation.id:
            raise DomainError("That question is no longer part of this consultation: comment on the response "
                              "instead.", field=field)
    found = mentions.find(body, field=field)
    response = ensure_response(consultation)
    comment, new = _add_once(actor, _token(token, f"q{question_id}" if question_id else "new"), body, lambda t: Comment(
        response_id=response.id, author_id=actor.id, body=body, kind=kind, created_at=utcnow(),
        question_id=question.id if question else None, post_token=t))
    if not new:
        return comment
    _store_mentions(comment, found)
    where = f" on question {question.number}" if question else ""
    activity.record(
        "comment", actor=actor, consultation=consultation, message=f"Commented{where} on the draft",
        after={"comment_id": comment.id, **({"question": question.number} if question else {})},
        subject_type="comment", subject_id=comment.id,
    )
    db.session.flush()
    if kind == "comment":
        # A returned draft's comment is told with the return itself (consultations/notifications.py).
        notices.comment_added(actor, consultation, comment, top=None, question=question, mentioned=_mentioned(found))
    return comment


def _thread(consultation: Consultation, thread_id: int) -> Comment:
    """A thread's top comment on this consultation's response (a reply's id finds its thread)."""
    response = get_response(consultation)
    comment = db.session.get(Comment, thread_id)
    if comment is None or response is None or comment.response_id != response.id:
        raise NotFound("There is no such comment on this response.")
    if comment.parent_id is not None:
        top = db.session.get(Comment, comment.parent_id)
        assert top is not None
        return top
    return comment


def _who_when(comment: Comment) -> str:
    who = comment.resolved_by.display_name if comment.resolved_by else "Someone"
    return f"{who} resolved it on {format_uk(comment.resolved_at)}" if comment.resolved_at else ""


def reply(actor: User, consultation: Consultation, thread_id: int, body: str, *, token: str | None = None,
          field: str = "body") -> Comment:
    require(can_comment(actor, consultation), "Sign in to comment.")
    top = _thread(consultation, thread_id)
    body = _text(body, field)
    if top.resolved_at is not None:
        raise Stale(f"This thread was resolved while you were writing ({_who_when(top)}), so your reply was not "
                    "added. Your reply is still in the form: reopen the thread to add it.")
    found = mentions.find(body, field=field)
    comment, new = _add_once(actor, _token(token, f"t{top.id}"), body, lambda t: Comment(
        response_id=top.response_id, author_id=actor.id, body=body, kind="comment", parent_id=top.id,
        created_at=utcnow(), post_token=t))
    if not new:
        return comment
    _store_mentions(comment, found)
    activity.record(
        "comment_reply", actor=actor, consultation=consultation, message="Replied to a comment on the draft",
        after={"comment_id": comment.id, "thread_id": top.id}, subject_type="comment", subject_id=comment.id,
    )
    db.session.flush()
    question = db.session.get(Question, top.question_id) if top.question_id else None
    notices.comment_added(actor, consultation, comment, top=top, question=question, mentioned=_mentioned(found))
    return comment


class Started(Protocol):
    """A thread's top comment, as a row or an object: who started it."""

    @property
    def author_id(self) -> int | None: ...


def may_resolve(user: User | None, consultation: Consultation, top: Started) -> bool:
    """The thread's author, the draft's leads (the named one, the lead city's) and coordinators."""
    if user is None or not user.is_enabled:
        return False
    return (top.author_id is not None and top.author_id == user.id) or may_edit_people(user, consultation)


def _moved(comment: Comment, seen: int) -> bool:
    """Claim the comment's next version if it is still the one the page showed."""
    result = db.session.execute(
        update(Comment).where(Comment.id == comment.id, Comment.version == seen)
        .values(version=seen + 1).execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


def _thread_changed(top: Comment, trying: str) -> Stale:
    db.session.refresh(top)
    if top.resolved_at is not None:
        now = f"{_who_when(top)}."
    else:
        now = "it was reopened and is open now."
    return Stale(f"This thread changed after you opened the page, so it was not {trying}: {now}")


def set_resolved(actor: User, consultation: Consultation, thread_id: int, *, resolved: bool, seen: int) -> Comment:
    """Resolve (or reopen) a thread, as of the thread's version ``seen``."""
    top = _thread(consultation, thread_id)
    if not may_resolve(actor, consultation, top):
        raise PermissionDenied(RESOLVE_REFUSAL)
    trying = "resolved" if resolved else "reopened"
    if seen != top.version or (top.resolved_at is not None) == resolved or not _moved(top, seen):
        raise _thread_changed(top, trying)
    top.resolved_at = utcnow() if resolved else None
    top.resolved_by_id = actor.id if resolved else None
    top.version = seen + 1
    activity.record(
        "comment_resolved" if resolved else "comment_reopened", actor=actor, consultation=consultation,
        message=f"{'Resolved' if resolved else 'Reopened'} a comment thread", after={"thread_id": top.id},
        subject_type="comment", subject_id=top.id,
    )
    db.session.flush()
    return top


def get_own_comment(actor: User, consultation: Consultation, comment_id: int) -> Comment:
    """A comment of this response its author may edit."""
    response = get_response(consultation)
    comment = db.session.get(Comment, comment_id)
    if comment is None or response is None or comment.response_id != response.id:
        raise NotFound("There is no such comment on this response.")
    if comment.author_id != actor.id or comment.kind != "comment" or not actor.is_enabled:
        raise PermissionDenied("You can edit only your own comments.")
    return comment


def edit_comment(actor: User, consultation: Consultation, comment_id: int, body: str, *, seen: int) -> Comment:
    """The author's new text for their comment, as of the version ``seen``. People it newly
    mentions are told; those it mentioned before are not told again."""
    comment = get_own_comment(actor, consultation, comment_id)
    body = _text(body, "body")
    found = mentions.find(body)
    if seen != comment.version or not _moved(comment, seen):
        db.session.refresh(comment)
        raise Stale("This comment changed after you opened it (it was edited elsewhere, or its thread resolved "
                    "or reopened), so your change was not saved. Its text now is shown below; your text is "
                    "still in the form.", version=comment.version)
    before = comment.body
    comment.body, comment.edited_at, comment.version = body, utcnow(), seen + 1
    db.session.execute(delete(CommentMention).where(CommentMention.comment_id == comment.id))
    _store_mentions(comment, found)
    activity.record("comment_edited", actor=actor, consultation=consultation, message="Edited a comment on the draft",
                    before={"body": before}, after={"body": body}, subject_type="comment", subject_id=comment.id)
    db.session.flush()
    notices.mentioned_in_edit(actor, consultation, comment, _mentioned(found))
    return comment
