"""Re-planning converges: whatever sequence of deadline moves, sweeps and sends, no email names a
date that is not the deadline when it goes, nobody is told the same point and date twice unless an
email naming another date came between, and once the moves stop everyone with a point due is last
told the final deadline, and what is planned is what a consultation that always had it would get
(property-based, with hypothesis; the issue's case is an explicit example).

Each example runs against the real database and a real SMTP server, with time frozen at each step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from tests import factories
from tests.reminders.conftest import Inbox
from tracker.extensions import db
from tracker.messaging import delivery
from tracker.models import ActivityLog, Consultation, Status, User
from tracker.models.messages import Delivery, Message, Notification, State
from tracker.reminders import services
from tracker.reminders.rules import latest_before_point
from tracker.timeutil import uk_instant

STARTS = [date(2027, 2, 15) + timedelta(days=n) for n in range(0, 22)]
DEADLINES = [date(2027, 3, 10), date(2027, 3, 12), date(2027, 3, 15), date(2027, 3, 19), date(2027, 3, 24)]
CLOSES = uk_instant(date(2027, 4, 30), time(23, 59))  # far off: only internal-deadline points fall due

actions = st.lists(
    st.one_of(
        st.tuples(st.just("move"), st.sampled_from(DEADLINES)),
        st.tuples(st.just("advance"), st.integers(min_value=1, max_value=4)),
        st.tuples(st.just("sweep"), st.none()),
        st.tuples(st.just("send"), st.booleans()),  # True: all pending; False: only the oldest
        st.tuples(st.just("sweep_send"), st.none()),  # a sweep whose sends go through at once
    ),
    min_size=1,
    max_size=30,
)


def when(day: date) -> datetime:
    return uk_instant(day, time(9, 0))


def long_date(day: date) -> str:
    return f"{day:%A %-d %B %Y}"


@dataclass
class Sent:
    recipient_id: int
    kind: str
    deadline: date
    subject: str
    final_phase: bool


@dataclass
class World:
    consultation_id: int
    deadline: date
    day: date
    final_phase: bool = False
    sent: list[Sent] = field(default_factory=list)

    def last_told(self, recipient_id: int) -> date | None:
        mine = [s for s in self.sent if s.recipient_id == recipient_id]
        return mine[-1].deadline if mine else None

    def told_since_other_date(self, recipient_id: int, kind: str, deadline: date) -> bool:
        for s in reversed([s for s in self.sent if s.recipient_id == recipient_id]):
            if s.deadline != deadline:
                return False
            if s.kind == kind:
                return True
        return False

    def set_deadline(self, new: date) -> None:
        db.session.execute(
            Consultation.__table__.update().where(Consultation.id == self.consultation_id).values(
                internal_deadline=new))
        db.session.commit()
        self.deadline = new

    def sweep(self) -> None:
        with time_machine.travel(when(self.day), tick=False):
            services.sweep()
            db.session.commit()

    def send(self, everything: bool, consultation_ids: tuple[int, ...] | None = None) -> list[tuple[int, int, str]]:
        ids = consultation_ids or (self.consultation_id,)
        pending = list(db.session.scalars(
            select(Message.id).where(Message.consultation_id.in_(ids), Message.state == State.PENDING.value,
                                      Message.delivery == Delivery.IMMEDIATE.value).order_by(Message.id)))
        if not everything:
            pending = pending[:1]
        out = []
        with time_machine.travel(when(self.day), tick=False):
            for reminder_id in pending:
                if delivery.deliver(reminder_id).status != "sent":
                    continue
                db.session.expire_all()
                row = db.session.get(Message, reminder_id)
                assert row is not None
                out.append((row.consultation_id, row.recipient_id, row.kind))
                if row.consultation_id == self.consultation_id:
                    # Never an old date: it names the deadline as it is when it goes.
                    assert row.deadline == self.deadline, (row.kind, row.deadline, self.deadline)
                    assert long_date(self.deadline) in row.subject, row.subject
                    self.sent.append(Sent(row.recipient_id, row.kind, row.deadline, row.subject,
                                          self.final_phase))
        return out


def _clean() -> None:
    """Each example starts from no consultations (the users stay)."""
    db.session.rollback()
    for model in (Notification, Message, ActivityLog, Consultation):
        db.session.execute(delete(model))
    db.session.commit()
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Notification | Message | ActivityLog | Consultation):
            db.session.expunge(obj)


@pytest.mark.long
@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(start=st.sampled_from(STARTS), first=st.sampled_from(DEADLINES), steps=actions)
# The case: told of 10 March, then (moved) of 12 March, then moved back to 10 March.
@example(start=date(2027, 3, 1), first=date(2027, 3, 10),
         steps=[("sweep_send", None), ("move", date(2027, 3, 12)), ("sweep_send", None),
                ("move", date(2027, 3, 10)), ("sweep_send", None)])
# Moved away and back before the reminder for the other date went: nothing to tell again.
@example(start=date(2027, 3, 1), first=date(2027, 3, 10),
         steps=[("sweep_send", None), ("move", date(2027, 3, 12)), ("sweep", None),
                ("move", date(2027, 3, 10)), ("send", True), ("sweep_send", None)])
def test_replanning_converges_on_the_final_deadline(
    smtp: Inbox, lead: User, coordinator: User, start: date, first: date, steps: list[tuple[str, object]]
) -> None:
    _clean()
    smtp.reset()
    with time_machine.travel(when(start), tick=False):
        c = factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=first, closes_at=CLOSES,
                                        title="Moving target")
        db.session.commit()
    world = World(c.id, first, start)
    for action, arg in steps:
        if action == "move":
            world.set_deadline(arg)  # type: ignore[arg-type]
        elif action == "advance":
            world.day += timedelta(days=arg)  # type: ignore[operator]
        elif action == "sweep":
            world.sweep()
        elif action == "sweep_send":
            world.sweep()
            world.send(True)
        else:
            world.send(bool(arg))
        check_plan_invariants(world)

    # The moves stop. A twin consultation starts now with the final deadline, and both are swept
    # and sent daily until two days after it.
    final = world.deadline
    with time_machine.travel(when(world.day), tick=False):
        twin = factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=final, closes_at=CLOSES,
                                           title="Moving target")
        db.session.commit()
    world.final_phase = True
    created: dict[int, set[tuple[int, str, date]]] = {world.consultation_id: set(), twin.id: set()}
    twin_sent: list[tuple[int, str]] = []
    last_day = max(world.day, final) + timedelta(days=2)
    while world.day <= last_day:
        before = set(db.session.scalars(select(Message.id)))
        world.sweep()
        # (Not the coordinator's Monday briefing, about no consultation.)
        for row in db.session.scalars(select(Message).where(Message.id.not_in(before),
                                                             Message.consultation_id.is_not(None))):
            created[row.consultation_id].add((row.recipient_id, row.kind, row.deadline))
        for consultation_id, recipient_id, kind in world.send(True, (world.consultation_id, twin.id)):
            if consultation_id == twin.id:
                twin_sent.append((recipient_id, kind))
        check_plan_invariants(world)
        # Converged: whoever has a point of the final deadline due now was last told that date.
        if latest_before_point(final, world.day) or world.day > final:
            assert world.last_told(lead.id) == final, world.sent
        if world.day > final:
            assert world.last_told(coordinator.id) == final, world.sent
        world.day += timedelta(days=1)

    # What is planned from here on is for the final deadline and is what a consultation that always
    # had it gets; a point the twin was told and the original was not planned again, the original
    # had already told the same person since its last email naming another date.
    assert all(d == final for _, _, d in created[world.consultation_id])
    assert created[world.consultation_id] <= created[twin.id]
    for recipient_id, kind in twin_sent:
        assert world.told_since_other_date(recipient_id, kind, final), (recipient_id, kind, world.sent)
    assert len(smtp.messages) == len(world.sent) + len(twin_sent)


def check_plan_invariants(world: World) -> None:
    # Never twice: between two emails to a person about the same point and date there is one
    # naming another date (the deadline moved away and back).
    by_person: dict[int, list[Sent]] = {}
    for s in world.sent:
        by_person.setdefault(s.recipient_id, []).append(s)
    for emails in by_person.values():
        for i, first in enumerate(emails):
            for j in range(i + 1, len(emails)):
                later = emails[j]
                if (later.kind, later.deadline) == (first.kind, first.deadline):
                    between = emails[i + 1 : j]
                    assert any(e.deadline != first.deadline for e in between), emails
