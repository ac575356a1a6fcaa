"""Follow-up actions remind their owner through the reminder sweep and its delivery, against a
real SMTP server with time frozen: when due soon, once; when overdue, once; never after it is done."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from tests import factories
from tests.reminders.conftest import Inbox
from tests.threads import at_once
from tracker.extensions import db
from tracker.messaging import delivery
from tracker.models import User
from tracker.models.messages import Message, Notification, ReminderPreference, State
from tracker.models.policy import FollowUp
from tracker.policy import engagements, followups
from tracker.reminders import services, tasks
from tracker.timeutil import uk_instant

MONDAY = date(2027, 3, 1)


def at(day: date, clock: time = time(9, 0)) -> datetime:
    return uk_instant(day, clock)


def follow_up(users: dict[str, User], due_on: date, owner: User | None = None) -> FollowUp:
    engagement = engagements.create_engagement(users["coordinator"], engagements.EngagementInput(
        occurred_on=MONDAY - timedelta(days=7), kind="minister", title="Meeting with the Buses Minister",
        attendees="Minister for Local Transport", work_area_id=factories.work_area("Transport").id, notes=""))
    row = engagements.add_follow_up(users["coordinator"], engagement, description="Send the costed bus model",
                                    owner_id=(owner or users["lead"]).id, due_on=due_on)
    db.session.commit()
    return row


def rows() -> list[Message]:
    db.session.expire_all()
    return list(db.session.scalars(select(Message).where(Message.kind.like("follow_up_%")).order_by(Message.id)))


def test_due_soon_then_overdue_each_once_and_nothing_once_done(smtp: Inbox, eager: None, users) -> None:  # type: ignore[no-untyped-def]
    lead = users["lead"]
    with time_machine.travel(at(MONDAY), tick=False):
        row = follow_up(users, due_on=date(2027, 3, 10))  # 7 working days off: nothing yet
        assert tasks.sweep()["created"] == 0
    with time_machine.travel(at(date(2027, 3, 5)), tick=False):  # Friday: due in 3 working days
        first, second = tasks.sweep(), tasks.sweep()
    assert first["created"] == 1 and second["created"] == 0
    (message,) = smtp.to(lead.email)
    assert str(message["Subject"]).strip() == "Follow-up due Wednesday 10 March 2027: Send the costed bus model"
    text = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "Meeting with the Buses Minister" in text and f"/policy/engagements/{row.engagement_id}" in text
    with time_machine.travel(at(date(2027, 3, 11)), tick=False):
        tasks.sweep()
        tasks.sweep()
    assert [str(m["Subject"]).strip() for m in smtp.to(lead.email)] == [
        "Follow-up due Wednesday 10 March 2027: Send the costed bus model",
        "Follow-up overdue (due Wednesday 10 March 2027): Send the costed bus model",
    ]
    assert [(r.kind, r.state) for r in rows()] == [("follow_up_due", State.SENT), ("follow_up_overdue", State.SENT)]
    notes = db.session.scalars(select(Notification).where(Notification.user_id == lead.id)).all()
    assert len(notes) == 2  # and in the app
    engagements.complete_follow_up(lead, db.session.get(FollowUp, row.id))  # type: ignore[arg-type]
    db.session.commit()
    with time_machine.travel(at(date(2027, 3, 15)), tick=False):
        assert tasks.sweep()["created"] == 0
    assert len(smtp.to(lead.email)) == 2


def test_done_between_the_sweep_and_the_send_is_not_sent(smtp: Inbox, users) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(at(MONDAY), tick=False):
        row = follow_up(users, due_on=MONDAY + timedelta(days=1))
        services.sweep()
        db.session.commit()  # queued to the in-memory broker: nobody runs it
        (planned,) = rows()
        engagements.complete_follow_up(users["lead"], db.session.get(FollowUp, row.id))  # type: ignore[arg-type]
        db.session.commit()
        outcome = delivery.deliver(planned.id)
    assert outcome.status == "skipped" and outcome.reason == "The follow-up has been marked done."
    assert smtp.messages == [] and rows()[0].state == State.SKIPPED


def test_an_owner_who_reads_the_daily_digest_gets_it_there(smtp: Inbox, eager: None, users) -> None:  # type: ignore[no-untyped-def]
    db.session.add(ReminderPreference(user_id=users["other_lead"].id, delivery="digest"))
    db.session.commit()
    with time_machine.travel(at(MONDAY, time(7, 0)), tick=False):
        follow_up(users, due_on=MONDAY, owner=users["other_lead"])
        tasks.sweep()
    (row,) = rows()
    assert (row.recipient_id, row.delivery, row.state) == (users["other_lead"].id, "digest", State.PENDING)
    assert smtp.messages == []  # before the digest time (08:00)
    with time_machine.travel(at(MONDAY, time(8, 30)), tick=False):
        tasks.sweep()
    (digest,) = smtp.to(users["other_lead"].email)
    assert "digest" in str(digest["Subject"])
    text = digest.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "Follow-up due Monday 1 March 2027: Send the costed bus model" in text
    assert rows()[0].state == State.SENT


@pytest.mark.committed  # threads, each with its own connection, commit
def test_two_concurrent_sweeps_remind_once(app: Flask, smtp: Inbox, eager: None, users) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(at(MONDAY), tick=False):
        for n in range(3):
            follow_up(users, due_on=MONDAY + timedelta(days=n))
        results = at_once(app, tasks.sweep, 3)
    assert sum(r["created"] for r in results) == 3  # type: ignore[index]
    assert len(smtp.to(users["lead"].email)) == 3
    assert {r.state for r in rows()} == {State.SENT}


def test_points_fall_on_working_days() -> None:
    friday = date(2027, 3, 5)
    assert followups.point(date(2027, 3, 10), friday) == followups.FOLLOW_UP_DUE  # Mon, Tue, Wed
    assert followups.point(date(2027, 3, 11), friday) is None
    assert followups.point(date(2027, 3, 4), friday) == followups.FOLLOW_UP_OVERDUE
    assert followups.point(friday, friday) == followups.FOLLOW_UP_DUE
