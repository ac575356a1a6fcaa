"""The sweep against a real SMTP server, with time frozen: right day, once, never twice."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from flask import Flask
from sqlalchemy import func, select

from tests import factories
from tests.reminders.conftest import Inbox
from tests.threads import at_once
from tracker.extensions import db
from tracker.messaging import delivery
from tracker.models import Role, Status, User
from tracker.models.messages import Kind, Message, Notification, ReminderPreference, Stage, State
from tracker.reminders import services, tasks
from tracker.timeutil import uk_instant


def at(day: date, clock: time = time(9, 0)) -> datetime:
    return uk_instant(day, clock)


def sweep() -> dict[str, int]:
    """What beat does: run the task (its sends run at once under the ``eager`` fixture)."""
    return tasks.sweep()


def kinds_sent(inbox: Inbox, address: str) -> list[str]:
    return [str(m["Subject"]) for m in inbox.to(address)]


def reminder_rows() -> list[Message]:
    """Deadline reminders and messages: not the coordinators' Monday briefings (test_briefing.py),
    which a sweep on a Monday also plans."""
    db.session.expire_all()  # the tasks ran in their own sessions
    return list(db.session.scalars(
        select(Message).where(Message.kind != Kind.BRIEFING.value).order_by(Message.id)).all())


def briefing_rows() -> list[Message]:
    db.session.expire_all()
    return list(db.session.scalars(
        select(Message).where(Message.kind == Kind.BRIEFING.value).order_by(Message.id)).all())


def test_each_point_fires_once_on_its_day_across_weekends_and_bank_holidays(
    smtp: Inbox, eager: None, coordinator: User
) -> None:
    # Internal deadline Wednesday 6 January 2027. Counting back in working days skips
    # Christmas Day, Boxing Day (observed Monday 28 December), New Year's Day and weekends.
    deadline = date(2027, 1, 6)
    closes = uk_instant(date(2027, 1, 13), time(23, 59))
    with time_machine.travel(at(date(2026, 12, 1)), tick=False):
        lead = factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Lena Lead", email="lena@hull.test")
        factories.make_user(Role.POLICY_LEAD, city_name="Hull", email="colleague@hull.test")
        factories.make_user(Role.POLICY_LEAD, city_name="Salford", email="elsewhere@salford.test")
        consultation = factories.make_consultation(
            Status.DRAFTING, lead=lead, closes_at=closes, internal_deadline=deadline, title="Bus reform"
        )
        db.session.commit()
        consultation_id = consultation.id

    first_seen: dict[tuple[str, str], date] = {}
    day = date(2026, 12, 7)
    while day <= date(2027, 1, 14):
        for clock in (time(0, 5), time(9, 0), time(17, 30)):
            with time_machine.travel(at(day, clock), tick=False):
                sweep()
                sweep()  # a second beat, or a retry of the task: changes nothing
        for row in reminder_rows():
            key = (row.recipient.email, row.kind)
            if row.state == State.SENT:
                first_seen.setdefault(key, to_uk_date(row.sent_at))
        day += timedelta(days=1)

    expected = {
        "before_14": date(2026, 12, 14),  # Monday: 14 working days before, skipping 25 and 28 Dec and 1 Jan
        "before_7": date(2026, 12, 23),
        "before_3": date(2026, 12, 31),
        "before_1": date(2027, 1, 5),
        "overdue": date(2027, 1, 7),
        "closing_day": date(2027, 1, 13),
    }
    for address in ("lena@hull.test", "colleague@hull.test"):
        got = {kind: when for (who, kind), when in first_seen.items() if who == address}
        assert got == expected, address
        assert len(smtp.to(address)) == len(expected)  # each point exactly once
    assert smtp.to("elsewhere@salford.test") == []
    # Coordinators: the overdue escalation the day after the internal deadline, and the
    # "closing within 3 days with no approved response" escalation.
    coord = {kind: when for (who, kind), when in first_seen.items() if who == coordinator.email}
    assert coord == {"escalation_overdue": date(2027, 1, 7), "escalation_closing": date(2027, 1, 11)}
    # And their Monday briefing: planned each week (on Tuesday 29 December after the Boxing Day
    # holiday), sent in the two weeks it had something to say (the consultation closing within 14 days).
    briefings = briefing_rows()
    assert [to_uk_date(r.created_at) for r in briefings] == [
        date(2026, 12, 7), date(2026, 12, 14), date(2026, 12, 21), date(2026, 12, 29), date(2027, 1, 4),
        date(2027, 1, 11)]
    assert [r.state for r in briefings] == [State.SKIPPED] * 4 + [State.SENT] * 2
    assert len(smtp.to(coordinator.email)) == 2 + 2
    # The consultation closed unsubmitted on the 13th: the sweep marked it missed.
    db.session.expire_all()
    assert db.session.get(type(consultation), consultation_id).status == Status.MISSED
    # Every reminder is also an in-app notification (the briefing is an email only).
    assert db.session.scalar(select(func.count()).select_from(Notification)) == len(smtp.messages) - 2 == 14
    # The email says which consultation, links to it, and gives the deadline in UK time.
    message = smtp.to("lena@hull.test")[0]
    text = message.get_payload()[0].get_payload(decode=True).decode()
    assert "Bus reform" in text
    assert f"http://tracker.test/consultations/{consultation_id}" in text
    assert "Wednesday 13 January 2027 at 23:59 (UK time)" in text
    html = message.get_payload()[1].get_payload(decode=True).decode()
    assert f'href="http://tracker.test/consultations/{consultation_id}"' in html


def to_uk_date(value: datetime | None) -> date:
    from tracker.timeutil import to_uk

    assert value is not None
    return to_uk(value).date()


def test_sweep_twice_sends_one_email_per_reminder(smtp: Inbox, eager: None, lead: User) -> None:
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 4), closes_in_days=20)
        db.session.commit()
        first = sweep()
        second = sweep()
    assert first["created"] == 1 and second["created"] == 0
    assert len(smtp.messages) == 1
    (row,) = reminder_rows()
    assert row.state == State.SENT and row.kind == "before_3" and row.attempts == 1


@pytest.mark.committed  # threads, each with its own connection, commit
def test_two_concurrent_sweeps_send_one_email_each(app: Flask, smtp: Inbox, eager: None, lead: User) -> None:
    other = factories.make_user(Role.POLICY_LEAD, city_name="Hull")
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        for n in range(5):
            factories.make_consultation(
                Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 2 + n), closes_in_days=20
            )
        db.session.commit()
        results = at_once(app, tasks.sweep, 3)
    assert sum(r["created"] for r in results) == 10  # type: ignore[index]
    assert len(smtp.messages) == 10
    assert len(smtp.to(lead.email)) == 5 and len(smtp.to(other.email)) == 5
    assert {r.state for r in reminder_rows()} == {State.SENT}


@pytest.mark.committed  # threads, each with its own connection, commit
def test_two_workers_given_the_same_reminder_send_it_once(app: Flask, smtp: Inbox, lead: User) -> None:
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 3), closes_in_days=20)
        db.session.commit()
        sweep()  # not eager: the send is queued to the in-memory broker, nobody runs it
        (row,) = reminder_rows()
        outcomes = at_once(app, lambda: delivery.deliver(row.id), 4)
    assert sorted(o.status for o in outcomes) == ["not-claimed"] * 3 + ["sent"]  # type: ignore[attr-defined]
    assert len(smtp.messages) == 1
    assert delivery.deliver(row.id).status == "not-claimed"  # and never again later
    assert len(smtp.messages) == 1


def test_skipping_three_sweep_periods_then_one_sweep_sends_each_missed_reminder_once(
    smtp: Inbox, eager: None, lead: User
) -> None:
    # Thursday 4 March 2027. Due at midnight: the 3-day point for a deadline of Wednesday 10 March,
    # and the closing day of a consultation closing on Friday 5 March.
    with time_machine.travel(at(date(2027, 3, 4), time(23, 50)), tick=False):
        factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 10), closes_in_days=30,
                                    title="Three days")
        factories.make_consultation(Status.APPROVED, lead=lead, internal_deadline=date(2027, 3, 3),
                                    closes_at=uk_instant(date(2027, 3, 5), time(23, 45)), title="Closes Friday")
        db.session.commit()
        sweep()
        before = len(smtp.messages)
    # Beat was down for 23:55, 00:00 and 00:05; the next sweep runs at 00:10.
    with time_machine.travel(at(date(2027, 3, 5), time(0, 10)), tick=False):
        sweep()
    with time_machine.travel(at(date(2027, 3, 5), time(0, 15)), tick=False):
        sweep()
    new = [str(m["Subject"]) for m in smtp.messages[before:]]
    assert sorted(s.split(":")[1].strip() for s in new) == ["Closes Friday", "Three days"]
    assert len(new) == 2


def test_deadline_moved_later_gets_reminders_for_the_new_date_only(smtp: Inbox, eager: None, lead: User) -> None:
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        c = factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 4),
                                        closes_in_days=40)
        db.session.commit()
        sweep()
        assert [r.kind for r in reminder_rows()] == ["before_3"]
        # The coordinator gives the city two more weeks.
        c.internal_deadline = date(2027, 3, 18)
        db.session.commit()
        sweep()
        sweep()
    with time_machine.travel(at(date(2027, 3, 4)), tick=False):
        sweep()  # the old deadline's day: nothing for the old date
    with time_machine.travel(at(date(2027, 3, 5)), tick=False):
        sweep()  # the day after the old deadline: not overdue
    with time_machine.travel(at(date(2027, 3, 9)), tick=False):
        sweep()  # 7 working days before the new deadline
    rows = reminder_rows()
    assert [(r.kind, r.deadline) for r in rows] == [
        ("before_3", date(2027, 3, 4)),
        ("before_14", date(2027, 3, 18)),
        ("before_7", date(2027, 3, 18)),
    ]
    assert len(smtp.messages) == 3
    assert "Thursday 18 March 2027" in str(smtp.messages[-1]["Subject"])


def test_pending_reminder_for_an_old_deadline_is_not_sent(smtp: Inbox, lead: User) -> None:
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        c = factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 4),
                                        closes_in_days=40)
        db.session.commit()
        sweep()  # queued, not yet sent (no worker)
        (row,) = reminder_rows()
        c.internal_deadline = date(2027, 3, 25)
        db.session.commit()
        outcome = delivery.deliver(row.id)
    assert outcome.status == "skipped"
    db.session.refresh(row)
    assert row.state == State.SKIPPED and "deadline has changed" in row.last_error
    assert smtp.messages == []


def test_smtp_failing_twice_then_succeeding_sends_once_with_growing_delays(
    app: Flask, smtp: Inbox, lead: User
) -> None:
    smtp.fail_next[:] = ["451 4.3.0 Mailbox busy, try again", "421 4.7.0 Too many connections"]
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 3), closes_in_days=20)
        db.session.commit()
        sweep()
        (row,) = reminder_rows()
        outcomes = [delivery.deliver(row.id) for _ in range(3)]
        assert delivery.deliver(row.id).status == "not-claimed"
    assert [o.status for o in outcomes] == ["retry", "retry", "sent"]
    first, second = outcomes[0].delay, outcomes[1].delay
    assert first is not None and second is not None
    base = app.config.get("REMINDER_RETRY_BASE_SECONDS", 30)
    assert base <= first < base * 1.25 and 2 * base <= second < 2 * base * 1.25
    assert second > first
    assert smtp.attempts == 3 and len(smtp.messages) == 1
    db.session.refresh(row)
    assert row.state == State.SENT and row.attempts == 3 and row.last_error == ""


def test_send_task_retries_through_celery_until_sent(smtp: Inbox, eager: None, lead: User) -> None:
    smtp.fail_next[:] = ["451 4.3.0 try later", "451 4.3.0 try later"]
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 3), closes_in_days=20)
        db.session.commit()
        sweep()
    (row,) = reminder_rows()
    assert row.state == State.SENT and row.attempts == 3
    assert len(smtp.messages) == 1


def test_transient_faults_stop_after_the_limit_and_record_why(
    app: Flask, smtp: Inbox, lead: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "REMINDER_SEND_MAX_ATTEMPTS", 3)
    smtp.fail_next[:] = ["451 4.3.0 try later"] * 5
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 3),
                                    closes_in_days=20)
        db.session.commit()
        sweep()
        (row,) = reminder_rows()
        outcomes = [delivery.deliver(row.id).status for _ in range(5)]
    assert outcomes == ["retry", "retry", "failed", "not-claimed", "not-claimed"]
    db.session.refresh(row)
    assert row.state == State.FAILED and "Gave up after 3 attempts" in row.last_error and "451" in row.last_error
    assert smtp.attempts == 3 and smtp.messages == []


def test_connection_refused_is_transient(app: Flask, smtp: Inbox, lead: User) -> None:
    from tests.reminders.conftest import free_port

    app.config["MAIL_SMTP_PORT"] = free_port()  # nothing listens there; the smtp fixture restores it
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 3), closes_in_days=20)
        db.session.commit()
        sweep()
        (row,) = reminder_rows()
        outcome = delivery.deliver(row.id)
    assert outcome.status == "retry"
    db.session.refresh(row)
    assert row.state == State.PENDING and "Cannot reach SMTP server" in row.last_error


def test_permanent_failure_is_recorded_not_retried_and_shown_to_admins(
    smtp: Inbox, eager: None, lead: User, as_user
) -> None:  # type: ignore[no-untyped-def]
    smtp.fail_next[:] = ["550 5.1.1 No such mailbox here"]
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 3), closes_in_days=20,
                                    title="Rail fares")
        db.session.commit()
        sweep()
        sweep()
    (row,) = reminder_rows()
    assert row.state == State.FAILED and row.attempts == 1
    assert "Permanent failure: SMTP 550" in row.last_error
    assert smtp.attempts == 1 and smtp.messages == []
    page = as_user("admin").get("/admin/reminders?state=failed")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Rail fares" in html and "550 5.1.1 No such mailbox here" in html and "Failed" in html


def test_digest_mode_sends_one_email_with_all_items(smtp: Inbox, eager: None, lead: User) -> None:
    db.session.add(ReminderPreference(user_id=lead.id, delivery="digest", digest_time=time(8, 30)))
    db.session.commit()
    with time_machine.travel(at(date(2027, 3, 1), time(6, 0)), tick=False):
        for title, d in (("Alpha buses", date(2027, 3, 2)), ("Beta trams", date(2027, 3, 4)),
                         ("Gamma roads", date(2027, 3, 18))):
            factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=d, closes_in_days=30,
                                        title=title)
        db.session.commit()
        assert sweep()["created"] == 3
    assert smtp.messages == []  # before the digest time: nothing yet
    for clock in (time(8, 35), time(8, 40), time(12, 0)):
        with time_machine.travel(at(date(2027, 3, 1), clock), tick=False):
            sweep()
    assert len(smtp.messages) == 1
    body = smtp.messages[0].get_payload()[0].get_payload(decode=True).decode()
    for title in ("Alpha buses", "Beta trams", "Gamma roads"):
        assert title in body
    assert "3 items" in str(smtp.messages[0]["Subject"])
    assert {r.state for r in reminder_rows()} == {State.SENT}
    # Wednesday 3 March: Beta's 1-day point and Alpha's overdue go in that day's digest.
    with time_machine.travel(at(date(2027, 3, 2), time(9, 0)), tick=False):
        sweep()
    assert len(smtp.messages) == 1
    with time_machine.travel(at(date(2027, 3, 3), time(9, 0)), tick=False):
        sweep()
        sweep()
    assert len(smtp.messages) == 2
    body = smtp.messages[1].get_payload()[0].get_payload(decode=True).decode()
    assert "Beta trams" in body and "Alpha buses" in body and "Gamma roads" not in body
    assert "2 items" in str(smtp.messages[1]["Subject"])


def test_submitted_consultation_gets_nothing_more(smtp: Inbox, eager: None, lead: User, coordinator: User) -> None:
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        c = factories.make_consultation(Status.APPROVED, lead=lead, internal_deadline=date(2027, 3, 3),
                                        closes_at=uk_instant(date(2027, 3, 4), time(23, 59)))
        db.session.commit()
        sweep()
        sent_before = len(smtp.messages)
        assert sent_before == 2  # the lead's reminder, and the coordinator's Monday briefing
        c.status = Status.SUBMITTED.value
        db.session.commit()
    for day in (date(2027, 3, 2), date(2027, 3, 3), date(2027, 3, 4), date(2027, 3, 5)):
        with time_machine.travel(at(day), tick=False):
            sweep()
    assert len(smtp.messages) == sent_before


def test_statuses_that_end_the_path_get_no_reminders(smtp: Inbox, eager: None, lead: User) -> None:
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        for status in (Status.DECLINED, Status.MONITORING, Status.WITHDRAWN, Status.SUBMITTED):
            factories.make_consultation(status, lead=lead, internal_deadline=date(2027, 3, 2),
                                        closes_at=uk_instant(date(2027, 3, 1), time(23, 59)), city_name="Hull")
        db.session.commit()
        sweep()
    assert reminder_rows() == [] and smtp.messages == []


def test_user_can_switch_points_off(smtp: Inbox, eager: None, lead: User) -> None:
    db.session.add(ReminderPreference(user_id=lead.id, points=["before_1", "closing_day"]))
    db.session.commit()
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 4), closes_in_days=20)
        factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 2), closes_in_days=20)
        db.session.commit()
        sweep()
    assert [r.kind for r in reminder_rows()] == ["before_1"]
    assert len(smtp.messages) == 1


def test_contributors_get_reminders_and_disabled_accounts_do_not(
    smtp: Inbox, eager: None, lead: User, contributor: User
) -> None:
    from tracker.models.drafts import Contributor, Response

    disabled = factories.make_user(Role.POLICY_LEAD, city_name="Hull", is_enabled=False)
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        c = factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 3),
                                        closes_in_days=20)
        response = Response(consultation_id=c.id)
        db.session.add(response)
        db.session.flush()
        db.session.add(Contributor(response_id=response.id, user_id=contributor.id))
        db.session.commit()
        sweep()
    assert sorted(str(m["To"]) for m in smtp.messages) == sorted([lead.email, contributor.email])
    assert smtp.to(disabled.email) == []


def test_a_sweep_in_many_batches_creates_each_reminder_once(
    app: Flask, monkeypatch: pytest.MonkeyPatch, lead: User, contributor: User, coordinator: User
) -> None:
    from tracker.models.drafts import Contributor, Response

    monkeypatch.setitem(app.config, "REMINDER_SWEEP_BATCH_SIZE", 2)
    colleague = factories.make_user(Role.POLICY_LEAD, city_name="Hull")
    choosy = factories.make_user(Role.POLICY_LEAD, city_name="Hull")
    db.session.add(ReminderPreference(user_id=choosy.id, points=["before_1"]))
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):  # Monday
        # Seven consultations near a deadline, one that is not, another that is not open.
        near = [
            factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 3),
                                        closes_in_days=20)
            for _ in range(4)
        ]
        near += [
            factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 2),
                                        closes_in_days=20),
            factories.make_consultation(Status.ASSIGNED, lead=lead, internal_deadline=date(2027, 2, 25),
                                        closes_in_days=20),
            factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 3),
                                        closes_in_days=20),
        ]
        factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 4, 20),
                                    closes_in_days=60)
        factories.make_consultation(Status.SUBMITTED, lead=lead, internal_deadline=date(2027, 3, 2),
                                    closes_in_days=20)
        for c in near[1::2]:
            response = Response(consultation_id=c.id)
            db.session.add(response)
            db.session.flush()
            db.session.add(Contributor(response_id=response.id, user_id=contributor.id))
        db.session.commit()

        first = services.sweep()
        db.session.commit()
        again = services.sweep(batch_size=3)  # batches that fall differently change nothing
        db.session.commit()

    def people(c: object) -> set[int]:
        return {lead.id, colleague.id} | ({contributor.id} if c in near[1::2] else set())

    # The lead who chose the 1-day point hears of nothing else.
    expected = {(c.id, uid, "before_3") for c in near[:4] + near[6:] for uid in people(c)}
    expected |= {(near[4].id, uid, "before_1") for uid in people(near[4]) | {choosy.id}}
    expected |= {(near[5].id, uid, "overdue") for uid in people(near[5])}
    expected |= {(near[5].id, coordinator.id, "escalation_overdue")}

    rows = reminder_rows()
    assert sorted((r.consultation_id, r.recipient_id, r.kind) for r in rows) == sorted(expected)
    assert first.batches == 4 and first.candidates == 7 and first.created == len(expected)
    assert again.created == 0 and again.batches == 3
    notes = db.session.execute(select(Notification.message_id, func.count()).group_by(Notification.message_id))
    assert dict(notes.tuples().all()) == {r.id: 1 for r in rows}
    assert sorted(first.queued) == sorted(r.id for r in rows)


def test_a_send_lost_by_the_broker_is_requeued_and_a_send_cut_off_midway_is_not_repeated(
    smtp: Inbox, lead: User
) -> None:
    # The lost one waits for REMINDER_REQUEUE_SECONDS (5 minutes) to pass, the cut-off one for the
    # send lease (REMINDER_SEND_LEASE_SECONDS, 1 minute: a live worker would have renewed its claim).
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 3), closes_in_days=20,
                                    title="Lost message")
        factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 4), closes_in_days=20,
                                    title="Worker died")
        db.session.commit()
        sweep()  # not eager: both sends sit in the in-memory broker, never run
        lost, cut = reminder_rows()
        # The worker died while the mail server was receiving the message.
        cut.state, cut.stage, cut.claimed_at = State.SENDING.value, Stage.DATA.value, at(date(2027, 3, 1))
        db.session.commit()
    with time_machine.travel(at(date(2027, 3, 1), time(9, 0, 50)), tick=False):
        result = services.sweep()
        db.session.commit()
    assert result.requeued == 0 and result.stuck == 0
    with time_machine.travel(at(date(2027, 3, 1), time(9, 1, 10)), tick=False):
        result = services.sweep()
        db.session.commit()
    assert result.requeued == 0 and result.stuck == 1 and result.uncertain == 1
    with time_machine.travel(at(date(2027, 3, 1), time(9, 6)), tick=False):
        result = services.sweep()
        db.session.commit()
        assert result.requeued == 1 and result.stuck == 0
        assert delivery.deliver(lost.id).status == "sent"
        assert delivery.deliver(cut.id).status == "not-claimed"
    db.session.expire_all()
    assert lost.state == State.SENT
    # Not sent again automatically: listed for coordinators as "may not have been delivered".
    assert cut.state == State.UNCERTAIN and "May not have been delivered" in cut.last_error
    assert [str(m["Subject"]).split(": ")[1] for m in smtp.messages] == ["Lost message"]


def test_celery_production_settings(app: Flask) -> None:
    conf = app.extensions["celery"].conf
    assert conf.task_acks_late is True
    assert conf.task_serializer == "json" and list(conf.accept_content) == ["json"]
    longest_retry = app.config.get("REMINDER_RETRY_MAX_SECONDS", 900) * 1.25
    assert conf.broker_transport_options["visibility_timeout"] > longest_retry
    schedule = conf.beat_schedule
    assert schedule["reminders-sweep"]["task"] == "tracker.reminders.tasks.sweep"
    assert schedule["reminders-sweep"]["schedule"] == app.config["REMINDER_SWEEP_SECONDS"]
    assert schedule["intake-import-govuk"]["task"] == "tracker.intake.tasks.import_govuk"
