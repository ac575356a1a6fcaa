"""Models of the evidence feature: the lead city asks member cities for local evidence on a
consultation (all of it, or some of the draft's questions) by a reply-by date; each asked city
replies with text per question and attachments, or says it has nothing to add.

An ``EvidenceReply`` row exists for every asked city from the moment it is asked (state
``awaited``), so "who has not answered" is a row, not an absence. Attachments are stored on disk
under random names (tracker/evidence/files.py); ``EvidenceFile`` keeps the name shown and the type
found in the content.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.models.types import UTCDateTime
from tracker.timeutil import utcnow

if TYPE_CHECKING:
    from tracker.models.city import City
    from tracker.models.consultation import Consultation
    from tracker.models.drafts import Question
    from tracker.models.user import User


class ReplyState(enum.StrEnum):
    AWAITED = "awaited"
    REPLIED = "replied"
    NOTHING_TO_ADD = "nothing_to_add"

    @property
    def label(self) -> str:
        return {"awaited": "Not answered yet", "replied": "Replied", "nothing_to_add": "Nothing to add"}[self.value]


class EvidenceRequest(Model):
    """One request for local evidence, sent by the lead city to some member cities."""

    __tablename__ = "evidence_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    brief: Mapped[str] = mapped_column(Text)
    # The mini-deadline: never after the consultation's internal deadline.
    reply_by: Mapped[date] = mapped_column(Date)
    # Whether the asked cities' contributors hear of it too (their policy leads always do).
    include_contributors: Mapped[bool] = mapped_column(Boolean, default=False)
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Replies can be sent and changed until the lead closes the request.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Optimistic concurrency for closing it.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    consultation: Mapped[Consultation] = relationship()
    asked_by: Mapped[User | None] = relationship(foreign_keys=[asked_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    questions: Mapped[list[EvidenceRequestQuestion]] = relationship(
        back_populates="request", passive_deletes=True, order_by="EvidenceRequestQuestion.id")
    replies: Mapped[list[EvidenceReply]] = relationship(
        back_populates="request", passive_deletes=True, order_by="EvidenceReply.id")


class EvidenceRequestQuestion(Model):
    """A question of the draft a request asks about (none: the consultation as a whole)."""

    __tablename__ = "evidence_request_question"
    __table_args__ = (UniqueConstraint("request_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("evidence_request.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)

    request: Mapped[EvidenceRequest] = relationship(back_populates="questions")
    question: Mapped[Question] = relationship()


class EvidenceReply(Model):
    """One asked city's reply to a request: awaited until it replies or has nothing to add."""

    __tablename__ = "evidence_reply"
    __table_args__ = (UniqueConstraint("request_id", "city_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("evidence_request.id", ondelete="CASCADE"))
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=ReplyState.AWAITED.value)
    # When the city first answered (evidence or nothing to add), and who last changed its reply.
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Optimistic concurrency: two officers of the city writing at once cannot overwrite each other.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    request: Mapped[EvidenceRequest] = relationship(back_populates="replies")
    city: Mapped[City] = relationship()
    replied_by: Mapped[User | None] = relationship()
    answers: Mapped[list[EvidenceAnswer]] = relationship(
        back_populates="reply", passive_deletes=True, order_by="EvidenceAnswer.id")
    files: Mapped[list[EvidenceFile]] = relationship(
        back_populates="reply", passive_deletes=True, order_by="EvidenceFile.id")

    @property
    def state_label(self) -> str:
        return ReplyState(self.state).label


class EvidenceAnswer(Model):
    """A reply's text on one question (question NULL: on the consultation as a whole, or on a
    question removed from the draft since)."""

    __tablename__ = "evidence_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("evidence_reply.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("question.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(Text)

    reply: Mapped[EvidenceReply] = relationship(back_populates="answers")


class EvidenceFile(Model):
    """An attachment of a reply; its bytes are at ``stored_name`` in the evidence folder."""

    __tablename__ = "evidence_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("evidence_reply.id", ondelete="CASCADE"), index=True)
    # Random, never derived from the upload: the folder's names say nothing and cannot be guessed.
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    # The name shown and given on download: made safe, with the extension of the type found.
    filename: Mapped[str] = mapped_column(String(200))
    # The type found in the content (tracker/evidence/files.py), never the one the browser sent.
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reply: Mapped[EvidenceReply] = relationship(back_populates="files")
