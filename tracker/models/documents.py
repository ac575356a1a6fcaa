"""Models of the documents feature: what was read of a consultation's documents, the questions
found in them and its ways to respond. Rewritten whole by each reading (tracker/documents/)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import Model
from tracker.models.types import UTCDateTime
from tracker.timeutil import utcnow


class DocumentReading(Model):
    """One consultation's latest reading: when, of which version of the GOV.UK item, and how it went."""

    __tablename__ = "document_reading"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), unique=True)
    # The item's public_updated_at (a committee call's last change) that the stored reading is of;
    # NULL until a reading completed, so that the next one is not skipped.
    documents_read_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why the item itself could not be read ("" when it was).
    problem: Mapped[str] = mapped_column(Text, default="")
    ways_to_respond: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ConsultationDocument(Model):
    """A document of a consultation: read, or skipped and why."""

    __tablename__ = "consultation_document"
    __table_args__ = (UniqueConstraint("consultation_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(1000))
    kind: Mapped[str] = mapped_column(String(20))  # attachment | response_form | outcome | scope
    status: Mapped[str] = mapped_column(String(10))  # read | skipped
    reason: Mapped[str] = mapped_column(Text, default="")
    content_type: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int | None] = mapped_column(Integer)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConsultationQuestion(Model):
    """A question found in a consultation's documents, in document order."""

    __tablename__ = "consultation_question"
    __table_args__ = (UniqueConstraint("consultation_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(20))  # as the document gives it: "4", "2.1"
    text: Mapped[str] = mapped_column(Text)
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    source_title: Mapped[str] = mapped_column(String(300), default="")
    source_url: Mapped[str] = mapped_column(String(1000), default="")
    source_where: Mapped[str] = mapped_column(String(300), default="")  # the heading or page
