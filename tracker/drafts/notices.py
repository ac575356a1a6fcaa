"""Who hears of the conversation around a draft, and what they read: new comments and replies,
mentions, and being added as a contributor.

Each goes through messaging's notify(), in the app and per each person's choice for its kind, in
the transaction of the change. A comment is one event (its key is the comment's), so a person
reached once by it is not told again: a mentioned lead hears of the mention, not also of the
comment, and a comment edited to mention someone new tells only the new person. The person who
acted is never told.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select

from tracker.extensions import db
from tracker.messaging.notify import notify
from tracker.models import Consultation, Role, User
from tracker.models.drafts import Comment, Question
from tracker.models.messages import Event
from tracker.urls import external_url

_QUOTE_LIMIT = 1_000


def comment_key(comment: Comment) -> str:
    return f"comment-{comment.id}"


def _leads(consultation: Consultation) -> list[User]:
    """The named policy lead and the lead city's policy leads (one statement)."""
    conditions = []
    if consultation.policy_lead_id is not None:
        conditions.append(User.id == consultation.policy_lead_id)
    if consultation.lead_city_id is not None:
        conditions.append((User.role == Role.POLICY_LEAD.value) & (User.city_id == consultation.lead_city_id))
    if not conditions:
        return []
    return list(db.session.scalars(select(User).where(User.is_enabled.is_(True), or_(*conditions)).order_by(User.id)))


def _participants(top: Comment) -> list[User]:
    """Whoever wrote in the thread: its top comment's author and those who replied."""
    authors = select(Comment.author_id).where(or_(Comment.id == top.id, Comment.parent_id == top.id))
    return list(db.session.scalars(select(User).where(User.is_enabled.is_(True), User.id.in_(authors))))


def _others(people: Iterable[User], actor: User) -> list[User]:
    return [u for u in people if u.id != actor.id]


def _quoted(body: str) -> str:
    text = body.strip()
    return text if len(text) <= _QUOTE_LIMIT else text[:_QUOTE_LIMIT].rsplit(" ", 1)[0] + " …"


def _link(consultation: Consultation, comment: Comment) -> str:
    return f"{external_url('drafts.response', consultation_id=consultation.id)}#comment-{comment.id}"


def comment_added(actor: User, consultation: Consultation, comment: Comment, *, top: Comment | None,
                  question: Question | None, mentioned: list[User]) -> None:
    """A new comment or reply: the people it mentions, then (for a reply) the thread's other
    writers, then the draft's leads; each once."""
    title = consultation.title
    where = f" on question {question.number}" if question is not None else ""
    what = "replied to a comment" if top is not None else "commented"
    said = (f"{actor.display_name} {what}{where} on the network's draft response to “{title}”:\n\n"
            f"{_quoted(comment.body)}\n\n")
    footer = f"Read and reply in the tracker: {_link(consultation, comment)}"
    key = comment_key(comment)
    notify(_others(mentioned, actor), kind=Event.MENTION.value, subject=f"{actor.name} mentioned you: {title}",
           body=said + "You were mentioned with @ in this comment.\n\n" + footer, consultation=consultation, key=key)
    if top is not None:
        notify(_others(_participants(top), actor), kind=Event.REPLY.value, subject=f"New reply: {title}",
               body=said + "You took part in this thread.\n\n" + footer, consultation=consultation, key=key)
    notify(_others(_leads(consultation), actor), kind=Event.COMMENT.value, subject=f"New comment: {title}",
           body=said + "You lead this draft, or your city does.\n\n" + footer, consultation=consultation, key=key)


def mentioned_in_edit(actor: User, consultation: Consultation, comment: Comment, mentioned: list[User]) -> None:
    """A comment edited: only people it names who have not heard of it yet are told."""
    notify(_others(mentioned, actor), kind=Event.MENTION.value,
           subject=f"{actor.name} mentioned you: {consultation.title}",
           body=(f"{actor.display_name} mentioned you in a comment on the network's draft response to "
                 f"“{consultation.title}”:\n\n{_quoted(comment.body)}\n\n"
                 f"Read and reply in the tracker: {_link(consultation, comment)}"),
           consultation=consultation, key=comment_key(comment))


def contributor_added(actor: User, consultation: Consultation, user: User, contributor_id: int) -> None:
    city = consultation.lead_city.name if consultation.lead_city else "the lead city"
    deadline = (f"The network's internal deadline is {consultation.internal_deadline:%A %-d %B %Y}.\n\n"
                if consultation.internal_deadline else "")
    notify(_others([user], actor), kind=Event.CONTRIBUTOR_ADDED.value,
           subject=f"You can now edit the draft: {consultation.title}",
           body=(f"{actor.display_name} has added you as a contributor to the network's response to "
                 f"“{consultation.title}”, which {city} leads.\n\n"
                 "You can edit the draft, add evidence from your city and comment on it.\n\n" + deadline
                 + f"Open the draft: {external_url('drafts.edit', consultation_id=consultation.id)}"),
           consultation=consultation, key=f"contributor-{contributor_id}")
