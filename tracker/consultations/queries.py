"""Read-side queries for the consultation pages: the list, its filters, one consultation and its
history (the dashboard's lists are in lists.py).

Every function issues a fixed number of SQL statements whatever the data size:
related rows are eager-loaded and long lists are bounded (a page, or a limit).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import astuple, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Row,
    Select,
    bindparam,
    case,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.sql.expression import ColumnClause

from tracker.consultations import counts as list_counts
from tracker.consultations import mywork
from tracker.extensions import db
from tracker.models import (
    OPEN_STATUSES,
    ActivityLog,
    City,
    Consultation,
    Role,
    Status,
    User,
    WorkArea,
)
from tracker.models.consultation import LIST_SEARCH_FTS_TABLE
from tracker.models.intake import IntakeItem
from tracker.pagination import bounded, last_page
from tracker.timeutil import end_of_uk_day, uk_today, utcnow

# Closing windows offered by the list filter: value -> label.
WINDOWS: dict[str, str] = {
    "7": "Closing in the next 7 days",
    "14": "Closing in the next 14 days",
    "30": "Closing in the next 30 days",
    "open": "Not yet closed",
    "closed": "Already closed",
    "overdue": "Internal deadline passed",
}
# "open" in the status filter means every status with work still to do.
OPEN_FILTER = "open"
# Internal deadline passed and the work not yet in review (or further).
OVERDUE_STATUSES = frozenset({Status.ASSIGNED, Status.DRAFTING})


@dataclass
class ListFilters:
    status: str = ""
    work_area_id: int | None = None
    city_id: int | None = None
    window: str = ""
    q: str = ""
    mine: str = ""  # one of mywork.MINE: whose work
    me: mywork.Me | None = None  # who "me" is, when mine is set

    def as_args(self) -> dict[str, str]:
        """The filters as query-string arguments (only those set)."""
        args = {
            "mine": self.mine,
            "status": self.status,
            "work_area": str(self.work_area_id or ""),
            "city": str(self.city_id or ""),
            "closing": self.window,
            "q": self.q,
        }
        return {k: v for k, v in args.items() if v}

    @property
    def active(self) -> bool:
        return bool(self.as_args())


@dataclass
class Page:
    items: Sequence[Row[Any]]
    total: int
    number: int
    size: int
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = last_page(self.total, self.size)


# Only what consultations/_macros.html shows, as plain rows: building ORM objects (a consultation,
# its city and its policy lead for each row) was most of a list's time in the profiles.
_LeadCity = aliased(City, name="lead_city")
_PolicyLead = aliased(User, name="policy_lead")
LIST_COLUMNS = (
    Consultation.id,
    Consultation.title,
    Consultation.issuing_organisation,
    Consultation.status,
    Consultation.closes_at,
    Consultation.internal_deadline,
    Consultation.lead_city_id,
    Consultation.policy_lead_id,
    _LeadCity.name.label("lead_city_name"),
    _PolicyLead.name.label("policy_lead_name"),
)
# Built once with the ids bound at each execution: building a statement and its cache key per
# request showed in the profiles.
def with_list_names(stmt: Select) -> Select:
    """``stmt`` (selecting LIST_COLUMNS from consultations) joined to the lead city's and the
    policy lead's names."""
    return (stmt.outerjoin(_LeadCity, _LeadCity.id == Consultation.lead_city_id)
            .outerjoin(_PolicyLead, _PolicyLead.id == Consultation.policy_lead_id))


_LIST_ROWS = with_list_names(select(*LIST_COLUMNS)).where(Consultation.id.in_(bindparam("ids", expanding=True)))


def _like_pattern(text: str) -> str:
    """``text`` matched anywhere, its own % and _ meaning themselves (the escape character is /)."""
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


# SQLite's list search index is of trigrams: shorter words cannot be looked up in it (and match
# so much that reading the table is as quick).
TRIGRAM = 3
_LIST_SEARCH_MATCHES = text(
    "SELECT rowid FROM consultation_fts WHERE consultation_fts MATCH :q_match"
).columns(column("rowid", Integer))
assert LIST_SEARCH_FTS_TABLE == "consultation_fts"


def _filtering(filters: ListFilters, now: datetime) -> tuple[tuple[str, ...], dict[str, Any]]:
    """Which conditions the filters make (the statement's shape) and their values."""
    shape: list[str] = []
    params: dict[str, Any] = {"now": now}
    if filters.mine and filters.me is not None:
        part, values = mywork.shape(filters.mine, filters.me)
        shape.append(part)
        params.update(values)
    if filters.status == OPEN_FILTER:
        shape.append("open statuses")
    elif filters.status:
        shape.append("status")
        params["status"] = filters.status
    if filters.work_area_id:
        shape.append("work area")
        params["work_area_id"] = filters.work_area_id
    if filters.city_id:
        shape.append("city")
        params["city_id"] = filters.city_id
    if filters.window:
        shape.append(f"closing {filters.window}")
        if filters.window in ("7", "14", "30"):
            params["until"] = end_of_uk_day(uk_today(now) + timedelta(days=int(filters.window)))
        elif filters.window == "overdue":
            params["today"] = uk_today(now)
        elif filters.window not in ("open", "closed"):
            raise ValueError(filters.window)
    if filters.q:
        if len(filters.q) >= TRIGRAM and db.engine.dialect.name == "sqlite":
            # A phrase of the FTS5 trigram index: the words as typed, anywhere in either column.
            shape.append("words indexed")
            params["q_match"] = '"' + filters.q.replace('"', '""') + '"'
        else:
            shape.append("words")
            params["q"] = _like_pattern(filters.q)
    return tuple(shape), params


def _conditions(shape: tuple[str, ...]) -> list[ColumnElement[bool]]:
    """The conditions of a shape, their values bound when the statement runs."""
    conditions: list[ColumnElement[bool]] = []
    for part in shape:
        mine = mywork.conditions(part)
        if mine is not None:
            conditions += mine
        elif part == "open statuses":
            conditions.append(Consultation.status.in_([s.value for s in OPEN_STATUSES]))
        elif part == "status":
            conditions.append(Consultation.status == bindparam("status"))
        elif part == "work area":
            conditions.append(Consultation.work_area_id == bindparam("work_area_id"))
        elif part == "city":
            conditions.append(Consultation.lead_city_id == bindparam("city_id"))
        elif part in ("closing 7", "closing 14", "closing 30"):
            conditions += [Consultation.closes_at >= bindparam("now"), Consultation.closes_at <= bindparam("until")]
        elif part == "closing open":
            conditions.append(Consultation.closes_at >= bindparam("now"))
        elif part == "closing closed":
            conditions.append(Consultation.closes_at < bindparam("now"))
        elif part == "closing overdue":
            conditions += [Consultation.internal_deadline.is_not(None),
                           Consultation.internal_deadline < bindparam("today"),
                           Consultation.status.in_([s.value for s in OVERDUE_STATUSES])]
        elif part == "words":
            conditions.append(or_(Consultation.title.icontains(bindparam("q"), escape="/"),
                                  Consultation.issuing_organisation.icontains(bindparam("q"), escape="/")))
        elif part == "words indexed":
            conditions.append(Consultation.id.in_(_LIST_SEARCH_MATCHES))
    return conditions


def matching(filters: ListFilters) -> tuple[list[ColumnElement[bool]], dict[str, Any]]:
    """The list's conditions for these filters and the values they are bound with: what the
    list's downloads pick (reports/rows.py), the same consultations as the list's pages."""
    shape, params = _filtering(filters, utcnow())
    return _conditions(shape), params


# A page's statement for each shape of filters and each end the closed ones are read from,
# built once: building it per request showed in the list's profile.
_page_statements: dict[tuple[tuple[str, ...], bool], Any] = {}


def _page_statement(shape: tuple[str, ...], from_oldest: bool) -> Any:
    key = (shape, from_oldest)
    stmt = _page_statements.get(key)
    if stmt is None:
        # Two columns, not the model's all: less for the subqueries' column collections.
        base = select(Consultation.id, Consultation.closes_at).where(*_conditions(shape))
        still_open = (base.where(Consultation.closes_at >= bindparam("now"))
                      .order_by(Consultation.closes_at.asc(), Consultation.id.asc())
                      .limit(bindparam("open_limit")).offset(bindparam("open_offset")).subquery())
        closed_order = ((Consultation.closes_at.asc(), Consultation.id.desc()) if from_oldest
                        else (Consultation.closes_at.desc(), Consultation.id.asc()))
        closed = (base.where(Consultation.closes_at < bindparam("now"))
                  .order_by(*closed_order)
                  .limit(bindparam("closed_limit")).offset(bindparam("closed_offset")).subquery())
        # One statement whatever the page (a half may be empty), the halves in order.
        both = union_all(
            select(still_open.c.id, literal(0).label("half"), still_open.c.closes_at),
            select(closed.c.id, literal(1).label("half"), closed.c.closes_at),
        ).subquery()
        stmt = _page_statements[key] = select(both.c.id).order_by(
            both.c.half,
            case((both.c.half == 0, both.c.closes_at)).asc(),
            case((both.c.half == 1, both.c.closes_at)).desc(),
            both.c.id,
        )
    return stmt


def _page_ids(shape: tuple[str, ...], params: dict[str, Any], open_count: int, closed_count: int,
              offset: int, size: int) -> list[int]:
    """One page's ids in the list's order: what is still to close first, the next to close at
    the top; then the closed ones, newest first (years of closed consultations must not push
    this week's off page one).

    Each half is its own range of the closing-date index (ascending, then descending), read
    only as far as the page needs, and the page takes from one or both: an ordering by an
    expression ("closed or not") would make the database sort every matching row."""
    take_open = max(0, min(size, open_count - offset))
    take_closed = size - take_open
    closed_offset = max(0, offset - open_count)
    remaining = closed_count - closed_offset  # closed ones from this page's first to the oldest
    # A page in the older half is read from the oldest end, so no page skips more than half the
    # closed ones (the last page skips none); the outer order puts its rows back.
    from_oldest = closed_offset > remaining
    if from_oldest:
        take_closed = min(take_closed, max(0, remaining))
        closed_offset = max(0, remaining - take_closed)
    return list(db.session.scalars(_page_statement(shape, from_oldest), {
        **params, "open_limit": take_open, "open_offset": offset,
        "closed_limit": take_closed, "closed_offset": closed_offset,
    }))


def list_consultations(filters: ListFilters, page: int, page_size: int) -> Page:
    """One page of consultations: a count of the open and all, the page's ids, its rows."""
    now = utcnow()
    shape, params = _filtering(filters, now)

    def count() -> tuple[int, int]:
        matching = select(Consultation.closes_at).where(*_conditions(shape)).subquery()
        total, still_open = db.session.execute(
            select(func.count(), func.count().filter(matching.c.closes_at >= bindparam("now"))).select_from(matching),
            params,
        ).one()
        return int(total), int(still_open)

    total, open_count = list_counts.counts(astuple(filters), count)
    page = bounded(page, total, page_size)
    ids = _page_ids(shape, params, open_count, total - open_count, (page - 1) * page_size, page_size)
    return Page(items=_in_order(ids), total=total, number=page, size=page_size)


def cities() -> Sequence[City]:
    return db.session.scalars(select(City).order_by(City.name)).all()


def work_areas() -> Sequence[WorkArea]:
    return db.session.scalars(
        select(WorkArea).options(joinedload(WorkArea.lead_city)).order_by(WorkArea.name)
    ).all()


_kind: ColumnClause[str] = literal_column("kind")
_FILTER_CHOICES = union_all(
    select(literal("area").label("kind"), WorkArea.id, WorkArea.name),
    select(literal("city").label("kind"), City.id, City.name),
).order_by(_kind, literal_column("name"))


def filter_choices() -> tuple[list[Row[Any]], list[Row[Any]]]:
    """(work areas, cities) as (id, name) rows for the list's filters, in one query (built once):
    no ORM objects, no lead cities."""
    rows = db.session.execute(_FILTER_CHOICES).all()
    return [r for r in rows if r.kind == "area"], [r for r in rows if r.kind == "city"]


def policy_leads(city_id: int | None = None) -> Sequence[User]:
    stmt = select(User).where(User.role == Role.POLICY_LEAD.value, User.is_enabled.is_(True))
    if city_id is not None:
        stmt = stmt.where(User.city_id == city_id)
    return db.session.scalars(stmt.options(joinedload(User.city)).order_by(User.name)).all()


# Built once: loader options are immutable, and building them for every query showed in profiles.
PAGE_OPTIONS = (
    joinedload(Consultation.work_area).joinedload(WorkArea.lead_city),
    joinedload(Consultation.lead_city),
    joinedload(Consultation.policy_lead).joinedload(User.city),
    joinedload(Consultation.created_by),
    # The intake panel's item in the same statement: each statement is a round trip to PostgreSQL.
    joinedload(Consultation.intake_item).joinedload(IntakeItem.suggested_work_area),
)
# Who made each change is shown by name and city: their other columns are many on PostgreSQL's wire.
_HISTORY_OPTIONS = (joinedload(ActivityLog.actor).load_only(User.id, User.name, User.city_id)
                    .joinedload(User.city).load_only(City.id, City.name))


# The pages' statements are built once, their values bound at each execution (see _LIST_ROWS).
_CONSULTATION = select(Consultation).where(Consultation.id == bindparam("id")).options(*PAGE_OPTIONS)
_HISTORY = (
    select(ActivityLog)
    .where(ActivityLog.consultation_id == bindparam("id"))
    .options(_HISTORY_OPTIONS)
    .order_by(ActivityLog.created_at.desc(), ActivityLog.id.desc())
)


def get_consultation(consultation_id: int) -> Consultation | None:
    return db.session.scalar(_CONSULTATION, {"id": consultation_id})


def history(consultation_id: int) -> Sequence[ActivityLog]:
    """The activity log of a consultation, newest first, with the actors in the same query."""
    return db.session.scalars(_HISTORY, {"id": consultation_id}).all()


def _in_order(ids: Sequence[int]) -> list[Row[Any]]:
    """What the list shows of the consultations with these ids, in this order."""
    # Always the query, even for no ids: a page's query count must not depend on the data.
    rows = {row.id: row for row in db.session.execute(_LIST_ROWS, {"ids": list(ids)})}
    return [rows[i] for i in ids if i in rows]
