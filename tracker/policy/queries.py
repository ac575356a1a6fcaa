"""Reads of the policy feature: asks and their track record, the engagement log, partners, and
the panels other features' pages show (the response page, the outcome form, the consultation
page, the library). Pages pass what these return to their templates: plain data, loaded here."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, bindparam, func, select, union_all
from sqlalchemy.orm import joinedload, load_only

from tracker.errors import NotFound
from tracker.extensions import db
from tracker.models import ActivityLog, City, Consultation, User, WorkArea
from tracker.models.policy import (
    ENGAGEMENT_KIND_LABELS,
    AskStatus,
    AskTakenUp,
    Engagement,
    EngagementAsk,
    EngagementConsultation,
    EngagementPartner,
    FollowUp,
    PartnerNetwork,
    PolicyAsk,
    ResponseAsk,
)
from tracker.pagination import Page, bounded, last_page, paginate_built
from tracker.policy import permissions
from tracker.policy.services import ASK_SUBJECT
from tracker.timeutil import uk_today

# --- reference lists ----------------------------------------------------------------------


def work_areas() -> list[WorkArea]:
    return list(db.session.scalars(select(WorkArea).order_by(WorkArea.name)))


def member_cities() -> list[City]:
    return list(db.session.scalars(select(City).where(City.is_member.is_(True)).order_by(City.name)))


def partner_networks(*, active_only: bool = False) -> list[PartnerNetwork]:
    stmt = select(PartnerNetwork).order_by(PartnerNetwork.name)
    if active_only:
        stmt = stmt.where(PartnerNetwork.is_active.is_(True))
    return list(db.session.scalars(stmt))


_ASK_CHOICES = (select(PolicyAsk.id, PolicyAsk.title, PolicyAsk.status, WorkArea.name.label("area"))
                .join(WorkArea, WorkArea.id == PolicyAsk.work_area_id).order_by(WorkArea.name, PolicyAsk.title))


def ask_choices(*, include: set[int] | None = None) -> list[tuple[int, str]]:
    """The active asks (and any in ``include``, already chosen), labelled with their work area."""
    rows = db.session.execute(_ASK_CHOICES).all()
    keep = include or set()
    return [(r.id, f"{r.area}: {r.title}") for r in rows if r.status == AskStatus.ACTIVE or r.id in keep]


def owner_choices() -> list[tuple[int, str]]:
    users = db.session.scalars(select(User).options(joinedload(User.city)).where(User.is_enabled.is_(True))
                               .order_by(User.name)).all()
    return [(u.id, u.display_name) for u in users]


# --- asks ---------------------------------------------------------------------------------


# The ask page's statements are built once, their values bound at each execution: building them
# (and their cache keys) per request showed in its profile.
_ASK = (select(PolicyAsk).options(joinedload(PolicyAsk.work_area), joinedload(PolicyAsk.lead_city))
        .where(PolicyAsk.id == bindparam("id")))


def get_ask(ask_id: int) -> PolicyAsk:
    ask = db.session.scalar(_ASK, {"id": ask_id})
    if ask is None:
        raise NotFound("There is no ask with that number.")
    return ask


@dataclass
class AskRow:
    ask: PolicyAsk
    made: int
    taken_up: int  # in full or in part
    raised: int
    can_edit: bool


def asks_by_area(user: User, status: str | None = None) -> list[tuple[WorkArea, list[AskRow]]]:
    """Every work area with its asks (of ``status``, or all), each with its counts (three queries)."""
    stmt = select(PolicyAsk).options(joinedload(PolicyAsk.lead_city)).order_by(PolicyAsk.title)
    if status:
        stmt = stmt.where(PolicyAsk.status == status)
    asks = db.session.scalars(stmt).all()
    made = dict(db.session.execute(select(ResponseAsk.ask_id, func.count()).group_by(ResponseAsk.ask_id)).tuples().all())
    taken = dict(db.session.execute(
        select(ResponseAsk.ask_id, func.count()).where(ResponseAsk.taken_up.in_([AskTakenUp.FULL, AskTakenUp.PART]))
        .group_by(ResponseAsk.ask_id)).tuples().all())
    raised = dict(db.session.execute(select(EngagementAsk.ask_id, func.count()).group_by(EngagementAsk.ask_id)).tuples().all())
    by_area: dict[int, list[AskRow]] = {}
    for ask in asks:
        by_area.setdefault(ask.work_area_id, []).append(AskRow(
            ask, made.get(ask.id, 0), taken.get(ask.id, 0), raised.get(ask.id, 0), permissions.can_edit_ask(user, ask)))
    return [(area, by_area.get(area.id, [])) for area in work_areas()]


# The responses that made an ask, a page at a time: a long-standing ask is made in hundreds.
TRACK_RECORD_PER_PAGE = 25


@dataclass
class TrackRecord:
    responses: list[dict[str, Any]]  # this page of them
    engagements: list[dict[str, Any]]  # the latest of them
    raised: int  # engagements in all
    made: int
    full: int
    part: int
    not_taken: int
    unknown: int
    page: int
    pages: int

    @property
    def more_raised(self) -> bool:
        """Raised at more engagements than the page lists."""
        return self.raised > len(self.engagements)


# Per record of take-up: how many responses made the ask, and how many of those were submitted.
_TALLY = (select(ResponseAsk.taken_up, func.count(), func.count(ResponseAsk.submitted_at))
          .where(ResponseAsk.ask_id == bindparam("ask")).group_by(ResponseAsk.taken_up))


def _made_in() -> Select[Any]:
    """A page of the responses that made the ask: the submitted ones newest first, then the
    rest, each half its own range of the ask's index read only as far as the page needs (an
    order by "submitted or not" would sort every response the ask was made in); then only the
    page's consultations read."""
    submitted = (select(ResponseAsk.consultation_id, ResponseAsk.taken_up, ResponseAsk.submitted_at)
                 .where(ResponseAsk.ask_id == bindparam("ask"), ResponseAsk.submitted_at.is_not(None))
                 .order_by(ResponseAsk.submitted_at.desc(), ResponseAsk.consultation_id.desc())
                 .limit(bindparam("submitted_limit")).offset(bindparam("submitted_offset")).subquery())
    not_yet = (select(ResponseAsk.consultation_id, ResponseAsk.taken_up, ResponseAsk.submitted_at)
               .where(ResponseAsk.ask_id == bindparam("ask"), ResponseAsk.submitted_at.is_(None))
               .order_by(ResponseAsk.consultation_id.desc())
               .limit(bindparam("rest_limit")).offset(bindparam("rest_offset")).subquery())
    page = union_all(select(submitted), select(not_yet)).subquery()
    return (select(page.c.taken_up, Consultation.id, Consultation.title, Consultation.status,
                   Consultation.issuing_organisation, page.c.submitted_at)
            .join(Consultation, Consultation.id == page.c.consultation_id)
            .order_by(page.c.submitted_at.desc().nulls_last(), Consultation.id.desc()))


_MADE_IN = _made_in()
# The engagements that raised an ask: the latest on its page, the rest in the log (filtered by
# the ask), as years of meetings would make the page grow.
RAISED_AT_SHOWN = 10
_RAISED_AT = (
    select(Engagement.id, Engagement.occurred_on, Engagement.kind, Engagement.title, Engagement.attendees,
           select(func.count()).where(EngagementAsk.ask_id == bindparam("ask")).scalar_subquery().label("raised"))
    .join(EngagementAsk, EngagementAsk.engagement_id == Engagement.id)
    .where(EngagementAsk.ask_id == bindparam("ask"))
    .order_by(Engagement.occurred_on.desc(), Engagement.id.desc())
    .limit(RAISED_AT_SHOWN)
)


def track_record(ask: PolicyAsk, page: int = 1) -> TrackRecord:
    """Where the ask was made (consultation, when submitted, what government did with it: page
    ``page`` of them, clamped to the list) with how many in all, and where it was raised
    (engagements), newest first."""
    tally = db.session.execute(_TALLY, {"ask": ask.id}).tuples().all()
    counts = {taken_up: n for taken_up, n, _ in tally}
    made, submitted = sum(counts.values()), sum(n for _, _, n in tally)
    shown = bounded(page, made, TRACK_RECORD_PER_PAGE)
    offset = (shown - 1) * TRACK_RECORD_PER_PAGE
    take_submitted = max(0, min(TRACK_RECORD_PER_PAGE, submitted - offset))
    rows = db.session.execute(_MADE_IN, {
        "ask": ask.id, "submitted_limit": take_submitted, "submitted_offset": offset,
        "rest_limit": TRACK_RECORD_PER_PAGE - take_submitted, "rest_offset": max(0, offset - submitted),
    }).all()
    responses = [{
        "consultation_id": r.id, "title": r.title, "organisation": r.issuing_organisation,
        "status": r.status, "submitted_at": r.submitted_at,
        "taken_up": r.taken_up, "taken_up_label": AskTakenUp(r.taken_up).label if r.taken_up else "Not recorded yet",
    } for r in rows]
    raised_at = db.session.execute(_RAISED_AT, {"ask": ask.id}).all()
    engagements = [{
        "id": e.id, "occurred_on": e.occurred_on, "kind_label": ENGAGEMENT_KIND_LABELS.get(e.kind, e.kind),
        "title": e.title, "attendees": e.attendees,
    } for e in raised_at]
    full, part, not_taken = (counts.get(t.value, 0) for t in (AskTakenUp.FULL, AskTakenUp.PART, AskTakenUp.NOT))
    return TrackRecord(responses, engagements, raised_at[0].raised if raised_at else 0,
                       made, full, part, not_taken, made - full - part - not_taken,
                       shown, last_page(made, TRACK_RECORD_PER_PAGE))


_HISTORY = (
    select(ActivityLog).options(joinedload(ActivityLog.actor).joinedload(User.city))
    .where(ActivityLog.subject_type == bindparam("type"), ActivityLog.subject_id == bindparam("id"))
    .order_by(ActivityLog.id.desc())
)


def history(subject_type: str, subject_id: int) -> list[ActivityLog]:
    """Every change to a row of the feature, newest first, with who made it (and their city)."""
    return list(db.session.scalars(_HISTORY, {"type": subject_type, "id": subject_id}))


_ASK_FIELDS = {"title": "Title", "text": "Text", "status": "Status", "lead_city_id": "Lead city",
               "work_area_id": "Work area"}


def ask_history(ask: PolicyAsk) -> list[dict[str, Any]]:
    """The ask's edits with each changed field's value before and after, by name (the names of
    cities and work areas read only when an edit moved the ask)."""
    entries = history(ASK_SUBJECT, ask.id)
    named: dict[str, dict[int, str]] = {"lead_city_id": {}, "work_area_id": {}}
    moved = {f for e in entries for f in named if f in (e.after or {})}
    if "lead_city_id" in moved:
        named["lead_city_id"] = dict(db.session.execute(select(City.id, City.name)).tuples().all())
    if "work_area_id" in moved:
        named["work_area_id"] = dict(db.session.execute(select(WorkArea.id, WorkArea.name)).tuples().all())

    def shown(field: str, value: Any) -> str:
        if value is None:
            return ""
        if field in named:
            return named[field].get(value, str(value))
        if field == "status":
            return AskStatus(value).label
        return str(value)

    result = []
    for entry in entries:
        before, after = entry.before or {}, entry.after or {}
        fields = [{"name": name, "before": shown(f, before.get(f)), "after": shown(f, after.get(f))}
                  for f, name in _ASK_FIELDS.items() if f in after and (entry.before is None or f in before)]
        result.append({"when": entry.created_at, "who": entry.actor.display_name if entry.actor else "The tracker",
                       "message": entry.message, "version": after.get("version"), "fields": fields,
                       "created": entry.before is None})
    return result


# --- the engagement log -------------------------------------------------------------------


@dataclass
class EngagementFilters:
    kind: str | None = None
    work_area_id: int | None = None
    year: int | None = None
    ask_id: int | None = None


# What the log's rows show: the notes and who recorded it are for the engagement's own page.
_ENGAGEMENT_ROW = (
    load_only(Engagement.id, Engagement.occurred_on, Engagement.kind, Engagement.title, Engagement.attendees,
              Engagement.work_area_id),
    joinedload(Engagement.work_area).load_only(WorkArea.id, WorkArea.name),
)


@functools.cache
def _engagement_statements(by_kind: bool, by_area: bool, by_year: bool,
                           by_ask: bool) -> tuple[Select[Any], Select[Any]]:
    """The log's rows and their count, for the filters given: built once per combination, the
    values bound at each execution."""
    where = [condition for wanted, condition in (
        (by_kind, Engagement.kind == bindparam("kind")),
        (by_area, Engagement.work_area_id == bindparam("area")),
        (by_year, Engagement.occurred_on >= bindparam("from")),
        (by_year, Engagement.occurred_on < bindparam("to")),
        (by_ask, Engagement.id.in_(select(EngagementAsk.engagement_id).where(EngagementAsk.ask_id == bindparam("ask")))),
    ) if wanted]
    rows = (select(Engagement).options(*_ENGAGEMENT_ROW).where(*where)
            .order_by(Engagement.occurred_on.desc(), Engagement.id.desc())
            .limit(bindparam("limit")).offset(bindparam("offset")))
    return rows, select(func.count(Engagement.id)).where(*where)


def engagement_page(filters: EngagementFilters, page: int, per_page: int) -> Page[Engagement]:
    rows, count = _engagement_statements(bool(filters.kind), bool(filters.work_area_id), bool(filters.year),
                                         bool(filters.ask_id))
    params: dict[str, Any] = {"kind": filters.kind, "area": filters.work_area_id, "ask": filters.ask_id}
    if filters.year:
        params.update({"from": date(filters.year, 1, 1), "to": date(filters.year + 1, 1, 1)})
    return paginate_built(rows, count, params, per_page, page)


# The first and the last day, each read from its end of the date index.
_YEARS = select(select(func.min(Engagement.occurred_on)).scalar_subquery(),
                select(func.max(Engagement.occurred_on)).scalar_subquery())


def engagement_years() -> list[int]:
    first, last = db.session.execute(_YEARS).one()
    today = uk_today()
    start = first.year if first else today.year
    end = max(last.year if last else today.year, today.year)
    return list(range(end, start - 1, -1))


def get_engagement(engagement_id: int) -> Engagement:
    engagement = db.session.scalar(
        select(Engagement).options(joinedload(Engagement.work_area), joinedload(Engagement.created_by).joinedload(User.city))
        .where(Engagement.id == engagement_id))
    if engagement is None:
        raise NotFound("There is no engagement with that number.")
    return engagement


def engagement_links(engagement: Engagement) -> dict[str, list[Any]]:
    asks = db.session.scalars(
        select(PolicyAsk).options(joinedload(PolicyAsk.work_area)).join(EngagementAsk, EngagementAsk.ask_id == PolicyAsk.id)
        .where(EngagementAsk.engagement_id == engagement.id).order_by(PolicyAsk.title)).all()
    consultations = db.session.execute(
        select(Consultation.id, Consultation.title, Consultation.status)
        .join(EngagementConsultation, EngagementConsultation.consultation_id == Consultation.id)
        .where(EngagementConsultation.engagement_id == engagement.id).order_by(Consultation.title)).all()
    partners = db.session.scalars(
        select(PartnerNetwork).join(EngagementPartner, EngagementPartner.partner_id == PartnerNetwork.id)
        .where(EngagementPartner.engagement_id == engagement.id).order_by(PartnerNetwork.name)).all()
    return {"asks": list(asks), "consultations": list(consultations), "partners": list(partners)}


MAX_FOUND = 20


def _like(word: str) -> str:
    """``word`` matched anywhere, its own % and _ meaning themselves (the escape character is /)."""
    return "%" + word.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"


def consultation_choices(ids: list[int], find: str = "") -> tuple[list[tuple[int, str]], int | None]:
    """The engagement form's consultation boxes: those already chosen, then (when ``find`` has
    words) up to MAX_FOUND others whose title has every word, newest closing first; and how many
    were found (None when nothing was searched)."""
    def label(title: str, closes_at: Any) -> str:
        return f"{title} (closes {closes_at:%-d %B %Y})" if closes_at else title

    chosen = [(row.id, label(row.title, row.closes_at)) for row in db.session.execute(
        select(Consultation.id, Consultation.title, Consultation.closes_at)
        .where(Consultation.id.in_(ids)).order_by(Consultation.title))] if ids else []
    words = find.split()
    if not words:
        return chosen, None
    found = db.session.execute(
        select(Consultation.id, Consultation.title, Consultation.closes_at)
        .where(*(Consultation.title.ilike(_like(w), escape="/") for w in words[:10]),
               Consultation.id.not_in(ids or [0]))
        .order_by(Consultation.closes_at.desc(), Consultation.id.desc()).limit(MAX_FOUND)).all()
    return chosen + [(row.id, label(row.title, row.closes_at)) for row in found], len(found)


def follow_ups(engagement: Engagement, user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(FollowUp).options(joinedload(FollowUp.owner).joinedload(User.city), joinedload(FollowUp.done_by))
        .where(FollowUp.engagement_id == engagement.id).order_by(FollowUp.due_on, FollowUp.id)).all()
    today = uk_today()
    return [{"row": f, "overdue": f.done_at is None and f.due_on < today,
             "can_close": f.done_at is None and permissions.can_close_follow_up(user, f)} for f in rows]


def engagement_history(engagement: Engagement) -> list[dict[str, Any]]:
    return [{"when": e.created_at, "who": e.actor.display_name if e.actor else "The tracker", "message": e.message}
            for e in history("engagement", engagement.id)]


def get_follow_up(follow_up_id: int) -> FollowUp:
    row = db.session.scalar(select(FollowUp).options(joinedload(FollowUp.engagement).joinedload(Engagement.work_area))
                            .where(FollowUp.id == follow_up_id))
    if row is None:
        raise NotFound("There is no follow-up action with that number.")
    return row
