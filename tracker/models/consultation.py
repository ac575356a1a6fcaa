"""The consultation, its statuses (with their labels) and the triage decisions."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import DDL, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.base import NEVER_SET, NO_VALUE

from tracker.extensions import Model
from tracker.models.types import LabelledEnum, UTCDateTime, sqlite_fts
from tracker.timeutil import utcnow

if TYPE_CHECKING:
    from tracker.models.city import City, WorkArea
    from tracker.models.intake import IntakeItem
    from tracker.models.user import User


# Longer than any GOV.UK summary; the forms count down to it and the importer cuts there.
MAX_SUMMARY = 10_000


class Status(LabelledEnum):
    """Where a consultation is in its life; the rules are in consultations/workflow.py."""

    NEW = "new"
    TRIAGED = "triaged", "To assign"  # decided to respond, waiting for a lead city
    MONITORING = "monitoring", "Monitor only"  # decided: monitor only (end of the path)
    DECLINED = "declined", "No response"  # decided: no response (end of the path)
    ASSIGNED = "assigned"
    DRAFTING = "drafting"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    SUBMITTED = "submitted"
    OUTCOME_PUBLISHED = "outcome_published"
    MISSED = "missed"  # closed before the network submitted
    WITHDRAWN = "withdrawn"  # government withdrew it


STATUS_LABELS = {s: s.label for s in Status}

# Work still to do for the network before the government's deadline.
OPEN_STATUSES = frozenset(
    {
        Status.NEW,
        Status.TRIAGED,
        Status.ASSIGNED,
        Status.DRAFTING,
        Status.IN_REVIEW,
        Status.APPROVED,
    }
)
# Assigned work that a lead city is responsible for.
ACTIVE_WORK_STATUSES = frozenset(
    {Status.ASSIGNED, Status.DRAFTING, Status.IN_REVIEW, Status.APPROVED}
)


class Decision(LabelledEnum):
    RESPOND = "respond"
    MONITOR = "monitor", "Monitor only"
    NO_RESPONSE = "no_response"


class Source(enum.StrEnum):
    MANUAL = "manual"
    GOVUK = "govuk"
    COMMITTEES = "committees"  # a Parliament select committee's call for evidence
    FEED = "feed"  # an entry of an Atom or RSS feed an admin added


class IssuerType(LabelledEnum):
    """Who issued it: the importers set it, a coordinator chooses it for one logged by hand."""

    GOVERNMENT_DEPARTMENT = "government_department"
    SELECT_COMMITTEE = "select_committee"
    COMMISSION = "commission"
    OTHER_BODY = "other_body"


class Consultation(Model):
    __tablename__ = "consultation"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_consultation_status_closes_at", "status", "closes_at"),
        Index("ix_consultation_status_internal_deadline", "status", "internal_deadline"),
        # The list filtered by work area or lead city reads one range of these in closing order
        # (and counts from them alone); their first column serves the foreign keys too.
        Index("ix_consultation_work_area_closes_at", "work_area_id", "closes_at"),
        Index("ix_consultation_lead_city_closes_at", "lead_city_id", "closes_at"),
        # The reports pick the consultations received in a range (reports/queries.py).
        Index("ix_consultation_created_at", "created_at"),
        # The list's search (a case-blind substring of the title or the organisation) on PostgreSQL:
        # trigrams serve ILIKE '%...%', each side of the OR from its own index. No index of SQLite's
        # serves a pattern that starts with a wildcard.
        Index("ix_consultation_title_trgm", "title", postgresql_using="gin",
              postgresql_ops={"title": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
        Index("ix_consultation_issuing_organisation_trgm", "issuing_organisation", postgresql_using="gin",
              postgresql_ops={"issuing_organisation": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    issuing_organisation: Mapped[str] = mapped_column(String(200))
    issuer_type: Mapped[str] = mapped_column(
        String(30), default=IssuerType.GOVERNMENT_DEPARTMENT.value,
        server_default=IssuerType.GOVERNMENT_DEPARTMENT.value,
    )
    url: Mapped[str] = mapped_column(String(500), default="")
    # The link in one spelling (tracker/urls.py link_key), kept by consultations/link_keys.py: how a link
    # already in the tracker is found however it is written, by the form and by the importers.
    url_key: Mapped[str] = mapped_column(String(500), default="", server_default="", index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(20), default=Source.MANUAL.value)
    external_id: Mapped[str | None] = mapped_column(String(100))
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    status: Mapped[str] = mapped_column(String(20), default=Status.NEW.value, index=True)
    decision: Mapped[str | None] = mapped_column(String(20))
    decision_reason: Mapped[str] = mapped_column(Text, default="")

    work_area_id: Mapped[int | None] = mapped_column(ForeignKey("work_area.id", ondelete="SET NULL"))
    lead_city_id: Mapped[int | None] = mapped_column(ForeignKey("city.id", ondelete="RESTRICT"))
    policy_lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="RESTRICT"), index=True
    )
    internal_deadline: Mapped[date | None] = mapped_column(Date)

    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # The optimistic lock: every change of state moves it on by one (tracker/locking.py),
    # every form carries the version its page showed, and a change made on an older one is refused.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The SEQUENCE of its calendar events (RFC 5545): moved on whenever a date in them moves or
    # they are cancelled or restored, by the listeners below, so that subscribed calendars take
    # the new date rather than keep the one they saw first.
    calendar_sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    work_area: Mapped[WorkArea | None] = relationship()
    # The imported item (GOV.UK or a select committee) it was accepted from (one at most: an
    # item's id names one consultation), read with the consultation's page; intake's services
    # set the item's side.
    intake_item: Mapped[IntakeItem | None] = relationship(viewonly=True, uselist=False)
    lead_city: Mapped[City | None] = relationship()
    policy_lead: Mapped[User | None] = relationship(foreign_keys=[policy_lead_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[Status(self.status)]

    @property
    def issuer_type_label(self) -> str:
        try:
            return IssuerType(self.issuer_type).label
        except ValueError:
            return self.issuer_type.replace("_", " ").capitalize()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def __repr__(self) -> str:
        return f"<Consultation {self.id} {self.title[:40]!r} {self.status}>"


# Statuses whose calendar events are cancelled: the government withdrew it, or the network will
# not respond (a decision that a new triage may undo).
CANCELLED_STATUSES = frozenset({Status.WITHDRAWN, Status.DECLINED})


def _moves_calendar(value: object, old: object) -> bool:
    """A real change of a value already there: not the first value of a new row."""
    return old not in (NO_VALUE, NEVER_SET) and value != old


# On the attributes rather than in each service: every writer (the edit, the assignment, the
# GOV.UK importer, the workflow) moves the sequence, including those written later.
@event.listens_for(Consultation.closes_at, "set", active_history=True)
@event.listens_for(Consultation.internal_deadline, "set", active_history=True)
def _date_moved(target: Consultation, value: object, old: object, initiator: object) -> None:
    if _moves_calendar(value, old):
        target.calendar_sequence = (target.calendar_sequence or 0) + 1


@event.listens_for(Consultation.status, "set", active_history=True)
def _cancelled_or_restored(target: Consultation, value: object, old: object, initiator: object) -> None:
    if old in (NO_VALUE, NEVER_SET):
        return
    if (value in CANCELLED_STATUSES) != (old in CANCELLED_STATUSES):
        target.calendar_sequence = (target.calendar_sequence or 0) + 1


# The trigram indexes' operator class: pg_trgm, in PostgreSQL's contrib and a trusted extension
# (the database's owner may create it). Migration 0011 does the same.
TRIGRAM_EXTENSION = "CREATE EXTENSION IF NOT EXISTS pg_trgm"
event.listen(Consultation.__table__, "before_create", DDL(TRIGRAM_EXTENSION).execute_if(dialect="postgresql"))


# On SQLite the list's search (a case-blind substring of the title or the organisation) reads an
# FTS5 trigram index of those two columns, kept in step by triggers: no index of SQLite's own
# serves a LIKE pattern that starts with a wildcard. Migration 0012 creates the same.
LIST_SEARCH_FTS_TABLE = "consultation_fts"
sqlite_fts(Consultation, LIST_SEARCH_FTS_TABLE, ("title", "issuing_organisation"), "trigram")
