"""Reads of the reminders feature: dashboard panels and the sends that need a person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import url_for
from sqlalchemy import ColumnElement, Select, bindparam, exists, func, null, or_, select
from sqlalchemy.orm import joinedload, load_only

from tracker.extensions import db
from tracker.models import OPEN_STATUSES, City, Consultation, Status, User
from tracker.models.drafts import Contributor, Response, Submission
from tracker.models.messages import KIND_LABELS, Delivery, DigestRun, Message, Notification, State
from tracker.urls import action_path

STATE_LABELS: dict[str, tuple[str, str]] = {
    State.PENDING: ("Waiting", "govuk-tag--blue"),
    State.SENDING: ("Sending", "govuk-tag--yellow"),
    State.SENT: ("Sent", "govuk-tag--green"),
    State.FAILED: ("Failed", "govuk-tag--red"),
    State.UNCERTAIN: ("May not have been delivered", "govuk-tag--orange"),
    State.SKIPPED: ("Not sent", "govuk-tag--grey"),
}

# Sends a coordinator should look at: failed, or perhaps not delivered.
NEEDS_ATTENTION = (State.UNCERTAIN.value, State.FAILED.value)

# Plain rows of what the panel shows: ORM objects per row showed in the dashboard's profile.
_PANEL_ROWS = select(Consultation.id, Consultation.title, Consultation.status, Consultation.closes_at)


# The dashboard's statements are built once, their values bound at each execution: building a
# statement and its cache key per request showed in the profiles.
_RECENT = (
    select(Notification)
    .where(Notification.user_id == bindparam("user_id"))
    .order_by(Notification.created_at.desc(), Notification.id.desc())
    .limit(bindparam("limit"))
)


def recent_notifications(user: User, limit: int = 5) -> list[Notification]:
    return list(db.session.scalars(_RECENT, {"user_id": user.id, "limit": limit}))


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Notification).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    ) or 0


@dataclass(frozen=True)
class AttentionCounts:
    uncertain: int
    failed: int
    digests: int

    @property
    def total(self) -> int:
        return self.uncertain + self.failed + self.digests


def _attention_columns() -> list[Any]:
    def immediate(state: State) -> Any:
        return select(func.count()).select_from(Message).where(
            Message.state == state.value, Message.delivery == Delivery.IMMEDIATE.value).scalar_subquery()

    digests = select(func.count()).select_from(DigestRun).where(DigestRun.state.in_(NEEDS_ATTENTION))
    return [immediate(State.UNCERTAIN), immediate(State.FAILED), digests.scalar_subquery()]


_UNREAD = select(func.count()).select_from(Notification).where(
    Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None)).scalar_subquery()
_COUNTS = {False: select(_UNREAD), True: select(_UNREAD, *_attention_columns())}


def _panel_counts(user: User) -> tuple[int, AttentionCounts | None]:
    """The user's unread notifications and, for coordinators, the sends needing attention: one statement."""
    row = db.session.execute(_COUNTS[bool(user.is_coordinator)], {"user_id": user.id}).one()
    attention = AttentionCounts(*(int(n or 0) for n in row[1:])) if user.is_coordinator else None
    return int(row[0] or 0), attention


def attention_counts() -> AttentionCounts:
    """One query: immediate emails by state, and digests needing attention."""
    reminders = dict(
        db.session.execute(
            select(Message.state, func.count())
            .where(Message.state.in_(NEEDS_ATTENTION), Message.delivery == Delivery.IMMEDIATE.value)
            .group_by(Message.state)
        ).tuples().all()
    )
    digests = db.session.scalar(
        select(func.count()).select_from(DigestRun).where(DigestRun.state.in_(NEEDS_ATTENTION))
    ) or 0
    return AttentionCounts(reminders.get(State.UNCERTAIN.value, 0), reminders.get(State.FAILED.value, 0), digests)


def attention_reminders(state: str | None = None) -> Select[tuple[Message]]:
    """Immediate emails that failed or may not have been delivered, uncertain first, newest first."""
    states = [state] if state in NEEDS_ATTENTION else list(NEEDS_ATTENTION)
    return (
        select(Message)
        .options(joinedload(Message.consultation).load_only(Consultation.id, Consultation.title),
                 joinedload(Message.recipient))
        .where(Message.state.in_(states), Message.delivery == Delivery.IMMEDIATE.value)
        .order_by((Message.state == State.UNCERTAIN.value).desc(), Message.claimed_at.desc(), Message.id.desc())
    )


def attention_digests() -> Select[tuple[DigestRun]]:
    return (
        select(DigestRun)
        .options(joinedload(DigestRun.user))
        .where(DigestRun.state.in_(NEEDS_ATTENTION))
        .order_by((DigestRun.state == State.UNCERTAIN.value).desc(), DigestRun.day.desc(), DigestRun.id.desc())
    )


def digest_item_counts(run_ids: list[int]) -> dict[int, int]:
    if not run_ids:
        return {}
    rows = db.session.execute(
        select(Message.digest_run_id, func.count()).where(Message.digest_run_id.in_(run_ids))
        .group_by(Message.digest_run_id)
    ).tuples()
    return {run_id: count for run_id, count in rows if run_id is not None}


# --- What the pages show, with the wording decided here ----------------------------------------


def state_tag(state: str) -> dict[str, str]:
    """A reminder's or digest's state as govukTag's parameters."""
    label, classes = STATE_LABELS.get(state, (state, "govuk-tag--grey"))
    return {"text": label, "classes": classes}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def consultation_link(consultation_id: int | None) -> str | None:
    return url_for("consultations.detail", consultation_id=consultation_id) if consultation_id else None


def action_link(row: Any) -> str | None:
    """Where a notification or reminder opens: the page of its action (the response to review,
    the draft returned: its text's own link), else its consultation."""
    return action_path(getattr(row, "body", "") or "") or consultation_link(getattr(row, "consultation_id", None))


def rows_shown(rows: list[Any]) -> dict[int, dict[str, Any]]:
    """For a list page of reminders, notifications or digests: each row's state tag and link."""
    return {row.id: {"tag": state_tag(getattr(row, "state", "")), "url": action_link(row)} for row in rows}


# What the consultation page's panel shows of each reminder: not its email's subject and body.
_FOR_CONSULTATION = (
    select(Message)
    .options(load_only(Message.id, Message.created_at, Message.kind, Message.state, Message.recipient_id),
             joinedload(Message.recipient).load_only(User.id, User.name))
    .where(Message.consultation_id == bindparam("id"))
    .order_by(Message.created_at.desc(), Message.id.desc())
    .limit(bindparam("limit"))
)


def for_consultation(consultation: Consultation, limit: int = 50) -> list[Message]:
    return list(db.session.scalars(_FOR_CONSULTATION, {"id": consultation.id, "limit": limit}))


# Whether any message was sent about the consultation: a flag a page reads with the consultation
# (drafts.queries.page_statement); the panel reads the messages only then.
SENT = exists().where(Message.consultation_id == Consultation.id)


def consultation_panel(user: User, consultation: Consultation, sent: bool = True) -> dict[str, Any]:
    """The consultation's reminders, newest first (none read when the page knows none was ``sent``)."""
    return {
        "rows": [
            {"created_at": r.created_at, "kind": r.kind_label, "to": r.recipient.name, "tag": state_tag(r.state)}
            for r in (for_consultation(consultation) if sent else [])
        ]
    }


def dashboard_panel(user: User) -> dict[str, Any]:
    """The user's latest notifications and, for coordinators, the sends that need attention.
    (What closes soon without an approved response opens the dashboard: pages/dashboard.py.)"""
    notes = recent_notifications(user, 5)
    unread, attention = _panel_counts(user)
    return {
        "attention": None if attention is None or not attention.total else {
            "text": f"{attention.total} email{'s' if attention.total != 1 else ''} "
                    f"need{'s' if attention.total == 1 else ''} attention",
            "uncertain": (f" ({attention.uncertain} may not have been delivered)" if attention.uncertain else ""),
            "url": url_for("reminders.attention"),
        },
        "unread": unread,
        "notes": [
            {"subject": n.subject, "url": action_link(n), "created_at": n.created_at}
            for n in notes
        ],
        "notifications_url": url_for("reminders.notifications"),
        "preferences_url": url_for("reminders.preferences"),
    }


# --- The Monday briefing's lists (reminders/briefing.py decides who gets which) ---------------

BRIEFING_SECTION_LIMIT = 50
BRIEFING_CLOSING = timedelta(days=14)
# Past its internal deadline and not submitted; work in review is listed as waiting for review.
BRIEFING_OVERDUE = frozenset(OPEN_STATUSES - {Status.IN_REVIEW})


@dataclass(frozen=True)
class BriefingRow:
    id: int
    title: str
    status: str
    closes_at: datetime
    internal_deadline: date | None
    lead_city: str | None
    submitted_at: datetime | None


@dataclass(frozen=True)
class BriefingLists:
    closing: list[BriefingRow]
    overdue: list[BriefingRow]
    in_review: list[BriefingRow]
    submitted: list[BriefingRow]
    # How many each list has in all (each shows at most BRIEFING_SECTION_LIMIT).
    totals: dict[str, int]

    @property
    def empty(self) -> bool:
        return not any(self.totals.values())


def _briefing_rows(*where: ColumnElement[bool], order: Any, submitted: bool = False) -> Select[Any]:
    """One list: its rows, each with the list's total (a window count, so one statement a list)."""
    columns: list[Any] = [
        Consultation.id, Consultation.title, Consultation.status, Consultation.closes_at,
        Consultation.internal_deadline, City.name.label("lead_city"),
        (Submission.submitted_at if submitted else null()).label("submitted_at"),
        func.count().over().label("total"),
    ]
    stmt = select(*columns).outerjoin(City, City.id == Consultation.lead_city_id)
    if submitted:
        stmt = stmt.join(Submission, Submission.consultation_id == Consultation.id)
    return stmt.where(*where).order_by(*order, Consultation.id).limit(BRIEFING_SECTION_LIMIT)


def _scope(user_id: int, city_id: int | None) -> ColumnElement[bool]:
    """What a policy lead's briefing covers: work they lead, their city leads, or they contribute to."""
    contributes = (
        select(Contributor.id)
        .join(Response, Response.id == Contributor.response_id)
        .where(Response.consultation_id == Consultation.id, Contributor.user_id == user_id)
        .exists()
    )
    mine = [Consultation.policy_lead_id == user_id, contributes]
    if city_id is not None:
        mine.append(Consultation.lead_city_id == city_id)
    return or_(*mine)


def briefing_lists(*, user_id: int, city_id: int | None, network: bool, now: datetime, today: date,
                   last_week: tuple[datetime, datetime]) -> BriefingLists:
    """The four lists of one person's briefing: four statements whatever the data.

    ``network``: the whole network's lists (coordinators), else only the person's own work.
    ``last_week``: [start, end) of the previous ISO week, as UTC instants of UK midnights."""
    scope: tuple[ColumnElement[bool], ...] = () if network else (_scope(user_id, city_id),)
    open_statuses = [s.value for s in OPEN_STATUSES]
    statements = {
        "closing": _briefing_rows(
            Consultation.status.in_(open_statuses), Consultation.closes_at > now,
            Consultation.closes_at <= now + BRIEFING_CLOSING, *scope, order=[Consultation.closes_at]),
        "overdue": _briefing_rows(
            Consultation.status.in_([s.value for s in BRIEFING_OVERDUE]), Consultation.internal_deadline < today,
            *scope, order=[Consultation.internal_deadline, Consultation.closes_at]),
        "in_review": _briefing_rows(
            Consultation.status == Status.IN_REVIEW.value, *scope,
            order=[Consultation.internal_deadline, Consultation.closes_at]),
        "submitted": _briefing_rows(
            Submission.submitted_at >= last_week[0], Submission.submitted_at < last_week[1], *scope,
            order=[Submission.submitted_at], submitted=True),
    }
    lists: dict[str, list[BriefingRow]] = {}
    totals: dict[str, int] = {}
    for name, stmt in statements.items():
        rows = db.session.execute(stmt).all()
        lists[name] = [BriefingRow(r.id, r.title, r.status, r.closes_at, r.internal_deadline, r.lead_city,
                                   r.submitted_at) for r in rows]
        totals[name] = int(rows[0].total) if rows else 0
    return BriefingLists(totals=totals, **lists)
