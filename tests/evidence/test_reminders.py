"""Cities asked for evidence are reminded through the real reminder sweep and its delivery, against
a real SMTP server with time frozen: two working days before the reply-by date, once; when it has
passed, once; never a third time; never a city that replied or said it has nothing to add, and
nothing once the request is closed."""

from __future__ import annotations

from datetime import date, datetime, time

import time_machine
from sqlalchemy import select

from tests import factories
from tests.evidence.conftest import People, reply_of
from tests.reminders.conftest import Inbox
from tracker.evidence import replies, services
from tracker.extensions import db
from tracker.messaging import delivery
from tracker.models import Consultation, Status
from tracker.models.evidence import EvidenceRequest
from tracker.models.messages import Message, Notification, ReminderPreference, State
from tracker.reminders import tasks
from tracker.timeutil import uk_instant

MONDAY = date(2027, 3, 1)
REPLY_BY = date(2027, 3, 10)  # a Wednesday


def at(day: date, clock: time = time(9, 0)) -> datetime:
    return uk_instant(day, clock)


def _asked(people: People, cities: list[str], *, contributors: bool = False) -> tuple[Consultation, EvidenceRequest]:
    consultation = factories.make_consultation(
        Status.DRAFTING, lead=people.lead, title="Bus services: accessibility",
        closes_at=uk_instant(date(2027, 3, 26), time(23, 59)), internal_deadline=date(2027, 3, 19))
    request = services.ask(people.lead, consultation, services.AskInput(
        brief="Your bus figures, please.", reply_by=REPLY_BY, city_ids=[factories.city(n).id for n in cities],
        include_contributors=contributors), seen_version=consultation.version, today=MONDAY)
    db.session.commit()
    return consultation, request


def _reminders() -> list[tuple[str, str]]:
    db.session.expire_all()
    return [(m.recipient.email, m.kind) for m in db.session.scalars(
        select(Message).where(Message.kind.in_(["evidence_due", "evidence_overdue"])).order_by(Message.id))]


def test_reminded_once_before_and_once_after_the_reply_by_date_and_not_a_third_time(
        people: People, smtp: Inbox, eager: None) -> None:
    with time_machine.travel(at(MONDAY), tick=False):
        consultation, request = _asked(people, ["Wolverhampton", "Preston", "Newport"], contributors=True)
        smtp.reset()  # the request's own emails
        tasks.sweep()
        assert _reminders() == []  # seven working days off: nothing yet
        replies.reply(people.wolverhampton, consultation, request.id,
                      replies.ReplyInput(answers={None: "Figures attached."}), seen_version=1, max_reply_bytes=10**8)
        replies.nothing_to_add(people.preston, consultation, request.id, seen_version=1)
        db.session.commit()
        smtp.reset()

    with time_machine.travel(at(date(2027, 3, 8)), tick=False):  # Monday: due in two working days
        tasks.sweep()
        assert len(_reminders()) == 1
        tasks.sweep()
    assert len(_reminders()) == 1
    (due,) = [m for m in smtp.messages if "evidence" in str(m["Subject"])]
    assert str(due["To"]) == people.newport.email
    assert str(due["Subject"]).strip() == ("Newport's evidence is due by Wednesday 10 March 2027: "
                                           "Bus services: accessibility")
    text = due.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "Your bus figures, please." in text and f"/consultations/{consultation.id}/evidence/{request.id}/reply" in text

    with time_machine.travel(at(date(2027, 3, 11)), tick=False):  # the day after: overdue
        tasks.sweep()
        assert len(_reminders()) == 2
        tasks.sweep()
    with time_machine.travel(at(date(2027, 3, 15)), tick=False):  # a third sweep, days later
        tasks.sweep()

    assert [str(m["Subject"]).strip() for m in smtp.to(people.newport.email)] == [
        "Newport's evidence is due by Wednesday 10 March 2027: Bus services: accessibility",
        "Newport's evidence is overdue (asked by Wednesday 10 March 2027): Bus services: accessibility",
    ]
    assert _reminders() == [(people.newport.email, "evidence_due"), (people.newport.email, "evidence_overdue")]
    assert all(m.state == State.SENT for m in db.session.scalars(select(Message).where(
        Message.kind.in_(["evidence_due", "evidence_overdue"]))))
    assert db.session.scalar(select(Notification.subject).where(
        Notification.user_id == people.newport.id, Notification.kind == "evidence_overdue")) is not None
    # The cities that answered heard nothing.
    assert not smtp.to(people.wolverhampton.email) and not smtp.to(people.preston.email)


def test_policy_leads_only_unless_the_lead_told_contributors(people: People, smtp: Inbox, eager: None) -> None:
    with time_machine.travel(at(MONDAY), tick=False):
        _asked(people, ["Wolverhampton"])
    with time_machine.travel(at(date(2027, 3, 8)), tick=False):
        tasks.sweep()
    assert _reminders() == [(people.wolverhampton.email, "evidence_due")]


def test_a_city_that_answers_after_the_sweep_is_not_sent_the_reminder(people: People, smtp: Inbox) -> None:
    with time_machine.travel(at(MONDAY), tick=False):
        consultation, request = _asked(people, ["Wolverhampton"])
    with time_machine.travel(at(date(2027, 3, 8)), tick=False):
        tasks.sweep()  # planned and queued to the in-memory broker: nobody runs it yet
        replies.nothing_to_add(people.wolverhampton, consultation, request.id, seen_version=1)
        db.session.commit()
        (planned,) = db.session.scalars(select(Message).where(Message.kind == "evidence_due"))
        delivery.deliver(planned.id)
        db.session.commit()
    db.session.expire_all()
    assert planned.state == State.SKIPPED and planned.last_error == "The city said it has nothing to add."
    assert not smtp.to(people.wolverhampton.email)


def test_a_closed_request_reminds_nobody(people: People, smtp: Inbox, eager: None) -> None:
    with time_machine.travel(at(MONDAY), tick=False):
        consultation, request = _asked(people, ["Wolverhampton", "Preston"])
        services.close(people.lead, consultation, request.id, seen_version=request.version)
        db.session.commit()
        smtp.reset()
    with time_machine.travel(at(date(2027, 3, 11)), tick=False):
        tasks.sweep()
    assert _reminders() == []
    assert not smtp.to(people.wolverhampton.email) and not smtp.to(people.preston.email)
    assert reply_of(request, "Preston").state == "awaited"


def test_the_reminder_respects_the_persons_choice_of_delivery(people: People, smtp: Inbox, eager: None) -> None:
    db.session.add(ReminderPreference(user_id=people.wolverhampton.id, delivery="none"))
    db.session.commit()
    with time_machine.travel(at(MONDAY), tick=False):
        _asked(people, ["Wolverhampton"])
        smtp.reset()
    with time_machine.travel(at(date(2027, 3, 8)), tick=False):
        tasks.sweep()
    assert not smtp.to(people.wolverhampton.email)  # in the app only
    (planned,) = db.session.scalars(select(Message).where(Message.kind == "evidence_due"))
    assert planned.state == State.SKIPPED and planned.delivery == "none"
    assert db.session.scalar(select(Notification.id).where(Notification.message_id == planned.id)) is not None
