"""Models of messaging: what the tracker tells people, in the app and by email.

``Message`` is one email to one person, the row the send task claims: a deadline reminder (also
the sweep's record of "this person was told about this deadline", unique on consultation,
recipient, kind and deadline, so a second sweep cannot insert it again), an escalation, a
workflow notification, the Monday briefing or a follow-up. ``Notification`` is the in-app copy
shown on the dashboard. The kinds are listed here, with every feature's, because the rows of all
of them share the table and the pages that list them name each kind.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.models.types import UTCDateTime
from tracker.timeutil import utcnow

if TYPE_CHECKING:
    from tracker.models.consultation import Consultation
    from tracker.models.user import User


class Kind(enum.StrEnum):
    BEFORE_14 = "before_14"
    BEFORE_7 = "before_7"
    BEFORE_3 = "before_3"
    BEFORE_1 = "before_1"
    CLOSING_DAY = "closing_day"
    OVERDUE = "overdue"
    ESCALATION_OVERDUE = "escalation_overdue"
    ESCALATION_CLOSING = "escalation_closing"
    # Anything sent through notify() by another feature (intake, drafts ...).
    MESSAGE = "message"
    # The weekly summary (reminders/briefing.py): no consultation; unique per person per ISO week
    # through its event_key.
    BRIEFING = "briefing"
    # An invitation to someone without an account yet (tracker/invitations/): email only.
    INVITATION = "invitation"

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.value, self.value.replace("_", " ").capitalize())


KIND_LABELS = {
    "before_14": "14 working days before the internal deadline",
    "before_7": "7 working days before the internal deadline",
    "before_3": "3 working days before the internal deadline",
    "before_1": "1 working day before the internal deadline",
    "closing_day": "The day the government's consultation closes",
    "overdue": "Internal deadline passed",
    "escalation_overdue": "Escalation: work past its internal deadline",
    "escalation_closing": "Escalation: closing within 3 days with no approved response",
    "message": "Message",
    "briefing": "Monday briefing",
    "invitation": "Invitation",
}


class Event(enum.StrEnum):
    """Workflow events (consultations/notifications.py); users choose per kind how to hear of them."""

    ASSIGNED = "assigned"
    SENT_FOR_REVIEW = "sent_for_review"
    RETURNED = "returned"
    APPROVED = "approved"
    REOPENED = "reopened"
    SUBMITTED = "submitted"
    OUTCOME = "outcome"
    # The conversation around a draft (drafts/notices.py).
    COMMENT = "comment"
    REPLY = "comment_reply"
    MENTION = "mention"
    CONTRIBUTOR_ADDED = "contributor_added"
    # Evidence requests (tracker/evidence/): a city asked for its local evidence, and a city's reply.
    EVIDENCE_REQUESTED = "evidence_requested"
    EVIDENCE_REPLIED = "evidence_replied"
    # Alerts (tracker/alerts/): a saved search's new match, a change to something followed.
    SEARCH_ALERT = "search_alert"
    FOLLOWED_CHANGE = "followed_change"


EVENT_LABELS = {
    "assigned": "Consultations assigned to you or your city, or moved away from you",
    "sent_for_review": "Drafts sent for review (coordinators)",
    "returned": "Drafts returned for changes",
    "approved": "Drafts approved",
    "reopened": "Approved drafts reopened for editing",
    "submitted": "Responses submitted to the government",
    "outcome": "Government outcomes published",
    "comment": "New comments on drafts you or your city lead",
    "comment_reply": "Replies in comment threads you took part in",
    "mention": "Comments that mention you with @",
    "contributor_added": "Being added as a contributor to a draft",
    "evidence_requested": "Your city asked for local evidence on a consultation",
    "evidence_replied": "A city replied to your request for evidence",
    "search_alert": "New consultations matching your saved searches (told at once)",
    "followed_change": "Changes to consultations, asks and committees you follow",
}
KIND_LABELS.update(EVENT_LABELS)

# Working days before the internal deadline, by kind, in the order they fall due.
BEFORE_POINTS: dict[str, int] = {
    Kind.BEFORE_14: 14,
    Kind.BEFORE_7: 7,
    Kind.BEFORE_3: 3,
    Kind.BEFORE_1: 1,
}
# The points a user can switch on or off (escalations always go to coordinators).
USER_POINTS = [Kind.BEFORE_14, Kind.BEFORE_7, Kind.BEFORE_3, Kind.BEFORE_1, Kind.CLOSING_DAY, Kind.OVERDUE]
DEFAULT_POINTS = [k.value for k in USER_POINTS]


class Stage(enum.StrEnum):
    """How far a claimed send got: what a send cut off at that point means."""

    CLAIMED = "claimed"  # building the message or talking to the server: it cannot have the message yet
    DATA = "data"  # the message is being handed over: the server may or may not have accepted it


class Delivery(enum.StrEnum):
    IMMEDIATE = "immediate"
    DIGEST = "digest"
    NONE = "none"  # in-app only


class State(enum.StrEnum):
    PENDING = "pending"  # waiting for the send task (or the digest)
    SENDING = "sending"  # claimed by one send task
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # nothing to email (in-app only)
    UNCERTAIN = "uncertain"  # the message may or may not have reached the mail server: a person decides


class Message(Model):
    __tablename__ = "message"
    __table_args__ = (
        # One live row per point and date. A row stops counting (superseded) when a later email to
        # the same person named another date, or when it was skipped unsent: a deadline moved away
        # and back is then reminded about again.
        Index("uq_message_live_point", "consultation_id", "recipient_id", "kind", "deadline", unique=True,
              sqlite_where=sql_text("superseded_at IS NULL"), postgresql_where=sql_text("superseded_at IS NULL")),
        Index("ix_message_state_delivery", "state", "delivery"),
        Index("ix_message_created_at", "created_at"),
        UniqueConstraint("event_key", "recipient_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    # The date a reminder is about (internal deadline or closing day; the briefing's Monday); NULL for
    # workflow notifications.
    deadline: Mapped[date | None] = mapped_column(Date)
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    delivery: Mapped[str] = mapped_column(String(20), default=Delivery.IMMEDIATE.value)
    state: Mapped[str] = mapped_column(String(20), default=State.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    digest_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("digest_run.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A workflow event's key (consultation and the version its change produced): unique with the
    # recipient, so one event never tells one person twice. NULL for deadline reminders.
    event_key: Mapped[str | None] = mapped_column(String(120))
    # Sending that survives faults (see tracker/messaging/delivery.py).
    stage: Mapped[str | None] = mapped_column(String(20))
    claim_token: Mapped[str | None] = mapped_column(String(32))
    # When its send was last handed to the broker (rows are queued after the commit that
    # writes them); NULL when that failed, so the next sweep queues it.
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    consultation: Mapped[Consultation | None] = relationship()
    recipient: Mapped[User] = relationship()

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def __repr__(self) -> str:
        return f"<Message {self.id} {self.kind} c={self.consultation_id} u={self.recipient_id} {self.state}>"


class Notification(Model):
    """What a user sees in the notification list."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_id_created_at", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
    consultation: Mapped[Consultation | None] = relationship()
    message: Mapped[Message | None] = relationship()


class DigestRun(Model):
    """One daily digest per user per UK day: inserting this row is the claim."""

    __tablename__ = "digest_run"
    __table_args__ = (UniqueConstraint("user_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), default=State.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Sending that survives faults, as for Message.
    stage: Mapped[str | None] = mapped_column(String(20))
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class ReminderPreference(Model):
    """A user's own choices; a missing row or NULL field means the network default."""

    __tablename__ = "reminder_preference"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    delivery: Mapped[str | None] = mapped_column(String(20))
    digest_time: Mapped[time | None] = mapped_column(Time)
    points: Mapped[list[str] | None] = mapped_column(JSON)
    # {event kind: delivery} for workflow events; a kind not in it follows ``delivery``.
    events: Mapped[dict[str, str] | None] = mapped_column(JSON)
    # The Monday briefing email; NULL follows the role's default (reminders/briefing.py).
    briefing: Mapped[bool | None] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ReminderSettings(Model):
    """The network's defaults, set by coordinators (one row)."""

    __tablename__ = "reminder_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery: Mapped[str] = mapped_column(String(20), default=Delivery.IMMEDIATE.value)
    digest_time: Mapped[time] = mapped_column(Time, default=time(8, 0))
    points: Mapped[list[str]] = mapped_column(JSON, default=lambda: list(DEFAULT_POINTS))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
