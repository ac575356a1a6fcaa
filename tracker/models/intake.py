"""Models of the intake feature: what GOV.UK and Parliament's select committees published, how
we classify it, each import run."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.models.types import UTCDateTime
from tracker.timeutil import utcnow

if TYPE_CHECKING:
    from tracker.models.city import WorkArea
    from tracker.models.consultation import Consultation
    from tracker.models.user import User


class ItemSource(enum.StrEnum):
    """Where an imported item comes from; its id (``content_id``) is unique within its source."""

    GOVUK = "govuk"  # keyed on GOV.UK's content_id
    COMMITTEES = "committees"  # keyed on the Committees API's business id
    FEED = "feed"  # keyed on "f<feed>-" and a digest of the entry's id (or link): see intake/feeds.py

    @property
    def label(self) -> str:
        return {"govuk": "GOV.UK", "committees": "Parliament select committee", "feed": "Atom or RSS feed"}[self.value]


class ItemState(enum.StrEnum):
    PENDING = "pending"  # waiting in the coordinators' inbox
    ACCEPTED = "accepted"  # became a consultation
    DISMISSED = "dismissed"  # not for us; remembered so it never comes back
    WITHDRAWN = "withdrawn"  # GOV.UK withdrew it

    @property
    def label(self) -> str:
        return self.value.capitalize()


# GOV.UK's document type lifecycle (consultation -> open -> closed -> outcome).
OUTCOME_TYPES = frozenset({"consultation_outcome", "call_for_evidence_outcome"})
DOCUMENT_TYPE_LABELS = {
    "consultation": "Consultation (not yet open)",
    "open_consultation": "Open consultation",
    "closed_consultation": "Closed consultation",
    "consultation_outcome": "Consultation outcome",
    "call_for_evidence": "Call for evidence (not yet open)",
    "open_call_for_evidence": "Open call for evidence",
    "closed_call_for_evidence": "Closed call for evidence",
    "call_for_evidence_outcome": "Call for evidence outcome",
}
# A select committee's business types become "committee_<type>" (e.g. committee_inquiry).
COMMITTEE_TYPE_PREFIX = "committee_"


class IntakeItem(Model):
    """One imported item, whatever we decided about it: a GOV.UK document (keyed by its
    content_id) or a select committee's call for evidence (keyed by its business id);
    ``source`` tells them apart."""

    __tablename__ = "intake_item"
    __table_args__ = (
        Index("ix_intake_item_state_closes_at", "state", "closes_at"),
        UniqueConstraint("source", "content_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20), default=ItemSource.GOVUK.value,
                                        server_default=ItemSource.GOVUK.value)
    content_id: Mapped[str] = mapped_column(String(64))
    base_path: Mapped[str] = mapped_column(String(500))
    document_type: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    organisations: Mapped[list[str]] = mapped_column(JSON, default=list)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    public_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ways_to_respond: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    national_applicability: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # False when GOV.UK says it applies to neither England nor Wales: flagged, never hidden.
    applies_to_network: Mapped[bool] = mapped_column(Boolean, default=True)
    # A digest of the search result: unchanged digest means no Content API call is needed.
    search_fingerprint: Mapped[str] = mapped_column(String(64), default="")

    suggested_work_area_id: Mapped[int | None] = mapped_column(
        ForeignKey("work_area.id", ondelete="SET NULL"), index=True
    )
    suggestion_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)

    state: Mapped[str] = mapped_column(String(20), default=ItemState.PENDING.value)
    dismissal_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="SET NULL"), index=True
    )
    # The feed an entry came from (source "feed"); None for the other sources.
    feed_source_id: Mapped[int | None] = mapped_column(ForeignKey("feed_source.id", ondelete="SET NULL"), index=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    suggested_work_area: Mapped[WorkArea | None] = relationship()
    decided_by: Mapped[User | None] = relationship()
    consultation: Mapped[Consultation | None] = relationship()
    feed_source: Mapped[FeedSource | None] = relationship()

    @property
    def state_enum(self) -> ItemState:
        return ItemState(self.state)

    @property
    def source_enum(self) -> ItemSource:
        return ItemSource(self.source)

    @property
    def source_label(self) -> str:
        if self.source == ItemSource.FEED and self.feed_source is not None:
            return f"{self.feed_source.issuer_name}'s feed"
        return self.source_enum.label

    @property
    def origin_text(self) -> str:
        """Where it came from, after "Consultation from": the item page's caption."""
        if self.source == ItemSource.FEED:
            return self.source_label
        return f"a Parliament select committee: {self.organisation_text}" if self.is_from_committee else "GOV.UK"

    @property
    def is_from_committee(self) -> bool:
        return self.source == ItemSource.COMMITTEES

    @property
    def is_call_for_evidence(self) -> bool:
        # A committee's business is listed only while it accepts evidence.
        return self.is_from_committee or "call_for_evidence" in self.document_type

    @property
    def kind_label(self) -> str:
        return "Call for evidence" if self.is_call_for_evidence else "Consultation"

    @property
    def document_type_label(self) -> str:
        if self.source == ItemSource.FEED:
            return "Entry of an Atom or RSS feed"
        if self.is_from_committee:
            kind = self.document_type.removeprefix(COMMITTEE_TYPE_PREFIX).replace("_", " ").capitalize()
            return f"Select committee {kind.lower() or 'business'}"
        return DOCUMENT_TYPE_LABELS.get(self.document_type, self.document_type.replace("_", " "))

    @property
    def has_outcome(self) -> bool:
        return self.document_type in OUTCOME_TYPES

    @property
    def organisation_text(self) -> str:
        return ", ".join(self.organisations or []) or (
            "Unknown committee" if self.is_from_committee else "Unknown organisation")

    @property
    def applicability_text(self) -> str:
        """GOV.UK's own wording: 'Applies to England and Wales', or 'Applies to all UK nations'."""
        facts = self.national_applicability or {}
        nations = [
            (v.get("label") or k.replace("_", " ").title())
            for k, v in facts.items()
            if isinstance(v, dict) and v.get("applicable")
        ]
        if not facts:
            return "Applies to all UK nations (GOV.UK gives no restriction)"
        if not nations:
            return "GOV.UK lists no nation it applies to"
        if len(nations) == 1:
            return f"Applies to {nations[0]} only"
        return "Applies to " + ", ".join(nations[:-1]) + " and " + nations[-1]

    def __repr__(self) -> str:
        return f"<IntakeItem {self.source}:{self.content_id} {self.state} {self.title[:30]!r}>"


class ImportRun(Model):
    """One run of the importer, for the admin page."""

    __tablename__ = "import_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(500), default="")
    trigger: Mapped[str] = mapped_column(String(20), default="cli")
    found: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    # New failures only; items that failed the same way on an earlier run are in known_bad.
    errors: Mapped[str] = mapped_column(Text, default="")
    # How many distinct items the open lists gave, against the totals the source declared (None:
    # it declared none); None for runs made before the importer counted them.
    listed: Mapped[int | None] = mapped_column(Integer)
    declared: Mapped[int | None] = mapped_column(Integer)
    # Why the lists were not read in full ("Incomplete: read 3 of 7 ..."); empty when they were.
    incomplete: Mapped[str] = mapped_column(Text, default="", server_default="")
    known_bad_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    known_bad: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The feed a run read (its adapter names the run feed:<address>); None for the other sources.
    feed_source_id: Mapped[int | None] = mapped_column(ForeignKey("feed_source.id", ondelete="SET NULL"), index=True)

    feed_source: Mapped[FeedSource | None] = relationship()

    @property
    def source_label(self) -> str:
        """Which source the run read: the committees adapter names its runs committees:..."""
        if self.source.startswith("feed:"):
            return f"{self.feed_source.issuer_name}'s feed" if self.feed_source else "An Atom or RSS feed"
        return "Parliament select committees" if self.source.startswith("committees:") else "GOV.UK"

    @property
    def address(self) -> str:
        """Where it read from, without the source's prefix."""
        return self.source.split(":", 1)[1] if self.source.startswith(("feed:", "committees:")) else self.source

    @property
    def trigger_label(self) -> str:
        return {"beat": "Hourly", "cli": "By command"}.get(self.trigger, self.trigger.capitalize())

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.errors.splitlines() if line.strip()]

    @property
    def known_bad_lines(self) -> list[str]:
        return [line for line in self.known_bad.splitlines() if line.strip()]

    @property
    def read_text(self) -> str:
        """"read 7 of 7", "read 4 of 7", "read 7" (no total declared), "" (not counted)."""
        if self.listed is None:
            return ""
        return f"read {self.listed}" + (f" of {self.declared}" if self.declared is not None else "")


class ImportProblem(Model):
    """An item an import could not take, remembered so that later runs count it as known bad,
    already reported (and exit 0), rather than as a new failure, until the item changes or
    fails differently. A listed row without an id is keyed by a digest of the row itself."""

    __tablename__ = "import_problem"
    __table_args__ = (UniqueConstraint("source", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))  # an ItemSource value
    item_key: Mapped[str] = mapped_column(String(80))  # the id in its source, or "listed:<sha256>"
    fingerprint: Mapped[str] = mapped_column(String(64), default="")  # the item as listed, when reported
    message: Mapped[str] = mapped_column(Text, default="")
    first_reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OrganisationRule(Model):
    """Issuing organisation -> work area. One organisation may point at several areas."""

    __tablename__ = "organisation_rule"
    __table_args__ = (UniqueConstraint("organisation", "work_area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # GOV.UK's organisation title or acronym, matched case-insensitively.
    organisation: Mapped[str] = mapped_column(String(200))
    work_area_id: Mapped[int] = mapped_column(ForeignKey("work_area.id", ondelete="CASCADE"), index=True)

    work_area: Mapped[WorkArea] = relationship()


class WorkAreaKeywords(Model):
    """Keywords (one per line) that point a title or summary at a work area."""

    __tablename__ = "work_area_keywords"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_area_id: Mapped[int] = mapped_column(ForeignKey("work_area.id", ondelete="CASCADE"), unique=True)
    keywords: Mapped[str] = mapped_column(Text, default="")

    work_area: Mapped[WorkArea] = relationship()

    @property
    def keyword_list(self) -> list[str]:
        seen: dict[str, None] = {}
        for raw in self.keywords.replace(",", "\n").splitlines():
            word = " ".join(raw.split()).lower()
            if word:
                seen.setdefault(word, None)
        return list(seen)


class ImportLock(Model):
    """One import at a time: the row is the lock, taken and freed in transactions of their own.

    ``expires_at`` frees the lock of a run that crashed without freeing it.
    """

    __tablename__ = "import_lock"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FeedSource(Model):
    """An Atom or RSS feed an admin added as a source, for a body with no GOV.UK page: its
    entries come into the inbox as any import's do (intake/feeds.py)."""

    __tablename__ = "feed_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    # The host the admin entered: the only one it (and every redirect) may be read from.
    host: Mapped[str] = mapped_column(String(255))
    issuer_name: Mapped[str] = mapped_column(String(200))
    issuer_type: Mapped[str] = mapped_column(String(30))  # an IssuerType value
    default_work_area_id: Mapped[int | None] = mapped_column(ForeignKey("work_area.id", ondelete="SET NULL"))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The optimistic lock of the admins' edit form.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    default_work_area: Mapped[WorkArea | None] = relationship()

    @property
    def lock_name(self) -> str:
        return f"feed:{self.id}"
