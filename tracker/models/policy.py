"""Models of the policy feature: the network's standing asks, the engagement log (meetings,
briefings, APPG sessions and their follow-up actions), partner networks and the annual report's
introduction.

Asks, engagements and report introductions are edited by several people: each carries a
``version`` (optimistic concurrency, tracker/policy/locking.py) and every edit is kept in the
activity log with the fields before and after."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.models.types import LabelledEnum, UTCDateTime
from tracker.timeutil import utcnow

if TYPE_CHECKING:
    from tracker.models.city import City, WorkArea
    from tracker.models.consultation import Consultation
    from tracker.models.user import User


class AskStatus(LabelledEnum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    RETIRED = "retired"


class AskTakenUp(LabelledEnum):
    """What government did with one ask of one response."""

    FULL = "full", "Taken up in full"
    PART = "part", "Taken up in part"
    NOT = "not", "Not taken up"


class EngagementKind(LabelledEnum):
    MINISTER = "minister", "Meeting with a minister"
    OFFICIALS = "officials", "Meeting with officials"
    APPG = "appg", "APPG meeting"
    MP_BRIEFING = "mp_briefing", "Briefing to MPs"
    EVIDENCE = "evidence", "Evidence session"
    MEDIA = "media"


ENGAGEMENT_KIND_LABELS = {k.value: k.label for k in EngagementKind}


class PartnerRole(LabelledEnum):
    CO_SIGNATORY = "co_signatory", "Co-signatory"
    PARTNER = "partner"


class PartnerNetwork(Model):
    """Another network the Key Cities work with (Core Cities, the LGA, ...)."""

    __tablename__ = "partner_network"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Editing and removing are checked against the version the page showed.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class PolicyAsk(Model):
    """One of the network's standing asks of government, in one work area, owned by a lead city."""

    __tablename__ = "policy_ask"
    __table_args__ = (Index("ix_policy_ask_work_area_id_status", "work_area_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    work_area_id: Mapped[int] = mapped_column(ForeignKey("work_area.id", ondelete="RESTRICT"))
    lead_city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=AskStatus.ACTIVE.value)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    work_area: Mapped[WorkArea] = relationship()
    lead_city: Mapped[City] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def status_label(self) -> str:
        return AskStatus(self.status).label


class ResponseAsk(Model):
    """An ask a consultation's response makes, and (once the outcome is known) whether
    government took it up."""

    __tablename__ = "response_ask"
    __table_args__ = (
        UniqueConstraint("consultation_id", "ask_id"),
        # An ask's page counts the responses that made it and reads a page of them, newest
        # submission first, from this index alone.
        Index("ix_response_ask_ask_id_submitted_at", "ask_id", "submitted_at", "consultation_id", "taken_up"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    ask_id: Mapped[int] = mapped_column(ForeignKey("policy_ask.id", ondelete="CASCADE"))
    taken_up: Mapped[str | None] = mapped_column(String(10))
    # When the response went to the government (its submission's time; None until then), kept
    # here so that an ask's page reads its responses newest first from the ask's own index:
    # joining each to its submission to sort them grew with the ask. Set when the ask is added
    # (policy.services) and when the submission is recorded (drafts.review).
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    ask: Mapped[PolicyAsk] = relationship()
    consultation: Mapped[Consultation] = relationship()

    @property
    def taken_up_label(self) -> str:
        return AskTakenUp(self.taken_up).label if self.taken_up else "Not recorded yet"


class ConsultationPartner(Model):
    """A partner network that co-signed or worked with the network on a consultation's response."""

    __tablename__ = "consultation_partner"
    __table_args__ = (UniqueConstraint("consultation_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner_network.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default=PartnerRole.PARTNER.value)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    partner: Mapped[PartnerNetwork] = relationship()

    @property
    def role_label(self) -> str:
        return PartnerRole(self.role).label


class Engagement(Model):
    """A meeting, briefing, evidence session or media piece of the network's lobbying."""

    __tablename__ = "engagement"
    __table_args__ = (
        Index("ix_engagement_occurred_on", "occurred_on"),
        Index("ix_engagement_kind_occurred_on", "kind", "occurred_on"),
        Index("ix_engagement_work_area_id_occurred_on", "work_area_id", "occurred_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    # People and organisations met, as typed (ministers, officials, MPs, outlets).
    attendees: Mapped[str] = mapped_column(Text, default="")
    work_area_id: Mapped[int | None] = mapped_column(ForeignKey("work_area.id", ondelete="SET NULL"))
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    work_area: Mapped[WorkArea | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def kind_label(self) -> str:
        return ENGAGEMENT_KIND_LABELS.get(self.kind, self.kind)


class EngagementAsk(Model):
    __tablename__ = "engagement_ask"
    __table_args__ = (UniqueConstraint("engagement_id", "ask_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id", ondelete="CASCADE"))
    ask_id: Mapped[int] = mapped_column(ForeignKey("policy_ask.id", ondelete="CASCADE"), index=True)

    ask: Mapped[PolicyAsk] = relationship()
    engagement: Mapped[Engagement] = relationship()


class EngagementConsultation(Model):
    __tablename__ = "engagement_consultation"
    __table_args__ = (UniqueConstraint("engagement_id", "consultation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id", ondelete="CASCADE"))
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)

    consultation: Mapped[Consultation] = relationship()
    engagement: Mapped[Engagement] = relationship()


class EngagementPartner(Model):
    __tablename__ = "engagement_partner"
    __table_args__ = (UniqueConstraint("engagement_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner_network.id", ondelete="CASCADE"), index=True)

    partner: Mapped[PartnerNetwork] = relationship()


class FollowUp(Model):
    """An action agreed at an engagement, owned by one user, due on a day; the reminder sweep
    tells its owner when it falls due and when it is overdue (tracker/policy/followups.py)."""

    __tablename__ = "follow_up"
    __table_args__ = (
        # The sweep reads the open ones near their due day.
        Index("ix_follow_up_done_at_due_on", "done_at", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Editing and deleting are checked against the version the page showed.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    engagement: Mapped[Engagement] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])


class AnnualReport(Model):
    """The editable introduction of the network's report to the LGA Leadership Board for one
    financial year (``year`` is the year it starts: 2025 is April 2025 to March 2026)."""

    __tablename__ = "annual_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    introduction: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    updated_by: Mapped[User | None] = relationship()
