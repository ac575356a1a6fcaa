"""The reminder sweep and the rules about who is told what, when.

The sweep is a query, not a schedule: whatever is due now (from the data) and
has no reminder row yet gets one, so catch-up after downtime, changed deadlines
and concurrent sweeps all come out right. Flushes, never commits: the task
commits and the sends are queued after the commit (outbox.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from tracker.extensions import db
from tracker.mail import header_text
from tracker.models import OPEN_STATUSES, Consultation, Role, Status, User
from tracker.models.reminders import (
    BEFORE_POINTS,
    Delivery,
    DigestRun,
    Kind,
    Notification,
    Reminder,
    State,
)
from tracker.reminders.outbox import DIGEST, SEND, queue_after_commit
from tracker.reminders.preferences import Effective, all_preferences
from tracker.timeutil import (
    add_working_days,
    to_uk,
    uk_today,
    utcnow,
    working_days_before,
    working_days_between,
)

# Work that is past its internal deadline and not yet in review escalates.
NOT_YET_IN_REVIEW = frozenset({Status.TRIAGED, Status.ASSIGNED, Status.DRAFTING})
# "No approved draft": open and not approved.
NOT_APPROVED = frozenset(OPEN_STATUSES - {Status.APPROVED})
CLOSING_SOON = timedelta(days=3)

REMINDER_KINDS = frozenset(
    {Kind.BEFORE_14, Kind.BEFORE_7, Kind.BEFORE_3, Kind.BEFORE_1, Kind.CLOSING_DAY, Kind.OVERDUE}
)
# Which date a point is about: the closing day, or else the internal deadline.
CLOSING_DATE_KINDS = frozenset({Kind.CLOSING_DAY.value, Kind.ESCALATION_CLOSING.value})
DATED_KINDS = frozenset({k.value for k in REMINDER_KINDS} | {Kind.ESCALATION_OVERDUE.value,
                                                            Kind.ESCALATION_CLOSING.value})
REPLANNED = "Not sent: a later reminder named another date."


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


@dataclass(frozen=True)
class Due:
    consultation_id: int
    kind: str
    deadline: date
    title: str


def _dialect_insert(table):  # type: ignore[no-untyped-def]
    if db.session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def latest_before_point(deadline: date, today: date) -> str | None:
    """The most recent 'N working days before' point that has fallen due by today.

    Only the latest one: after a long outage nobody wants the 14-day reminder
    alongside the 3-day one.
    """
    if today > deadline:
        return None
    latest: str | None = None
    for kind, n in BEFORE_POINTS.items():  # 14, 7, 3, 1: later points overwrite
        if working_days_before(deadline, n) <= today:
            latest = kind
    return latest


def due_points(
    *,
    status: str,
    internal_deadline: date | None,
    closes_at: datetime,
    now: datetime,
    today: date,
) -> tuple[list[tuple[str, date]], list[tuple[str, date]]]:
    """(points for the consultation's people, escalations for coordinators), each (kind, deadline)."""
    people: list[tuple[str, date]] = []
    coordinators: list[tuple[str, date]] = []
    if status not in OPEN_STATUSES:
        return people, coordinators
    close_day = to_uk(closes_at).date()
    if internal_deadline is not None:
        kind = latest_before_point(internal_deadline, today)
        if kind is not None:
            people.append((kind, internal_deadline))
        if today > internal_deadline and status in NOT_YET_IN_REVIEW:
            people.append((Kind.OVERDUE.value, internal_deadline))
            coordinators.append((Kind.ESCALATION_OVERDUE.value, internal_deadline))
    if close_day == today and closes_at > now:
        people.append((Kind.CLOSING_DAY.value, close_day))
    if status in NOT_APPROVED and now < closes_at <= now + CLOSING_SOON:
        coordinators.append((Kind.ESCALATION_CLOSING.value, close_day))
    return people, coordinators


def _subject(kind: str, title: str, deadline: date, today: date) -> str:
    title = header_text(title, limit=10_000)  # a title holding CR/LF must not break the email's header
    short = title if len(title) <= 120 else title[:117] + "…"
    when = f"{deadline:%A %-d %B %Y}"
    if kind in BEFORE_POINTS:
        # Say how far off it really is today (a caught-up reminder may be a day late).
        left = working_days_between(today, deadline)
        if left <= 0:
            text = f"Internal deadline today ({when})"
        elif left == 1:
            text = f"Internal deadline next working day ({when})"
        else:
            text = f"Internal deadline in {left} working days ({when})"
    else:
        text = {
            Kind.CLOSING_DAY: "Government consultation closes today",
            Kind.OVERDUE: f"Internal deadline passed ({when})",
            Kind.ESCALATION_OVERDUE: f"Escalation: past its internal deadline ({when}) and not in review",
            Kind.ESCALATION_CLOSING: f"Escalation: closes {when} with no approved response",
        }.get(kind, "Reminder")
    return f"{text}: {short}"[:300]


def _candidate_filter(now: datetime, today: date):  # type: ignore[no-untyped-def]
    horizon = add_working_days(today, max(BEFORE_POINTS.values()) + 1)
    return and_(
        Consultation.status.in_([s.value for s in OPEN_STATUSES]),
        Consultation.closes_at > now,
        or_(Consultation.internal_deadline <= horizon, Consultation.closes_at <= now + CLOSING_SOON),
    )


def _contributors(consultation_ids: list[int]) -> dict[int, set[int]]:
    """consultation id -> contributor user ids, if the drafts feature is installed (one query)."""
    try:
        from tracker.models.drafts import Contributor, Response
    except ImportError:
        return {}
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

    people_due: list[tuple[object, str, date]] = []
    coord_due: list[tuple[object, str, date]] = []
    for row in rows:
        people, coords = due_points(
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
    people_due: list[tuple[object, str, date]],
    coord_due: list[tuple[object, str, date]],
    now: datetime,
) -> None:
    today = uk_today(now)
    # 2. Who: every enabled policy lead of the cities concerned, contributors, coordinators.
    city_ids = {row.lead_city_id for row, _, _ in people_due if row.lead_city_id}  # type: ignore[attr-defined]
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
    contributors = _contributors(sorted({row.id for row, _, _ in people_due}))  # type: ignore[attr-defined]
    coordinators: set[int] = set()
    if coord_due:
        coordinators = set(
            db.session.scalars(
                select(User.id).where(User.role == Role.COORDINATOR.value, User.is_enabled.is_(True))
            )
        )
    defaults, own = all_preferences()
    # A named policy lead who has moved city or been disabled still counts only if enabled.
    named_leads = {row.policy_lead_id for row, _, _ in people_due if row.policy_lead_id}  # type: ignore[attr-defined]
    if named_leads - enabled:
        enabled |= set(
            db.session.scalars(select(User.id).where(User.id.in_(named_leads - enabled), User.is_enabled.is_(True)))
        )

    def prefs(uid: int) -> Effective:
        return own.get(uid, defaults)

    # 3. The rows that should exist.
    wanted: dict[tuple[int, int, str, date], tuple[object, str]] = {}

    def want(row: object, uid: int, kind: str, deadline: date, *, escalation: bool) -> None:
        p = prefs(uid)
        if not escalation and kind not in p.points:
            return
        key = (row.id, uid, kind, deadline)  # type: ignore[attr-defined]
        if key not in wanted:
            wanted[key] = (row, p.delivery)

    for row, kind, deadline in people_due:
        recipients = set(leads_by_city.get(row.lead_city_id, set()))  # type: ignore[attr-defined]
        if row.policy_lead_id in enabled:  # type: ignore[attr-defined]
            recipients.add(row.policy_lead_id)  # type: ignore[attr-defined]
        recipients |= contributors.get(row.id, set())  # type: ignore[attr-defined]
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
            subject = subjects[(consultation_id, kind, deadline)] = _subject(kind, row.title, deadline, today)  # type: ignore[attr-defined]
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
    table = Reminder.__table__
    stmt = (
        _dialect_insert(table)
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
        Notification.__table__.insert(),
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


def supersede_other_dates(sent: list[tuple[int, int, str, date]], now: datetime) -> None:
    """A reminder naming date D went to a person: their reminders of the same consultation about
    another date (of the same kind of deadline) stop counting, and any still waiting are not sent.

    So when the deadline moves back to a date they were reminded of before, they are reminded
    again (the last email they had named the other date); and a row that never went out changes
    nothing (skipped rows are superseded when skipped). Flushes; the caller commits."""
    for consultation_id, recipient_id, kind, deadline in sent:
        if deadline is None or consultation_id is None:
            continue
        family = CLOSING_DATE_KINDS if kind in CLOSING_DATE_KINDS else DATED_KINDS - CLOSING_DATE_KINDS
        others = (
            Reminder.consultation_id == consultation_id,
            Reminder.recipient_id == recipient_id,
            Reminder.kind.in_(family),
            Reminder.deadline != deadline,
            Reminder.superseded_at.is_(None),
        )
        db.session.execute(
            update(Reminder).where(*others, Reminder.state == State.PENDING.value)
            .values(state=State.SKIPPED.value, last_error=REPLANNED)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            update(Reminder).where(*others).values(superseded_at=now)
            .execution_options(synchronize_session=False)
        )


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
        _dialect_insert(DigestRun.__table__)
        .on_conflict_do_nothing(index_elements=["user_id", "day"])
        .returning(DigestRun.__table__.c.id)
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
    return res.rowcount or 0
