"""Models of the drafts feature: the network's response, its versions, review and submission."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.models.types import LabelledEnum, UTCDateTime, sqlite_fts
from tracker.timeutil import utcnow

if TYPE_CHECKING:
    from tracker.models.city import City
    from tracker.models.consultation import Consultation
    from tracker.models.user import User


class ResponseMode(LabelledEnum):
    FREE = "free", "Free text"
    QUESTIONS = "questions", "By the consultation's questions"


class SubmissionMethod(LabelledEnum):
    ONLINE_FORM = "online_form"
    EMAIL = "email"
    POST = "post"
    OTHER = "other"


class TakenUp(LabelledEnum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"


class Question(Model):
    """A numbered question of the consultation, answered in a response by questions: typed in by
    the lead city, or taken from the questions found in the consultation's documents (then with
    the number the document gives it and where it was found)."""

    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("consultation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    # The order of the questions (1..n); a question from a document is shown by the document's own
    # number (label: "2.1"), one typed in by this.
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(20), default="")
    source_title: Mapped[str] = mapped_column(String(300), default="")
    source_url: Mapped[str] = mapped_column(String(1000), default="")
    source_where: Mapped[str] = mapped_column(String(300), default="")  # the heading or page
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def shown_number(self) -> str:
        return self.label or str(self.number)


class Response(Model):
    """The network's response to one consultation. Its text lives in immutable versions."""

    __tablename__ = "response"
    __table_args__ = (
        # From a response's id to its consultation without reading the row (index-only), as the
        # drafts a contributor was added to are found: a few hundred lookups instead of a scan.
        Index("ix_response_id_consultation_id", "id", "consultation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), unique=True
    )
    mode: Mapped[str] = mapped_column(String(20), default=ResponseMode.FREE.value)
    # The optimistic lock: the number of the latest version (0 before the first save).
    current_number: Mapped[int] = mapped_column(Integer, default=0)
    approved_number: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    consultation: Mapped[Consultation] = relationship()
    versions: Mapped[list[ResponseVersion]] = relationship(
        back_populates="response", order_by="ResponseVersion.number", passive_deletes=True
    )


class ResponseVersion(Model):
    """One saved state of a response. Never updated after insert."""

    __tablename__ = "response_version"
    __table_args__ = (
        UniqueConstraint("response_id", "number"),
        # The library's full-text search on PostgreSQL (drafts/search.py uses the same expression).
        Index("ix_response_version_search", text("to_tsvector('english'::regconfig, search_text)"),
              postgresql_using="gin").ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(String(300), default="")
    # The free text, or the introduction when the response follows the questions.
    body: Mapped[str] = mapped_column(Text, default="")
    # {str(question_id): answer markdown}
    answers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # Body and answers in one column, for the library's full-text search.
    search_text: Mapped[str] = mapped_column(Text, default="")

    response: Mapped[Response] = relationship(back_populates="versions")
    author: Mapped[User | None] = relationship()


# On SQLite the library searches an FTS5 index of search_text, kept in step by triggers (a
# version is never updated, but the triggers follow any change). Migration 0009 creates the same.
SEARCH_FTS_TABLE = "response_version_fts"
sqlite_fts(ResponseVersion, SEARCH_FTS_TABLE, ("search_text",), "porter unicode61")


class Contributor(Model):
    __tablename__ = "contributor"
    __table_args__ = (
        UniqueConstraint("response_id", "user_id"),
        # A user's drafts read from the index alone; its first column serves the foreign key too.
        Index("ix_contributor_user_id_response_id", "user_id", "response_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    added_by: Mapped[User | None] = relationship(foreign_keys=[added_by_id])


class Comment(Model):
    """A comment on the response. A thread is a top comment (no parent) and its replies, one
    level deep; the thread's question, resolution and version live on the top comment."""

    __tablename__ = "comment"
    __table_args__ = (
        # The same form sent twice (a double click, the back button) adds one comment.
        UniqueConstraint("author_id", "post_token"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    # "comment", or "return" when a coordinator returned the draft with it.
    kind: Mapped[str] = mapped_column(String(20), default="comment")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The thread's top comment, for a reply.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    # The question a thread is about, in a response written question by question; a thread whose
    # question is removed stays with the response.
    question_id: Mapped[int | None] = mapped_column(ForeignKey("question.id", ondelete="SET NULL"), index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Moves at each edit, resolve and reopen: a change made on an older page is refused.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Drawn with the form that sent it: the same form sent again finds the comment it made.
    post_token: Mapped[str | None] = mapped_column(String(40))

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])


class CommentMention(Model):
    """A member named in a comment with @: ``typed`` is the text that named them, as typed."""

    __tablename__ = "comment_mention"
    __table_args__ = (UniqueConstraint("comment_id", "typed"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    typed: Mapped[str] = mapped_column(String(300))

    user: Mapped[User] = relationship()


class CitySupport(Model):
    """A member city's sign-off: "<city> supports this response"."""

    __tablename__ = "city_support"
    __table_args__ = (UniqueConstraint("consultation_id", "city_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="CASCADE"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    city: Mapped[City] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class Submission(Model):
    """How and when the network submitted; points at the frozen version."""

    __tablename__ = "submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), unique=True
    )
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("response_version.id", ondelete="RESTRICT"), index=True
    )
    method: Mapped[str] = mapped_column(String(20))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    reference: Mapped[str] = mapped_column(String(200), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consultation: Mapped[Consultation] = relationship()
    version: Mapped[ResponseVersion | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    @property
    def method_label(self) -> str:
        return SubmissionMethod(self.method).label


class Outcome(Model):
    """What the government did with the network's asks."""

    __tablename__ = "outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), unique=True
    )
    url: Mapped[str] = mapped_column(String(500), default="")
    published_on: Mapped[date] = mapped_column(Date)
    taken_up: Mapped[str] = mapped_column(String(10))
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recorded_by: Mapped[User | None] = relationship()

    @property
    def taken_up_label(self) -> str:
        return TakenUp(self.taken_up).label
