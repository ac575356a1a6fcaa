"""Reading the conversation as the response page shows it: threads (a top comment and its
replies), each under its question when the response is written question by question, the
comments drawn with their mentions highlighted, and what the reader may do to each.
Two statements, whatever the number of comments."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import aliased

from tracker.drafts import mentions
from tracker.drafts.conversation import may_resolve
from tracker.drafts.markdown import plain_text
from tracker.drafts.team import Person, person
from tracker.extensions import db
from tracker.models import City, Consultation, User
from tracker.models.drafts import Comment, CommentMention, Question, Response


@dataclass(frozen=True)
class Said:
    """A comment as its thread shows it, read as a row: the page showed it as an object with
    two people and their cities joined and loaded, for every comment."""

    id: int
    parent_id: int | None
    question_id: int | None
    author_id: int | None
    kind: str
    body: str
    created_at: datetime
    edited_at: datetime | None
    resolved_at: datetime | None
    version: int
    author: Person | None
    resolved_by: Person | None


@dataclass
class Thread:
    top: Said
    replies: list[Said] = field(default_factory=list)
    may_resolve: bool = False
    # "On question 2" for a question's thread shown away from its question (free-text mode).
    label: str = ""

    @property
    def resolved(self) -> bool:
        return self.top.resolved_at is not None

    @property
    def comments(self) -> list[Said]:
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


_author, _resolver = aliased(User), aliased(User)
_author_city, _resolver_city = aliased(City), aliased(City)
_COMMENTS = (
    select(Comment.id, Comment.parent_id, Comment.question_id, Comment.author_id, Comment.kind, Comment.body,
           Comment.created_at, Comment.edited_at, Comment.resolved_at, Comment.version,
           _author.name.label("author_name"), _author_city.name.label("author_city"),
           _resolver.name.label("resolver_name"), _resolver_city.name.label("resolver_city"))
    .outerjoin(_author, _author.id == Comment.author_id)
    .outerjoin(_author_city, _author_city.id == _author.city_id)
    .outerjoin(_resolver, _resolver.id == Comment.resolved_by_id)
    .outerjoin(_resolver_city, _resolver_city.id == _resolver.city_id)
    .where(Comment.response_id == bindparam("id"))
    .order_by(Comment.created_at, Comment.id)
)


def _said(r: Any) -> Said:
    return Said(r.id, r.parent_id, r.question_id, r.author_id, r.kind, r.body, r.created_at, r.edited_at,
                r.resolved_at, r.version, person(r.author_name, r.author_city),
                person(r.resolver_name, r.resolver_city))


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
    comments = [_said(r) for r in db.session.execute(_COMMENTS, {"id": response.id})]
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
