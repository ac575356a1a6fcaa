"""The consultation lists and counts the dashboard shows: a few of each, in one statement.

Every function issues a fixed number of SQL statements whatever the data size.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, Select, bindparam, false, func, literal, or_, select, union_all

from tracker.consultations import counts as list_counts
from tracker.consultations.queries import LIST_COLUMNS, OVERDUE_STATUSES, with_list_names
from tracker.extensions import db
from tracker.models import ACTIVE_WORK_STATUSES, OPEN_STATUSES, Consultation, Status, User
from tracker.timeutil import end_of_uk_day, uk_today, utcnow

UNASSIGNED_STATUSES = frozenset({Status.NEW, Status.TRIAGED})
# Dashboard sections show the first few and link to the filtered list for the rest.
DASHBOARD_LIMIT = 10


def counts_by_status() -> dict[Status, int]:
    def count() -> dict[Status, int]:
        rows = db.session.execute(
            select(Consultation.status, func.count()).group_by(Consultation.status)
        ).all()
        by_status = {s: 0 for s in Status}
        for status, n in rows:
            by_status[Status(status)] = n
        return by_status

    return dict(list_counts.counts("by status", count))


@dataclass(frozen=True)
class ShortList:
    """A dashboard list: which consultations and in which order (ascending columns; the id breaks
    ties), as a statement with bound parameters, built once per ``key`` by ``build`` and executed
    with ``params``."""

    key: str
    build: Callable[[], tuple[Select, tuple[Any, ...]]]
    params: dict[str, Any]


# The UNION ALL statement of each combination of lists, built once: building it (and its cache
# key) on every request showed in the dashboard's profile.
_short_list_statements: dict[tuple[Hashable, ...], Any] = {}


def _short_list_statement(lists: Sequence[ShortList], limit: int) -> Any:
    key = (*(short.key for short in lists), limit)
    stmt = _short_list_statements.get(key)
    if stmt is None:
        parts = []
        for n, short in enumerate(lists):
            where, order = short.build()
            columns = (*order, Consultation.id)
            picked = where.with_only_columns(*columns).order_by(*columns).limit(limit).subquery()
            rank = func.row_number().over(order_by=[picked.c[c.key] for c in columns])
            parts.append(select(literal(n).label("part"), picked.c.id, rank.label("rank")))
        picked = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()
        # The few picked ids joined to what the tables show: the picks are cut to their limit
        # before the join, so the join reads only those rows.
        stmt = _short_list_statements[key] = with_list_names(
            select(picked.c.part, *LIST_COLUMNS).select_from(picked).join(Consultation, Consultation.id == picked.c.id)
        ).order_by(picked.c.part, picked.c.rank)
    return stmt


def short_lists(lists: Sequence[ShortList], limit: int = DASHBOARD_LIMIT) -> list[list[Row[Any]]]:
    """The first rows of several lists in one statement however many lists: a UNION ALL of
    narrow picks that use the indexes, each numbered in its own order, joined to what the tables
    show. Two queries a list cost a dashboard 6 of its 15."""
    params: dict[str, Any] = {}
    for short in lists:
        params.update(short.params)
    result: list[list[Row[Any]]] = [[] for _ in lists]
    for row in db.session.execute(_short_list_statement(lists, limit), params):
        result[row.part].append(row)
    return result


def _closing_within(key: str, statuses: frozenset[Status], days: int, now: datetime | None) -> ShortList:
    """In one of ``statuses``, closing between now and the end of the UK day ``days`` ahead."""
    now = now or utcnow()
    until = f"{key.replace(' ', '_')}_until_{days}"
    return ShortList(f"{key} {days}", lambda: (select(Consultation).where(
        Consultation.status.in_([s.value for s in statuses]),
        Consultation.closes_at >= bindparam("now"),
        Consultation.closes_at <= bindparam(until),
    ), (Consultation.closes_at,)), {"now": now, until: end_of_uk_day(uk_today(now) + timedelta(days=days))})


def closing_soon_list(days: int = 14, now: datetime | None = None) -> ShortList:
    return _closing_within("closing soon", frozenset(OPEN_STATUSES), days, now)


# No approved response yet: what the dashboard opens with when it closes soon.
NOT_APPROVED_STATUSES = frozenset(OPEN_STATUSES - {Status.APPROVED})
URGENT_DAYS = 7


def closing_unapproved_list(days: int = URGENT_DAYS, now: datetime | None = None) -> ShortList:
    """Still open, closing within ``days``, with no approved response yet: soonest first."""
    return _closing_within("closing unapproved", NOT_APPROVED_STATUSES, days, now)


def overdue_list(now: datetime | None = None) -> ShortList:
    return ShortList("overdue", lambda: (select(Consultation).where(
        Consultation.internal_deadline.is_not(None),
        Consultation.internal_deadline < bindparam("today"),
        Consultation.status.in_([s.value for s in OVERDUE_STATUSES]),
    ), (Consultation.internal_deadline,)), {"today": uk_today(now or utcnow())})


def unassigned_list(now: datetime | None = None) -> ShortList:
    """New (to triage) and triaged (to assign) consultations still open, next to close first."""
    return ShortList("unassigned", lambda: (select(Consultation).where(
        Consultation.status.in_([s.value for s in UNASSIGNED_STATUSES]),
        Consultation.closes_at >= bindparam("now"),
    ), (Consultation.closes_at,)), {"now": now or utcnow()})


_ACTIVE = [s.value for s in ACTIVE_WORK_STATUSES]
_BY_DEADLINE = (Consultation.internal_deadline, Consultation.closes_at)


def assignment_lists(user: User) -> tuple[ShortList, ShortList]:
    """A policy lead's active work: (assigned to them, the rest of their city's), by internal deadline."""
    mine = ShortList("mine", lambda: (select(Consultation).where(
        Consultation.policy_lead_id == bindparam("user_id"), Consultation.status.in_(_ACTIVE)), _BY_DEADLINE),
        {"user_id": user.id})
    # No city: an empty list, still picked in the same query (the page's query count stays fixed).
    has_city = user.city_id is not None
    others = ShortList("city's others" if has_city else "no city", lambda: (select(Consultation).where(
        Consultation.lead_city_id == bindparam("city_id") if has_city else false(),
        Consultation.status.in_(_ACTIVE),
        or_(Consultation.policy_lead_id.is_(None), Consultation.policy_lead_id != bindparam("user_id")),
    ), _BY_DEADLINE), {"user_id": user.id, **({"city_id": user.city_id} if has_city else {})})
    return mine, others


def open_closing_soon_list(now: datetime | None = None) -> ShortList:
    """What the network is responding to, next to close first (contributors' view)."""
    return ShortList("network open", lambda: (select(Consultation).where(
        Consultation.status.in_([s.value for s in OPEN_STATUSES - {Status.NEW}]),
        Consultation.closes_at >= bindparam("now"),
    ), (Consultation.closes_at,)), {"now": now or utcnow()})


def closing_soon(days: int = 14, now: datetime | None = None, limit: int = DASHBOARD_LIMIT) -> Sequence[Row[Any]]:
    return short_lists([closing_soon_list(days, now)], limit)[0]


def overdue(now: datetime | None = None, limit: int = DASHBOARD_LIMIT) -> Sequence[Row[Any]]:
    return short_lists([overdue_list(now)], limit)[0]


def unassigned(now: datetime | None = None, limit: int = DASHBOARD_LIMIT) -> Sequence[Row[Any]]:
    return short_lists([unassigned_list(now)], limit)[0]


def open_closing_soon(now: datetime | None = None, limit: int = DASHBOARD_LIMIT) -> Sequence[Row[Any]]:
    return short_lists([open_closing_soon_list(now)], limit)[0]
