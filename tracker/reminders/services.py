"""The reminder sweep: who is told what, when (the rules themselves are in rules.py).

The sweep is a query, not a schedule: whatever is due now (from the data) and
has no reminder row yet gets one, so catch-up after downtime, changed deadlines
and concurrent sweeps all come out right. Flushes, never commits: the task
commits and the sends are queued after the commit (outbox.py).

It works through the open consultations near a deadline in batches (REMINDER_SWEEP_BATCH_SIZE),
by keyset over the consultation id, with the same few statements per batch, each reading through
an index only the rows of that batch's consultations: its memory, and its time per consultation,
stay the same whatever the number of consultations. (One pass over every candidate at once held
all their rows in memory, close to 1 GB at 50,000, and compared them with every live reminder.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Row, Select, String, and_, cast, func, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import operators
from sqlalchemy.sql.expression import UnaryExpression

from tracker.errors import DomainError
from tracker.extensions import db, table_of
from tracker.messaging import preferences
from tracker.messaging.bulk import NewReminders, insert_new
from tracker.messaging.digest import start_digests
from tracker.messaging.outbox import SEND, queue_after_commit
from tracker.messaging.preferences import Effective, all_preferences
from tracker.messaging.recovery import recover
from tracker.models import OPEN_STATUSES, Consultation, Role, User
from tracker.models.drafts import Contributor, Response
from tracker.models.messages import BEFORE_POINTS, Message, ReminderPreference
from tracker.reminders import briefing, rules
from tracker.reminders.briefing import OFFERED_TO, offered
from tracker.timeutil import add_working_days, uk_today, utcnow

NOBODY: frozenset[int] = frozenset()


@dataclass
class SweepResult:
    candidates: int = 0
    batches: int = 0
    created: int = 0
    queued: list[int] = field(default_factory=list)
    digests: list[int] = field(default_factory=list)
    requeued: int = 0
    stuck: int = 0  # interrupted sends: put back in the queue, failed or uncertain
    uncertain: int = 0
    recorded: int = 0  # accepted by the mail server, recorded from their receipts
    missed: list[int] = field(default_factory=list)
    briefings: list[int] = field(default_factory=list)  # this week's Monday briefings, planned now


def _candidate_filter(now: datetime, today: date) -> ColumnElement[bool]:
    horizon = add_working_days(today, max(BEFORE_POINTS.values()) + 1)
    status: Any = Consultation.status
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite would otherwise read every open consultation through the status index and sort
        # them, batch after batch; "+status" leaves it the primary key, read once in order.
        status = UnaryExpression(table_of(Consultation).c.status, operator=operators.custom_op("+"), type_=String())
    return and_(
        status.in_([s.value for s in OPEN_STATUSES]),
        Consultation.closes_at > now,
        or_(Consultation.internal_deadline <= horizon, Consultation.closes_at <= now + rules.CLOSING_SOON),
    )


@dataclass
class _People:
    """Who may hear of a consultation's deadlines, and how: read once per sweep (the network's
    officers, a few hundred people, not a table that grows with the consultations)."""

    leads_by_city: dict[int, frozenset[int]]
    coordinators: frozenset[int]
    defaults: Effective
    own: dict[int, Effective]
    # Per kind of point, the users whose own choice about it differs from the network's.
    differ: dict[str, frozenset[int]]

    @classmethod
    def load(cls) -> _People:
        leads: dict[int, set[int]] = {}
        for user_id, city_id in db.session.execute(
            select(User.id, User.city_id).where(
                User.role == Role.POLICY_LEAD.value, User.is_enabled.is_(True), User.city_id.is_not(None)
            )
        ):
            leads.setdefault(city_id, set()).add(user_id)
        coordinators = frozenset(db.session.scalars(
            select(User.id).where(User.role == Role.COORDINATOR.value, User.is_enabled.is_(True))
        ))
        defaults, own = all_preferences()
        differ = {
            kind.value: frozenset(uid for uid, p in own.items() if (kind in p.points) != (kind in defaults.points))
            for kind in rules.REMINDER_KINDS
        }
        return cls({c: frozenset(u) for c, u in leads.items()}, coordinators, defaults, own, differ)

    def wanting(self, kind: str, people: frozenset[int]) -> frozenset[int]:
        """Those of ``people`` who want reminders of this kind."""
        if kind in self.defaults.points:
            return people - self.differ[kind]
        return people & self.differ[kind]

    def delivery(self, user_id: int) -> str:
        return self.own.get(user_id, self.defaults).delivery


def sweep(now: datetime | None = None, *, batch_size: int | None = None) -> SweepResult:
    """Insert every reminder that is due and missing; queue the sends after commit.

    ``batch_size``: consultations per batch (default: the REMINDER_SWEEP_BATCH_SIZE setting).
    """
    from tracker.consultations.services import mark_missed_consultations

    now = now or utcnow()
    today = uk_today(now)
    size = max(1, batch_size or int(current_app.config["REMINDER_SWEEP_BATCH_SIZE"]))
    result = SweepResult()
    # Closed-and-unsubmitted work becomes missed first, so it gets no reminders.
    result.missed = mark_missed_consultations(now)

    people: _People | None = None
    query = _candidates(now, today, size)
    after = 0
    while True:
        rows = db.session.execute(query.where(Consultation.id > after)).all()
        if not rows:
            break
        result.candidates += len(rows)
        result.batches += 1
        people = people or _People.load()
        _plan_batch(result, rows, people, now, today)
        if len(rows) < size:
            break
        after = rows[-1].id
    from tracker.policy import followups  # the engagement log's follow-ups: a kind of their own

    created, queued = followups.plan(now, today)
    result.created, result.queued = result.created + created, [*result.queued, *queued]
    from tracker.evidence import reminders as evidence  # cities asked for evidence: a kind of their own

    created, queued = evidence.plan(now, today)
    result.created, result.queued = result.created + created, [*result.queued, *queued]
    from tracker.alerts import scan as alerts  # saved searches' new matches, followed changes

    alerts.plan(now)
    _recover(result, now)
    result.digests = start_digests(now, today, (people.defaults, people.own) if people else None)
    result.briefings = briefing.plan(now)
    return result


def _candidates(now: datetime, today: date, size: int) -> Select[Any]:
    """One batch of the open consultations near a deadline, in id order (add ``id > after``)."""
    lead = aliased(User)
    # Each candidate's enabled contributors, as "3,17,42": looked up per consultation through the
    # indexes. A join over the batch's ids let PostgreSQL hash the whole contributor table instead,
    # once per batch.
    contributors = (
        select(func.aggregate_strings(cast(Contributor.user_id, String), ","))
        .join(Response, Response.id == Contributor.response_id)
        .join(User, User.id == Contributor.user_id)
        .where(Response.consultation_id == Consultation.id, User.is_enabled.is_(True))
        .scalar_subquery()
    )
    return (
        select(
            Consultation.id,
            Consultation.title,
            Consultation.status,
            Consultation.internal_deadline,
            Consultation.closes_at,
            Consultation.lead_city_id,
            Consultation.policy_lead_id,
            # A named policy lead who has moved city still hears, but only while enabled.
            lead.is_enabled.label("policy_lead_enabled"),
            contributors.label("contributors"),
        )
        .outerjoin(lead, lead.id == Consultation.policy_lead_id)
        .where(_candidate_filter(now, today))
        .order_by(Consultation.id)
        .limit(size)
    )


def _ids(text: str | None) -> frozenset[int]:
    return frozenset(map(int, text.split(","))) if text else NOBODY


def _existing(consultation_ids: Iterable[int]) -> dict[tuple[int, str, date], frozenset[int]]:
    """(consultation, kind, deadline) -> who has a live reminder of it (one query). Superseded rows
    do not count (see rules.supersede_other_dates): a date told again after another is planned again.

    One row per point with its recipients in a list, not one per reminder: a re-sweep reads every
    reminder of every candidate, and reading each as a row of its own cost most of its time."""
    ids = sorted(consultation_ids)
    rows = db.session.execute(
        select(Message.consultation_id, Message.kind, Message.deadline,
               func.aggregate_strings(cast(Message.recipient_id, String), ","))
        .where(
            Message.consultation_id.in_(ids),
            # The range says nothing the list does not, but PostgreSQL has no statistics yet for a
            # table the first sweep is filling, and for a long list alone it then reads the whole
            # table, batch after batch.
            Message.consultation_id.between(ids[0], ids[-1]),
            Message.deadline.is_not(None),
            Message.superseded_at.is_(None),
        )
        .group_by(Message.consultation_id, Message.kind, Message.deadline)
    ).tuples()
    return {
        (consultation_id, kind, deadline): frozenset(map(int, recipients.split(",")))
        for consultation_id, kind, deadline, recipients in rows
        if consultation_id is not None and deadline is not None
    }


def _plan_batch(result: SweepResult, rows: Sequence[Row[Any]], people: _People, now: datetime,
                today: date) -> None:
    """One batch of candidates: what is due, to whom, minus what exists; insert the rest."""
    # 1. What is due, from each consultation's own columns.
    due: list[tuple[Row[Any], list[tuple[str, date]], list[tuple[str, date]]]] = []
    for row in rows:
        own, escalations = rules.due_points(
            status=row.status,
            internal_deadline=row.internal_deadline,
            closes_at=row.closes_at,
            now=now,
            today=today,
        )
        if own or (escalations and people.coordinators):
            due.append((row, own, escalations))
    if not due:
        return

    # 2. Who: the lead city's policy leads, the named policy lead, contributors; coordinators.
    wanted: list[tuple[Row[Any], str, date, frozenset[int]]] = []
    for row, own, escalations in due:
        if own:
            team = people.leads_by_city.get(row.lead_city_id, NOBODY) | _ids(row.contributors)
            if row.policy_lead_id is not None and row.policy_lead_enabled:
                team |= {row.policy_lead_id}
            wanted.extend((row, kind, deadline, people.wanting(kind, team)) for kind, deadline in own)
        # Escalations go to every coordinator, whatever their choice of points.
        wanted.extend((row, kind, deadline, people.coordinators) for kind, deadline in escalations)

    # 3. Drop what exists already; the rest is inserted unless another sweep got there first.
    wanted = [(row, kind, deadline, who) for row, kind, deadline, who in wanted if who]
    if not wanted:
        return
    existing = _existing({row.id for row, _, _, _ in wanted})
    new = NewReminders()
    for row, kind, deadline, who in wanted:
        missing = who - existing.get((row.id, kind, deadline), NOBODY)
        if not missing:
            continue
        subject = rules.subject(kind, row.title, deadline, today)
        for uid in sorted(missing):
            new.add(row.id, uid, kind, deadline, subject, people.delivery(uid))
    inserted = insert_new(new, now)
    result.created += inserted.created
    result.queued.extend(inserted.queued)
    queue_after_commit(db.session(), inserted.queued, SEND)


def _recover(result: SweepResult, now: datetime) -> None:
    out = recover(now)
    result.requeued = out.requeued + out.digests_requeued
    result.stuck = len(out.retried) + out.gave_up + out.uncertain + out.digests_retried + out.digests_uncertain
    result.uncertain = out.uncertain + out.digests_uncertain
    result.recorded = out.recorded


def save_preferences(actor: User | None, user_id: int, *, delivery: str, digest_time: time, points: list[str],
                     events: Mapping[str, str] | None = None, briefing: bool | None = None) -> ReminderPreference:
    """A person's own choices (messaging keeps them), the Monday briefing only where their role has it."""
    if briefing is not None and actor is not None and not offered(actor):
        raise DomainError(OFFERED_TO, field="briefing")
    return preferences.save_preferences(actor, user_id, delivery=delivery, digest_time=digest_time, points=points,
                                        events=events, briefing=briefing)
