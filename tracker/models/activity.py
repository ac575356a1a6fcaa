"""The activity log's rows: who changed what, with the before and after values."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.models.types import UTCDateTime
from tracker.timeutil import utcnow

if TYPE_CHECKING:
    from tracker.models.consultation import Consultation
    from tracker.models.user import User


class ActivityLog(Model):
    """Who did what, when, with the values before and after. Append-only, but for the counts of
    throttled sign-ins, which go up in place within their minute."""

    __tablename__ = "activity_log"
    __table_args__ = (
        Index("ix_activity_log_consultation_id_created_at", "consultation_id", "created_at"),
        Index("ix_activity_log_subject", "subject_type", "subject_id"),
        # This minute's entry of a kind (auth.services.record_throttled_login counts into it).
        Index("ix_activity_log_action_created_at", "action", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE")
    )
    # What was changed when it is not (only) a consultation: "user", "city", "work_area", ...
    subject_type: Mapped[str] = mapped_column(String(40), default="consultation")
    subject_id: Mapped[int | None] = mapped_column()
    action: Mapped[str] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The consultation's version this change produced (None: the change did not move it, such
    # as a comment); a refused stale change lists the entries after the version its page showed.
    consultation_version: Mapped[int | None] = mapped_column()

    actor: Mapped[User | None] = relationship()
    consultation: Mapped[Consultation | None] = relationship()
