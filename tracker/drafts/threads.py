"""Reading the conversation as the response page shows it: threads (a top comment and its
replies), each under its question when the response is written question by question, the
comments drawn with their mentions highlighted, and what the reader may do to each.
Two statements, whatever the number of comments."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import joinedload

from tracker.drafts import mentions
from tracker.drafts.conversation import may_resolve
from tracker.drafts.markdown import plain_text
from tracker.extensions import db
from tracker.models import City, Consultation, User
from tracker.models.drafts import Comment, CommentMention, Question, Response


@dataclass
class Thread:
    top: Comment
    replies: list[Comment] = field(default_factory=list)
    may_resolve: bool = False
    # "On question 2" for a question's thread shown away from its question (free-text mode).
    label: str = ""

    @property
    def resolved(self) -> bool:
        return self.top.resolved_at is not None

    @property
    def comments(self) -> list[Comment]:
        return [self.top, *self.replies]

    @property
    def summary(self) -> str:
        """What a collapsed (resolved) thread says of itself."""
        words = plain_text(self.top.body)
        first = words if len(words) <= 80 else words[:80].rsplit(" ", 1)[0] + "…"
        count = len(self.comments)
        return f"{first} ({count} comment{'s' if count != 1 else ''})"


@dataclass
class Conversation:
    count: int = 0
    general: list[Thread] = field(default_factory=list)
    by_question: dict[int, list[Thread]] = field(default_factory=dict)
    html: dict[int, Markup] = field(default_factory=dict)
    editable: set[int] = field(default_factory=set)


def _shown(person: Any) -> Any:
    return joinedload(person).load_only(User.id, User.name, User.city_id).joinedload(User.city).load_only(
        City.id, City.name)


_COMMENTS = (
    select(Comment)
    .options(_shown(Comment.author), _shown(Comment.resolved_by))
    .where(Comment.response_id == bindparam("id"))
    .order_by(Comment.created_at, Comment.id)
)
_MENTIONS = (
    select(CommentMention.comment_id, CommentMention.typed, User.name)
    .join(User, User.id == CommentMention.user_id)
    .join(Comment, Comment.id == CommentMention.comment_id)
    .where(Comment.response_id == bindparam("id"))
)


# Whether any comment on the response mentions someone: a page reads the mentions only then.
MENTIONED = exists().where(CommentMention.comment_id == Comment.id, Comment.response_id == Response.id)


def conversation(user: User, consultation: Consultation, response: Response | None, questions: list[Question],
                 by_questions: bool, *, commented: bool = True, mentioned: bool = True) -> Conversation:
    """The response's threads as ``user`` sees them. A question's threads sit under the question
    when the page shows the questions; otherwise with the others, labelled with their question.
    ``commented`` and ``mentioned`` False: the page knows there is no comment, or no mention."""
    if response is None or not commented:
        return Conversation()
    comments = list(db.session.scalars(_COMMENTS, {"id": response.id}).unique())
    named: dict[int, dict[str, str]] = {}
    if mentioned:
        for comment_id, typed, name in db.session.execute(_MENTIONS, {"id": response.id}):
            named.setdefault(comment_id, {})[typed] = name
    tops: dict[int, Thread] = {}
    for c in comments:
        if c.parent_id is None:
            tops[c.id] = Thread(top=c, may_resolve=may_resolve(user, consultation, c))
    for c in comments:
        if c.parent_id is not None and c.parent_id in tops:
            tops[c.parent_id].replies.append(c)
    numbers = {q.id: q.number for q in questions}
    result = Conversation(count=len(comments))
    for thread in tops.values():
        question_id = thread.top.question_id
        if question_id in numbers and by_questions:
            result.by_question.setdefault(question_id, []).append(thread)
            continue
        if question_id in numbers:
            thread.label = f"On question {numbers[question_id]}"
        result.general.append(thread)
    result.html = {c.id: mentions.render(c.body, named.get(c.id, {})) for c in comments}
    result.editable = {c.id for c in comments if c.author_id == user.id and c.kind == "comment" and user.is_enabled}
    return result
