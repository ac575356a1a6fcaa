"""The reminder sweep: who is told what, when (the rules themselves are in rules.py).

The sweep is a query, not a schedule: whatever is due now (from the data) and
has no reminder row yet gets one, so catch-up after downtime, changed deadlines
and concurrent sweeps all come out right. Flushes, never commits: the task
commits and the sends are queued after the commit (outbox.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, or_, select, update

from tracker.extensions import db, dialect_insert, rowcount, table_of
from tracker.models import OPEN_STATUSES, Consultation, Role, User
from tracker.models.drafts import Contributor, Response
from tracker.models.reminders import BEFORE_POINTS, Delivery, DigestRun, Notification, Reminder, State
from tracker.reminders import rules
from tracker.reminders.outbox import DIGEST, SEND, queue_after_commit
from tracker.reminders.preferences import Effective, all_preferences
from tracker.timeutil import add_working_days, to_uk, uk_today, utcnow

# A due point found by the sweep: (the consultation's row, kind, deadline).
Point = tuple[Row[Any], str, date]


@dataclass
class SweepResult:
    candidates: int = 0
    created: int = 0
    queued: list[int] = field(default_factory=list)
    digests: list[int] = field(default_factory=list)
    requeued: int = 0
    stuck: int = 0  # interrupted sends: put back in the queue, failed or uncertain
    uncertain: int = 0
    missed: list[int] = field(default_factory=list)


def _candidate_filter(now: datetime, today: date) -> ColumnElement[bool]:
    horizon = add_working_days(today, max(BEFORE_POINTS.values()) + 1)
    return and_(
        Consultation.status.in_([s.value for s in OPEN_STATUSES]),
        Consultation.closes_at > now,
        or_(Consultation.internal_deadline <= horizon, Consultation.closes_at <= now + rules.CLOSING_SOON),
    )


def _contributors(consultation_ids: list[int]) -> dict[int, set[int]]:
    """consultation id -> contributor user ids (one query)."""
    if not consultation_ids:
        return {}
    result: dict[int, set[int]] = {}
    rows = db.session.execute(
        select(Response.consultation_id, Contributor.user_id)
        .join(Contributor, Contributor.response_id == Response.id)
        .join(User, User.id == Contributor.user_id)
        .where(User.is_enabled.is_(True))
        .where(Response.consultation_id.in_(select(Consultation.id).where(Consultation.id.in_(consultation_ids))))
    )
    for consultation_id, user_id in rows:
        result.setdefault(consultation_id, set()).add(user_id)
    return result


def sweep(now: datetime | None = None) -> SweepResult:
    """Insert every reminder that is due and missing; queue the sends after commit."""
    from tracker.consultations.services import mark_missed_consultations

    now = now or utcnow()
    today = uk_today(now)
    result = SweepResult()
    # Closed-and-unsubmitted work becomes missed first, so it gets no reminders.
    result.missed = mark_missed_consultations(now)

    # 1. What is due: one query over the open consultations near a deadline.
    rows = db.session.execute(
        select(
            Consultation.id,
            Consultation.title,
            Consultation.status,
            Consultation.internal_deadline,
            Consultation.closes_at,
            Consultation.policy_lead_id,
            Consultation.lead_city_id,
        ).where(_candidate_filter(now, today))
    ).all()
    result.candidates = len(rows)

    people_due: list[Point] = []
    coord_due: list[Point] = []
    for row in rows:
        people, coords = rules.due_points(
            status=row.status,
            internal_deadline=row.internal_deadline,
            closes_at=row.closes_at,
            now=now,
            today=today,
        )
        people_due.extend((row, kind, d) for kind, d in people)
        coord_due.extend((row, kind, d) for kind, d in coords)

    if people_due or coord_due:
        _create_due(result, people_due, coord_due, now)
    _recover(result, now)
    _start_digests(result, now, today)
    return result


def _create_due(
    result: SweepResult,
    people_due: list[Point],
    coord_due: list[Point],
    now: datetime,
) -> None:
    today = uk_today(now)
    # 2. Who: every enabled policy lead of the cities concerned, contributors, coordinators.
    city_ids = {row.lead_city_id for row, _, _ in people_due if row.lead_city_id}
    leads_by_city: dict[int, set[int]] = {}
    enabled: set[int] = set()
    if city_ids:
        for user_id, city_id in db.session.execute(
            select(User.id, User.city_id).where(
                User.role == Role.POLICY_LEAD.value, User.is_enabled.is_(True), User.city_id.in_(city_ids)
            )
        ):
            leads_by_city.setdefault(city_id, set()).add(user_id)
            enabled.add(user_id)
    contributors = _contributors(sorted({row.id for row, _, _ in people_due}))
    coordinators: set[int] = set()
    if coord_due:
        coordinators = set(
            db.session.scalars(
                select(User.id).where(User.role == Role.COORDINATOR.value, User.is_enabled.is_(True))
            )
        )
    defaults, own = all_preferences()
    # A named policy lead who has moved city or been disabled still counts only if enabled.
    named_leads = {row.policy_lead_id for row, _, _ in people_due if row.policy_lead_id}
    if named_leads - enabled:
        enabled |= set(
            db.session.scalars(select(User.id).where(User.id.in_(named_leads - enabled), User.is_enabled.is_(True)))
        )

    def prefs(uid: int) -> Effective:
        return own.get(uid, defaults)

    # 3. The rows that should exist.
    wanted: dict[tuple[int, int, str, date], tuple[Row[Any], str]] = {}

    def want(row: Row[Any], uid: int, kind: str, deadline: date, *, escalation: bool) -> None:
        p = prefs(uid)
        if not escalation and kind not in p.points:
            return
        key = (row.id, uid, kind, deadline)
        if key not in wanted:
            wanted[key] = (row, p.delivery)

    for row, kind, deadline in people_due:
        recipients = set(leads_by_city.get(row.lead_city_id, set()))
        if row.policy_lead_id in enabled:
            recipients.add(row.policy_lead_id)
        recipients |= contributors.get(row.id, set())
        for uid in recipients:
            want(row, uid, kind, deadline, escalation=False)
    for row, kind, deadline in coord_due:
        for uid in coordinators:
            want(row, uid, kind, deadline, escalation=True)
    if not wanted:
        return

    # 4. Drop what exists already (one query), then insert-unless-exists: the unique index
    # settles a race with another sweep, and only the winner gets the id back. Superseded rows
    # do not count (see supersede_other_dates), so a date told again after another is planned again.
    # The same filter as the candidates query, so this is one query whatever the data size.
    existing = {
        tuple(r)
        for r in db.session.execute(
            select(Reminder.consultation_id, Reminder.recipient_id, Reminder.kind, Reminder.deadline)
            .join(Consultation, Consultation.id == Reminder.consultation_id)
            .where(_candidate_filter(now, today), Reminder.deadline.is_not(None), Reminder.superseded_at.is_(None))
        )
    }
    subjects: dict[tuple[int, str, date], str] = {}
    missing = []
    for key, (row, delivery) in wanted.items():
        if key in existing:
            continue
        consultation_id, uid, kind, deadline = key
        subject = subjects.get((consultation_id, kind, deadline))
        if subject is None:
            subject = subjects[(consultation_id, kind, deadline)] = rules.subject(kind, row.title, deadline, today)
        missing.append({
            "consultation_id": consultation_id,
            "recipient_id": uid,
            "kind": kind,
            "deadline": deadline,
            "subject": subject,
            "body": "",
            "delivery": delivery,
            "state": State.SKIPPED.value if delivery == Delivery.NONE else State.PENDING.value,
            "attempts": 0,
            "last_error": "",
            "created_at": now,
            "queued_at": now,
        })
    if not missing:
        return
    table = table_of(Reminder)
    stmt = (
        dialect_insert(Reminder)
        .on_conflict_do_nothing(index_elements=["consultation_id", "recipient_id", "kind", "deadline"],
                                index_where=table.c.superseded_at.is_(None))
        .returning(table.c.id, table.c.recipient_id, table.c.consultation_id, table.c.kind,
                   table.c.subject, table.c.delivery)
    )
    inserted = db.session.execute(stmt, missing).all()
    result.created = len(inserted)
    if not inserted:
        return
    db.session.execute(
        table_of(Notification).insert(),
        [
            {
                "user_id": r.recipient_id,
                "consultation_id": r.consultation_id,
                "reminder_id": r.id,
                "kind": r.kind,
                "subject": r.subject,
                "body": "",
                "created_at": now,
            }
            for r in inserted
        ],
    )
    result.queued = [r.id for r in inserted if r.delivery == Delivery.IMMEDIATE]
    queue_after_commit(db.session(), result.queued, SEND)


def _recover(result: SweepResult, now: datetime) -> None:
    from tracker.reminders.recovery import recover

    out = recover(now)
    result.requeued = out.requeued + out.digests_requeued
    result.stuck = len(out.retried) + out.gave_up + out.uncertain + out.digests_retried + out.digests_uncertain
    result.uncertain = out.uncertain + out.digests_uncertain


def _start_digests(result: SweepResult, now: datetime, today: date) -> None:
    """One digest per user per UK day, once their digest time has passed."""
    waiting = list(
        db.session.scalars(
            select(Reminder.recipient_id)
            .where(Reminder.state == State.PENDING.value, Reminder.delivery == Delivery.DIGEST.value)
            .distinct()
        )
    )
    if not waiting:
        return
    defaults, own = all_preferences()
    clock: time = to_uk(now).time()
    ready = [uid for uid in waiting if own.get(uid, defaults).digest_time <= clock]
    if not ready:
        return
    stmt = (
        dialect_insert(DigestRun)
        .on_conflict_do_nothing(index_elements=["user_id", "day"])
        .returning(table_of(DigestRun).c.id)
    )
    rows = db.session.execute(
        stmt,
        [
            {"user_id": uid, "day": today, "state": State.PENDING.value, "attempts": 0, "last_error": "",
             "created_at": now, "queued_at": now}
            for uid in ready
        ],
    ).all()
    result.digests = [r.id for r in rows]
    queue_after_commit(db.session(), result.digests, DIGEST)


def mark_all_read(user: User, now: datetime | None = None) -> int:
    res = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return rowcount(res)
