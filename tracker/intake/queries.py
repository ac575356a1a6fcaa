"""Reads of the intake feature: the inbox, an item, the rules, the runs and the panels other
pages show (with their wording decided here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import url_for
from sqlalchemy import bindparam, case, func, select, union_all
from sqlalchemy.orm import joinedload, load_only, selectinload

from tracker.consultations import counts as list_counts
from tracker.extensions import db
from tracker.intake.sources import item_url
from tracker.models import Consultation, IssuerType, User, WorkArea
from tracker.models.intake import (
    FeedSource,
    ImportRun,
    IntakeItem,
    ItemSource,
    ItemState,
    OrganisationRule,
    WorkAreaKeywords,
)
from tracker.pagination import bounded, last_page
from tracker.timeutil import format_uk, utcnow

STATE_TABS = [
    (ItemState.PENDING, "To triage"),
    (ItemState.ACCEPTED, "Accepted"),
    (ItemState.DISMISSED, "Dismissed"),
    (ItemState.WITHDRAWN, "Withdrawn"),
]


# Built once: the dashboard asks on every visit.
_INBOX_COUNT = select(func.count(IntakeItem.id)).where(IntakeItem.state == ItemState.PENDING.value)


def inbox_count() -> int:
    """Reused for a few seconds like the list's counts: the dashboard shows it on every visit."""
    return list_counts.counts("inbox", lambda: int(db.session.scalar(_INBOX_COUNT) or 0))


def item_for_consultation(consultation: Consultation) -> IntakeItem | None:
    """The item the consultation was accepted from, loaded with it (consultations.queries)."""
    if consultation is None or getattr(consultation, "id", None) is None:
        return None
    return consultation.intake_item


def is_closed(item: IntakeItem, now: datetime | None = None) -> bool:
    return item.closes_at is not None and item.closes_at <= (now or utcnow())


def get_item(item_id: int) -> IntakeItem | None:
    return db.session.get(
        IntakeItem, item_id, options=[selectinload(IntakeItem.suggested_work_area), selectinload(IntakeItem.consultation)]
    )


def work_area_choices(blank: str | None = None) -> list[tuple[int, str]]:
    areas = db.session.scalars(select(WorkArea).order_by(WorkArea.name)).all()
    choices = [(a.id, a.name) for a in areas]
    return ([(0, blank)] + choices) if blank else choices


@dataclass
class InboxPage:
    items: list[IntakeItem]
    tabs: list[tuple[ItemState, str, int]]
    total: int
    page: int
    pages: int
    last_runs: list[ImportRun]  # the latest of each source


# What a row of the inbox shows, and of its work area, consultation and feed only what it names:
# an item's summary, ways to respond and the reasons for its suggestion are for its own page.
_INBOX_ROW = (
    load_only(IntakeItem.id, IntakeItem.source, IntakeItem.title, IntakeItem.document_type,
              IntakeItem.organisations, IntakeItem.closes_at, IntakeItem.applies_to_network, IntakeItem.state,
              IntakeItem.dismissal_reason, IntakeItem.withdrawn_at, IntakeItem.suggested_work_area_id,
              IntakeItem.consultation_id, IntakeItem.feed_source_id),
    joinedload(IntakeItem.suggested_work_area).load_only(WorkArea.id, WorkArea.name),
    joinedload(IntakeItem.consultation).load_only(Consultation.id, Consultation.status),
    joinedload(IntakeItem.feed_source).load_only(FeedSource.id, FeedSource.issuer_name),
)


def state_counts() -> dict[str, int]:
    """How many items are in each state: reused for a few seconds like the dashboard's inbox count."""
    return dict(list_counts.counts("inbox states", lambda: dict(db.session.execute(
        select(IntakeItem.state, func.count(IntakeItem.id)).group_by(IntakeItem.state)).tuples().all())))


# The inbox's statements are built once, their values bound at each execution: building them
# (and their cache keys) for every request showed in its profile.
_INBOX_ITEMS = (
    select(IntakeItem)
    .options(*_INBOX_ROW)
    .where(IntakeItem.state == bindparam("state"))
    # What closes soonest first (the work is to decide in time), then those already closed, most
    # recent first; items without a date last.
    .order_by(IntakeItem.closes_at.is_(None), IntakeItem.closes_at < bindparam("now"),
              case((IntakeItem.closes_at >= bindparam("now"), IntakeItem.closes_at)),
              IntakeItem.closes_at.desc(), IntakeItem.id.desc())
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)


def inbox(state: ItemState, page: int, per_page: int) -> InboxPage:
    counts = state_counts()
    total = counts.get(state.value, 0)
    page = bounded(page, total, per_page)
    items = db.session.scalars(_INBOX_ITEMS, {"state": state.value, "now": utcnow(), "limit": per_page,
                                             "offset": (page - 1) * per_page}).all()
    return InboxPage(
        items=list(items),
        tabs=[(s, label, counts.get(s.value, 0)) for s, label in STATE_TABS],
        total=total,
        page=page,
        pages=last_page(total, per_page),
        last_runs=last_runs(),
    )


_COMMITTEES = ImportRun.source.startswith("committees:")
_FEEDS = ImportRun.feed_source_id.is_not(None)
_NEWEST_OF_EACH_FEED = (select(func.max(ImportRun.id)).join(FeedSource, FeedSource.id == ImportRun.feed_source_id)
                        .where(FeedSource.enabled.is_(True)).group_by(ImportRun.feed_source_id))
# The latest run of GOV.UK's search and of the committees' (each read from the end of the
# start-time index), and each enabled feed's: their ids in one statement with the runs.
_LATEST_OF = [select(ImportRun.id).where(which).order_by(ImportRun.started_at.desc(), ImportRun.id.desc())
              .limit(1).subquery() for which in (~_COMMITTEES & ~_FEEDS, _COMMITTEES)]
_LAST_RUNS = (select(ImportRun).options(joinedload(ImportRun.feed_source))
              .where(ImportRun.id.in_(union_all(*(select(latest.c.id) for latest in _LATEST_OF),
                                                _NEWEST_OF_EACH_FEED)))
              .order_by(ImportRun.id))


def last_runs() -> list[ImportRun]:
    """The latest run of each source (GOV.UK, the committees, each enabled feed): they run hourly
    at the same moment, so the latest run of one alone would hide an incomplete run of another.
    One statement."""
    runs = list(db.session.scalars(_LAST_RUNS).unique())

    def order(run: ImportRun) -> tuple[int, int]:
        source = 2 if run.feed_source_id is not None else 1 if run.source.startswith("committees:") else 0
        return source, run.id

    return sorted(runs, key=order)


@dataclass(frozen=True)
class FeedRow:
    feed: FeedSource
    kind: str  # the issuer type in words
    run: ImportRun | None  # its latest run


def feeds() -> list[FeedRow]:
    """Every feed, enabled first then by issuer, with its latest run (two queries)."""
    rows = db.session.scalars(select(FeedSource).options(selectinload(FeedSource.default_work_area))
                              .order_by(FeedSource.enabled.desc(), func.lower(FeedSource.issuer_name))).all()
    newest = select(func.max(ImportRun.id)).where(ImportRun.feed_source_id.is_not(None)).group_by(
        ImportRun.feed_source_id)
    runs = {r.feed_source_id: r for r in db.session.scalars(select(ImportRun).where(ImportRun.id.in_(newest)))}
    return [FeedRow(feed, IssuerType(feed.issuer_type).label, runs.get(feed.id)) for feed in rows]


def get_feed(feed_id: int) -> FeedSource | None:
    return db.session.get(FeedSource, feed_id)


def rules_page() -> dict[str, Any]:
    rules = db.session.scalars(
        select(OrganisationRule)
        .options(selectinload(OrganisationRule.work_area))
        .order_by(func.lower(OrganisationRule.organisation), OrganisationRule.id)
    ).all()
    keywords = {k.work_area_id: k for k in db.session.scalars(select(WorkAreaKeywords))}
    areas = db.session.scalars(select(WorkArea).order_by(WorkArea.name)).all()
    return {"rules": rules, "keywords": keywords, "areas": areas}


def keywords_for(area: WorkArea) -> WorkAreaKeywords | None:
    return db.session.scalar(select(WorkAreaKeywords).where(WorkAreaKeywords.work_area_id == area.id))


def recent_runs(limit: int = 50) -> list[ImportRun]:
    return list(db.session.scalars(select(ImportRun).options(selectinload(ImportRun.feed_source))
                                   .order_by(ImportRun.started_at.desc()).limit(limit)))


# --- Panels on other pages ------------------------------------------------------------------


def consultation_panel(user: User, consultation: Consultation) -> dict[str, Any]:
    """The imported facts of a consultation, from GOV.UK or a select committee (``item`` None
    for one typed in by hand)."""
    item = item_for_consultation(consultation)
    if item is None:
        return {"item": None}
    tags = []
    if item.has_outcome:
        tags.append({"text": "Outcome published on GOV.UK", "classes": "govuk-tag--green"})
    if item.withdrawn_at:
        tags.append({"text": f"Withdrawn on GOV.UK {format_uk(item.withdrawn_at, '%-d %B %Y')}", "classes": "govuk-tag--grey"})
    return {
        "item": item,
        "heading": (f"From {item.source_label}" if item.source == ItemSource.FEED
                    else "From a Parliament select committee" if item.is_from_committee else "From GOV.UK"),
        "public_url": item_url(item),
        "warning": None if item.applies_to_network
        else f"GOV.UK says this does not apply to England or Wales: {item.applicability_text}.",
        "tags": tags,
        "suggested_area": item.suggested_work_area.name if item.suggested_work_area else "none",
        "reasons": "; ".join(item.suggestion_reasons),
    }


def dashboard_panel(user: User) -> dict[str, Any]:
    """The inbox count, for coordinators only (``shown`` False for everyone else, with no query)."""
    if not (user.is_authenticated and user.is_coordinator):
        return {"shown": False}
    pending = inbox_count()
    return {
        "shown": True,
        "pending": pending,
        "text": f"{pending} imported {'item waits' if pending == 1 else 'items wait'} for triage",
        "url": url_for("intake.inbox"),
    }


# --- Triage in bulk ---------------------------------------------------------------------------


def items_by_ids(ids: list[int]) -> list[IntakeItem]:
    """The items chosen in the inbox, in the order chosen, with who decided them (one statement)."""
    rows = db.session.scalars(
        select(IntakeItem)
        .options(selectinload(IntakeItem.decided_by), selectinload(IntakeItem.suggested_work_area))
        .where(IntakeItem.id.in_(ids))
    ).all()
    by_id = {row.id: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def _items(n: int) -> str:
    return f"{n} item" if n == 1 else f"{n} items"


def selection_summary(user: User, ids: list[int]) -> str:
    """What became of the items chosen for accepting, in words, for the inbox after the last."""
    items = items_by_ids(ids)
    mine = [i for i in items if i.decided_by_id == user.id]
    accepted = sum(1 for i in mine if i.state == ItemState.ACCEPTED)
    dismissed = sum(1 for i in mine if i.state == ItemState.DISMISSED)
    left = sum(1 for i in items if i.state == ItemState.PENDING)
    others = len(items) - accepted - dismissed - left
    parts = [f"{accepted} accepted"]
    if dismissed:
        parts.append(f"{dismissed} dismissed")
    if left:
        parts.append(f"{left} still to triage")
    if others:
        parts.append(f"{others} decided by someone else meanwhile")
    return f"Done with the {_items(len(items))} you chose: {', '.join(parts)}."
