"""The Monday briefing against a real SMTP server, with time frozen: what each role reads, once a
week, from the right hour of the right day, caught up after downtime, never last week's again."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from email.message import Message as Email

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from tests import factories
from tests.conftest import login, statements_run
from tests.reminders.conftest import Inbox
from tests.reminders.test_sweep import briefing_rows, sweep
from tests.threads import at_once
from tracker.extensions import db
from tracker.messaging import delivery
from tracker.models import Consultation, Role, Status, User
from tracker.models.drafts import Contributor, Response, Submission
from tracker.models.messages import Message, ReminderPreference, State
from tracker.reminders import briefing
from tracker.timeutil import uk_instant

# Monday 7 December 2026, an ordinary week; the previous week is Monday 30 November to Sunday 6 December.
MONDAY = date(2026, 12, 7)


def at(day: date, clock: time = time(7, 30)) -> datetime:
    return uk_instant(day, clock)


def text_of(message: Email) -> str:
    return message.get_payload()[0].get_payload(decode=True).decode()  # type: ignore[union-attr,index]


def html_of(message: Email) -> str:
    return message.get_payload()[1].get_payload(decode=True).decode()  # type: ignore[union-attr,index]


def briefings() -> list[Message]:
    return briefing_rows()


def row_of(user: User) -> Message:
    (row,) = [r for r in briefings() if r.recipient_id == user.id]
    return row


def mails(inbox: Inbox, user: User) -> list[Email]:
    """The briefings the user received (the same sweeps send their deadline reminders too)."""
    return [m for m in inbox.to(user.email) if "Monday briefing" in str(m["Subject"])]


def submitted(title: str, when: datetime, city_name: str = "Salford") -> Consultation:
    c = factories.make_consultation(Status.SUBMITTED, title=title, city_name=city_name,
                                    closes_at=when + timedelta(days=3))
    db.session.add(Submission(consultation_id=c.id, method="email", submitted_at=when, reference="R"))
    db.session.flush()
    return c


def choose(client: FlaskClient, answer: str, delivery_choice: str = "immediate") -> None:
    """The user's own choice, through the preferences form."""
    page = client.post("/account/preferences", data={"delivery": delivery_choice, "digest_time": "08:00",
                                                     "points": ["before_1"], "briefing": answer},
                       follow_redirects=True)
    assert "preferences are saved" in page.get_data(as_text=True), page.get_data(as_text=True)


@pytest.fixture
def network(users: dict[str, User]) -> dict[str, Consultation]:
    """A week's work: Hull's (the ``lead``'s city), Salford's, and one Salford draft the lead
    contributes to."""
    with time_machine.travel(at(MONDAY - timedelta(days=7)), tick=False):
        lead = users["lead"]
        work = {
            "closing": factories.make_consultation(
                Status.DRAFTING, title="Bus franchising", lead=lead, closes_at=at(MONDAY + timedelta(days=10),
                                                                                 time(23, 45)),
                internal_deadline=MONDAY + timedelta(days=3)),
            "later": factories.make_consultation(
                Status.DRAFTING, title="Rail timetables", lead=lead, closes_at=at(MONDAY + timedelta(days=20))),
            "overdue": factories.make_consultation(
                Status.ASSIGNED, title="Housing supply", city_name="Salford", area="Housing",
                closes_at=at(MONDAY + timedelta(days=30)), internal_deadline=MONDAY - timedelta(days=2)),
            "review": factories.make_consultation(
                Status.IN_REVIEW, title="Cycle lanes", lead=lead, closes_at=at(MONDAY + timedelta(days=25)),
                internal_deadline=MONDAY - timedelta(days=1)),
            "contributed": factories.make_consultation(
                Status.DRAFTING, title="Tenant rights", city_name="Salford", area="Housing",
                closes_at=at(MONDAY + timedelta(days=12))),
            "last_week": submitted("Air quality", at(MONDAY - timedelta(days=5), time(16, 0))),
            "this_week": submitted("Noise limits", at(MONDAY, time(6, 0))),
            "week_before": submitted("Parking fines", at(MONDAY - timedelta(days=8), time(12, 0))),
        }
        response = Response(consultation_id=work["contributed"].id)
        db.session.add(response)
        db.session.flush()
        db.session.add(Contributor(response_id=response.id, user_id=lead.id))
        db.session.commit()
    return work


def test_coordinators_get_the_networks_lists_and_an_opted_in_lead_their_own(
    app: Flask, smtp: Inbox, eager: None, users: dict[str, User], network: dict[str, Consultation],
    as_user,  # type: ignore[no-untyped-def]
) -> None:
    choose(as_user("lead"), "yes")
    with time_machine.travel(at(MONDAY), tick=False):
        assert sweep()["briefings"] == 3  # the coordinator, the admin, the lead who asked for it
    assert mails(smtp, users["other_lead"]) == []  # a lead who did not ask
    assert mails(smtp, users["contributor"]) == []  # not offered to contributors

    (mail,) = mails(smtp, users["coordinator"])
    assert str(mail["Subject"]) == "Key Cities Monday briefing: week of 7 December 2026"
    text = text_of(mail)
    closing, overdue = text.split("Closing in the next 14 days")[1].split("Past the internal deadline")
    overdue, review = overdue.split("Waiting for review")
    review, done = review.split("Submitted last week")
    assert "Bus franchising" in closing and "Tenant rights" in closing and "Rail timetables" not in closing
    assert "Closes Thursday 17 December 2026 at 23:45 (UK time)" in closing
    assert "Status: Drafting" in closing and "Lead city: Hull" in closing
    assert "Housing supply" in overdue and "Internal deadline Saturday 5 December 2026 (passed)" in overdue
    assert "Lead city: Salford" in overdue and "Cycle lanes" not in overdue
    assert "Cycle lanes" in review and "Status: In review" in review
    assert "(30 November to 6 December 2026): 1 consultation" in done
    assert "Air quality" in done and "Submitted Wednesday 2 December 2026 at 16:00" in done
    assert "Noise limits" not in done and "Parking fines" not in done
    link = f"http://tracker.test/consultations/{network['closing'].id}"
    assert link in text and f'href="{link}"' in html_of(mail)
    assert "http://tracker.test/account/preferences#monday-briefing" in text
    assert len(mails(smtp, users["admin"])) == 1

    (mine,) = mails(smtp, users["lead"])
    text = text_of(mine)
    assert "Work you lead, your city leads, or you contribute to." in text
    for title in ("Bus franchising", "Tenant rights", "Cycle lanes"):
        assert title in text
    for title in ("Housing supply", "Air quality"):  # Salford's, not the lead's
        assert title not in text
    assert "Nothing is past its internal deadline." in text and "Nothing was submitted last week." in text
    assert {r.state for r in briefings()} == {State.SENT}


def test_sent_once_a_week_whatever_the_sweeps(
    smtp: Inbox, eager: None, coordinator: User, network: dict[str, Consultation]
) -> None:
    for day, clock in [(MONDAY, time(7, 0)), (MONDAY, time(7, 5)), (MONDAY, time(7, 5)),
                       (MONDAY + timedelta(days=2), time(12, 0)), (MONDAY + timedelta(days=4), time(23, 55))]:
        with time_machine.travel(at(day, clock), tick=False):
            sweep()
    assert len(mails(smtp, coordinator)) == 1
    row = row_of(coordinator)
    assert row.state == State.SENT and row.attempts == 1 and row.event_key == "briefing:2026-W50"
    # The next Monday brings the next week's, once.
    with time_machine.travel(at(MONDAY + timedelta(days=7)), tick=False):
        sweep()
        sweep()
    assert len(mails(smtp, coordinator)) == 2
    assert sorted(r.event_key or "" for r in briefings() if r.recipient_id == coordinator.id) == [
        "briefing:2026-W50", "briefing:2026-W51"]


@pytest.mark.committed  # threads, each with its own connection, commit
def test_three_beats_at_once_plan_one_briefing_and_two_workers_send_it_once(
    app: Flask, smtp: Inbox, coordinator: User, network: dict[str, Consultation]
) -> None:
    with time_machine.travel(at(MONDAY), tick=False):
        results = at_once(app, briefing_sweep, 3)
        assert sum(results) == 2  # the coordinator's and the admin's, each planned by one beat
        assert len(briefings()) == 2
        row = row_of(coordinator)
        outcomes = at_once(app, lambda: delivery.deliver(row.id).status, 2)
    assert sorted(outcomes) == ["not-claimed", "sent"]
    assert len(mails(smtp, coordinator)) == 1
    assert delivery.deliver(row.id).status == "not-claimed"
    assert len(mails(smtp, coordinator)) == 1


def briefing_sweep() -> int:
    """The sweep task, not eager: the sends are queued to the in-memory broker and nobody runs them."""
    return sweep()["briefings"]


def test_not_before_the_hour_not_at_the_weekend_and_caught_up_on_wednesday(
    app: Flask, smtp: Inbox, eager: None, coordinator: User, network: dict[str, Consultation]
) -> None:
    app.config["BRIEFING_HOUR"] = 8
    try:
        with time_machine.travel(at(MONDAY - timedelta(days=1), time(12, 0)), tick=False):  # Sunday
            sweep()
        with time_machine.travel(at(MONDAY, time(7, 59)), tick=False):
            sweep()
        assert briefings() == [] and mails(smtp, coordinator) == []
        # Beat was down from Monday 07:59 to Wednesday: the first sweep back sends this week's.
        with time_machine.travel(at(MONDAY + timedelta(days=2), time(10, 0)), tick=False):
            sweep()
        assert len(mails(smtp, coordinator)) == 1
        # A week the beat is down from Sunday to Saturday: no briefing at the weekend.
        with time_machine.travel(at(MONDAY + timedelta(days=12), time(9, 0)), tick=False):  # Saturday
            sweep()
        with time_machine.travel(at(MONDAY + timedelta(days=13), time(9, 0)), tick=False):  # Sunday
            sweep()
        assert len(mails(smtp, coordinator)) == 1
        assert {r.event_key for r in briefings()} == {"briefing:2026-W50"}
    finally:
        app.config["BRIEFING_HOUR"] = 7


def test_last_weeks_briefing_is_never_sent_in_a_later_week(
    smtp: Inbox, coordinator: User, network: dict[str, Consultation]
) -> None:
    with time_machine.travel(at(MONDAY), tick=False):
        sweep()  # not eager: planned and queued, but no worker runs it this week
    row = row_of(coordinator)
    with time_machine.travel(at(MONDAY + timedelta(days=7)), tick=False):
        outcome = delivery.deliver(row.id)  # its message, delivered late (or a resend)
    assert outcome.status == "skipped" and mails(smtp, coordinator) == []
    db.session.expire_all()
    assert db.session.get(Message, row.id).last_error == briefing.EARLIER_WEEK  # type: ignore[union-attr]


def test_the_first_working_day_after_a_bank_holiday_monday(smtp: Inbox, eager: None, coordinator: User) -> None:
    # Easter Monday 29 March 2027, the day after the clocks went forward.
    with time_machine.travel(at(date(2027, 3, 22)), tick=False):
        factories.make_consultation(Status.DRAFTING, title="Spring budget", closes_at=at(date(2027, 4, 8)))
        db.session.commit()
    with time_machine.travel(at(date(2027, 3, 29), time(9, 0)), tick=False):
        sweep()
    assert mails(smtp, coordinator) == []
    with time_machine.travel(at(date(2027, 3, 30), time(6, 59)), tick=False):
        sweep()
    assert mails(smtp, coordinator) == []
    with time_machine.travel(at(date(2027, 3, 30), time(7, 0)), tick=False):
        sweep()
    (mail,) = mails(smtp, coordinator)
    assert "week of 29 March 2027" in str(mail["Subject"]) and "Spring budget" in text_of(mail)


def test_opting_out_and_no_emails_are_respected_and_an_empty_briefing_is_not_sent(
    smtp: Inbox, eager: None, users: dict[str, User], network: dict[str, Consultation],
    as_user,  # type: ignore[no-untyped-def]
) -> None:
    choose(as_user("coordinator"), "no")
    choose(as_user("admin"), "yes", delivery_choice="none")  # no reminder emails, but the briefing yes
    other = factories.make_user(Role.COORDINATOR, email="quiet@keycities.test")
    db.session.add(ReminderPreference(user_id=other.id, delivery="none"))  # no emails: no briefing by default
    idle = factories.make_user(Role.POLICY_LEAD, city_name="Exeter", email="idle@exeter.test")
    db.session.commit()
    client = as_user(None)
    login(client, idle)
    page = client.get("/account/preferences").get_data(as_text=True)
    assert 'id="monday-briefing"' in page and "only if they ask for it" in page
    assert "Do you want the Monday briefing email?" in page  # the radios' legend
    choose(client, "yes")
    with time_machine.travel(at(MONDAY), tick=False):
        sweep()
    assert mails(smtp, users["coordinator"]) == [] and mails(smtp, other) == []
    assert len(mails(smtp, users["admin"])) == 1
    assert mails(smtp, idle) == []  # nothing of Exeter's this week
    row = row_of(idle)
    assert row.state == State.SKIPPED and row.last_error == briefing.NOTHING
    # Skipped is settled: the week's later sweeps do not plan it again.
    with time_machine.travel(at(MONDAY + timedelta(days=1)), tick=False):
        sweep()
    assert len([r for r in briefings() if r.recipient_id == idle.id]) == 1


def test_a_lead_who_opts_out_after_it_was_planned_is_not_sent_it(
    smtp: Inbox, users: dict[str, User], network: dict[str, Consultation], as_user,  # type: ignore[no-untyped-def]
) -> None:
    choose(client := as_user("lead"), "yes")
    with time_machine.travel(at(MONDAY), tick=False):
        sweep()  # planned, not sent yet
    choose(client, "no")  # (signed in now: a sign-in ends after 12 hours, and MONDAY is days away)
    with time_machine.travel(at(MONDAY, time(7, 31)), tick=False):
        row = row_of(users["lead"])
        assert delivery.deliver(row.id).status == "skipped"
    assert row_of(users["lead"]).last_error == briefing.NO_LONGER
    assert mails(smtp, users["lead"]) == []


def test_contributors_are_not_offered_it_and_cannot_ask_for_it(
    contributor: User, as_user,  # type: ignore[no-untyped-def]
) -> None:
    client = as_user("contributor")
    assert 'id="monday-briefing"' not in client.get("/account/preferences").get_data(as_text=True)
    choose(client, "yes")  # a hand-made field is ignored
    row = db.session.scalar(select(ReminderPreference).where(ReminderPreference.user_id == contributor.id))
    assert row is not None and row.briefing is None
    from tracker.errors import DomainError
    from tracker.reminders.services import save_preferences

    with pytest.raises(DomainError, match="coordinators and policy leads"):
        save_preferences(contributor, contributor.id, delivery="immediate", digest_time=time(8, 0), points=[],
                         briefing=True)


def test_a_coordinator_sees_their_default_and_must_answer(coordinator: User, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("coordinator")
    page = client.get("/account/preferences").get_data(as_text=True)
    assert 'value="yes" checked' in page and "unless they say no" in page
    bad = client.post("/account/preferences", data={"delivery": "immediate", "digest_time": "08:00",
                                                    "briefing": "maybe"})
    assert bad.status_code == 200 and "Not a valid choice" in bad.get_data(as_text=True)


def test_a_transient_smtp_fault_is_retried_and_the_briefing_sent_once(
    smtp: Inbox, coordinator: User, network: dict[str, Consultation]
) -> None:
    smtp.fail_next[:] = ["451 4.3.0 Try again later"]
    with time_machine.travel(at(MONDAY), tick=False):
        sweep()
        row = row_of(coordinator)
        first = delivery.deliver(row.id)
        assert first.status == "retry"
        assert delivery.deliver(row.id).status == "sent"
    assert len(mails(smtp, coordinator)) == 1
    row = row_of(coordinator)
    assert row.state == State.SENT and row.attempts == 2


@pytest.mark.parametrize(
    ("monday", "utc_clock", "due"),
    [
        # Clocks went back on Sunday 25 October 2026: Monday 07:00 UK is 07:00 UTC.
        (date(2026, 10, 26), time(6, 30), False),
        (date(2026, 10, 26), time(7, 0), True),
        # Clocks went forward on Sunday 29 March 2026: Monday 07:00 UK is 06:00 UTC.
        (date(2026, 3, 30), time(5, 55), False),
        (date(2026, 3, 30), time(6, 5), True),
    ],
)
def test_the_hour_is_uk_time_across_a_change_of_the_clocks(
    smtp: Inbox, eager: None, coordinator: User, monday: date, utc_clock: time, due: bool
) -> None:
    from datetime import UTC

    with time_machine.travel(datetime.combine(monday - timedelta(days=3), time(12, 0), tzinfo=UTC), tick=False):
        factories.make_consultation(Status.NEW, title="Open one", closes_in_days=10)
        db.session.commit()
    with time_machine.travel(datetime.combine(monday, utc_clock, tzinfo=UTC), tick=False):
        sweep()
    assert len(mails(smtp, coordinator)) == (1 if due else 0)


def test_last_week_runs_from_uk_midnight_to_uk_midnight_across_the_change_of_the_clocks(
    smtp: Inbox, eager: None, coordinator: User
) -> None:
    # The week of Monday 19 October 2026 (BST) to Sunday 25 October (clocks back at 02:00 BST).
    from datetime import UTC

    def utc(day: int, h: int, m: int) -> datetime:
        return datetime(2026, 10, day, h, m, tzinfo=UTC)

    with time_machine.travel(utc(18, 12, 0), tick=False):
        submitted("Sunday before, 23:30 BST", utc(18, 22, 30))  # Sunday 18th in the UK: the week before
        submitted("Monday, 00:30 BST", utc(18, 23, 30))  # Monday 19th in the UK
        submitted("Sunday, 23:30 GMT", utc(25, 23, 30))  # Sunday 25th in the UK
        submitted("Monday after, 00:30 GMT", utc(26, 0, 30))  # this week
        db.session.commit()
    with time_machine.travel(utc(26, 7, 0), tick=False):
        sweep()
    (mail,) = mails(smtp, coordinator)
    done = text_of(mail).split("Submitted last week")[1]
    assert "(19 October to 25 October 2026): 2 consultations" in done
    assert "Monday, 00:30 BST" in done and "Sunday, 23:30 GMT" in done
    assert "Sunday before" not in done and "Monday after" not in done
    assert "Submitted Monday 19 October 2026 at 00:30 (UK time)" in done


def test_long_lists_show_fifty_and_link_to_the_rest(smtp: Inbox, eager: None, coordinator: User) -> None:
    with time_machine.travel(at(MONDAY - timedelta(days=1)), tick=False):
        for n in range(53):
            factories.make_consultation(Status.NEW, title=f"Closing {n:02d}", closes_at=at(MONDAY + timedelta(days=5)))
        db.session.commit()
    with time_machine.travel(at(MONDAY), tick=False):
        sweep()
    (mail,) = mails(smtp, coordinator)
    text = text_of(mail)
    assert "Closing in the next 14 days: 53 consultations" in text
    assert "Closing 49" in text and "Closing 50" not in text
    assert "... and 3 more: http://tracker.test/consultations/?status=open&closing=14" in text


def test_the_briefing_email_runs_no_sql_while_its_templates_render(
    app: Flask, coordinator: User, network: dict[str, Consultation]
) -> None:
    from tests.drafts.test_templates_query_nothing import _statements_while_rendering

    with time_machine.travel(at(MONDAY), tick=False):
        sweep()
        row = row_of(coordinator)
        prepared = briefing.prepare(row, at(MONDAY))
        assert prepared.lists is not None
        db.session.expire_all()  # a lazy load would now show as a statement
        row = db.session.get(Message, row.id)  # type: ignore[assignment]
        assert row is not None
        user_name = row.recipient.name
        with _statements_while_rendering(app) as seen:
            _subject, text, html = briefing.render(row, prepared.lists, at(MONDAY))
    assert seen == []
    assert user_name in text and "Bus franchising" in html


def test_a_form_sent_without_the_briefing_keeps_the_choice(lead: User, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("lead")
    choose(client, "yes")
    kept = client.post("/account/preferences", data={"delivery": "digest", "digest_time": "08:00"},
                       follow_redirects=True)
    assert "preferences are saved" in kept.get_data(as_text=True)
    row = db.session.scalar(select(ReminderPreference).where(ReminderPreference.user_id == lead.id))
    assert row is not None and row.delivery == "digest" and row.briefing is True
    assert 'value="yes" checked' in client.get("/account/preferences").get_data(as_text=True)


def test_a_refused_briefing_is_listed_for_coordinators_and_their_resend_sends_it(
    smtp: Inbox, users: dict[str, User], network: dict[str, Consultation], as_user,  # type: ignore[no-untyped-def]
) -> None:
    smtp.fail_next[:] = ["550 5.1.1 No such mailbox"]
    with time_machine.travel(at(MONDAY), tick=False):
        sweep()
        row = row_of(users["coordinator"])
        assert delivery.deliver(row.id).status == "failed"
    row = row_of(users["coordinator"])
    client = as_user("admin")
    page = client.get("/reminders/attention").get_data(as_text=True)
    assert "Key Cities Monday briefing: week of 7 December 2026" in page and "Permanent failure" in page
    resent = client.post(f"/reminders/attention/emails/{row.id}/resend", data={"version": row.claim_token},
                         follow_redirects=True)
    assert "will be sent again" in resent.get_data(as_text=True)
    with time_machine.travel(at(MONDAY, time(9, 0)), tick=False):
        assert delivery.deliver(row.id).status == "sent"
    assert len(mails(smtp, users["coordinator"])) == 1


def test_planning_and_sending_take_the_same_statements_whatever_the_numbers(
    smtp: Inbox, coordinator: User, lead: User
) -> None:
    def plan_and_send() -> tuple[int, int, int]:
        with time_machine.travel(at(MONDAY), tick=False):
            with statements_run() as planning:
                ids = briefing.plan(at(MONDAY))
            db.session.commit()
            with statements_run() as sending:
                assert delivery.deliver(ids[0]).status == "sent"
        return len(ids), len(planning), len(sending)

    with time_machine.travel(at(MONDAY - timedelta(days=1)), tick=False):
        factories.make_consultation(Status.DRAFTING, lead=lead, closes_at=at(MONDAY + timedelta(days=5)))
        db.session.commit()
    small = plan_and_send()
    db.session.execute(delete(Message))
    with time_machine.travel(at(MONDAY - timedelta(days=1)), tick=False):
        for _ in range(20):
            factories.make_user(Role.COORDINATOR)
        for status in (Status.DRAFTING, Status.IN_REVIEW, Status.ASSIGNED):
            for n in range(10):
                factories.make_consultation(status, lead=lead, closes_at=at(MONDAY + timedelta(days=5 + n)),
                                            internal_deadline=MONDAY - timedelta(days=1))
        for n in range(10):
            submitted(f"Sent {n}", at(MONDAY - timedelta(days=3)), city_name="Hull")
        db.session.commit()
    large = plan_and_send()
    assert (small[0], large[0]) == (1, 21)
    assert small[1:] == large[1:]
