"""The coordinators' page of emails that failed or may not have been delivered, and its resend."""

from __future__ import annotations

from datetime import date, time

import time_machine
from sqlalchemy import select

from tests import factories
from tests.reminders.conftest import Inbox
from tracker.extensions import db
from tracker.models import ActivityLog, Status, User
from tracker.models.messages import Message, Stage, State
from tracker.reminders import services
from tracker.reminders.routes import PAGE_SIZE
from tracker.timeutil import uk_instant, utcnow


def _rows(lead: User, n: int, state: State, title: str = "Rail fares") -> list[Message]:
    rows = []
    for i in range(n):
        c = factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 3),
                                        closes_in_days=20, title=f"{title} {i}")
        row = Message(consultation=c, recipient=lead, kind="before_1", deadline=date(2027, 3, 3),
                       subject=f"Internal deadline next working day: {title} {i}", state=state.value,
                       stage=Stage.DATA.value, attempts=1, claim_token=f"token{i}", claimed_at=utcnow(),
                       last_error="May not have been delivered: the connection broke" if state == State.UNCERTAIN
                       else "Permanent failure: SMTP 550 5.1.1 No such mailbox")
        db.session.add(row)
        rows.append(row)
    db.session.commit()
    return rows


def test_coordinators_see_failed_and_uncertain_emails_with_the_reason(as_user, lead: User) -> None:  # type: ignore[no-untyped-def]
    _rows(lead, 1, State.UNCERTAIN, "Bus lanes")
    _rows(lead, 1, State.FAILED, "Tram fares")
    _rows(lead, 1, State.SENT, "Sent already")
    for who in ("coordinator", "admin"):
        page = as_user(who).get("/reminders/attention")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "Bus lanes 0" in html and "Tram fares 0" in html and "Sent already" not in html
        assert "May not have been delivered (1)" in html and "Failed (1)" in html
        assert "No such mailbox" in html and "the connection broke" in html
        assert html.index("Bus lanes 0") < html.index("Tram fares 0")  # uncertain first
    only = as_user("coordinator").get("/reminders/attention?state=failed").get_data(as_text=True)
    assert "Tram fares 0" in only and "Bus lanes 0" not in only
    dashboard = as_user("coordinator").get("/").get_data(as_text=True)
    assert "2 emails need attention" in dashboard and "(1 may not have been delivered)" in dashboard
    assert "need attention" not in as_user("lead").get("/").get_data(as_text=True)


def test_the_page_and_the_resend_are_refused_to_others(as_user, lead: User) -> None:  # type: ignore[no-untyped-def]
    (row,) = _rows(lead, 1, State.UNCERTAIN)
    for who in ("lead", "other_lead", "contributor"):
        assert as_user(who).get("/reminders/attention").status_code == 403
        response = as_user(who).post(f"/reminders/attention/emails/{row.id}/resend", data={"version": "token0"})
        assert response.status_code == 403
    assert as_user("anonymous").get("/reminders/attention").status_code in (302, 401)
    db.session.expire_all()
    assert db.session.get(Message, row.id).state == State.UNCERTAIN


def test_bad_input_is_a_clear_400_or_404(as_user, lead: User) -> None:  # type: ignore[no-untyped-def]
    coordinator = as_user("coordinator")
    assert coordinator.get("/reminders/attention?state=sent").status_code == 400
    assert coordinator.get("/reminders/attention?show=everything").status_code == 400
    assert coordinator.get("/reminders/attention?page=banana").status_code == 200
    assert coordinator.get("/reminders/attention?page=99999").status_code == 200
    assert coordinator.post("/reminders/attention/emails/999999/resend", data={"version": ""}).status_code == 404
    assert coordinator.post("/reminders/attention/digests/999999/resend", data={"version": ""}).status_code == 404


def test_resend_sends_once_whatever_the_clicks_and_is_logged(
    smtp: Inbox, eager: None, as_user, lead: User, coordinator: User
) -> None:  # type: ignore[no-untyped-def]
    (row,) = _rows(lead, 1, State.UNCERTAIN)
    client = as_user("coordinator")
    first = client.post(f"/reminders/attention/emails/{row.id}/resend", data={"version": "token0"},
                        follow_redirects=True)
    assert first.status_code == 200
    assert f"The email to {lead.email} will be sent again in a moment." in first.get_data(as_text=True)
    second = client.post(f"/reminders/attention/emails/{row.id}/resend", data={"version": "token0"},
                         follow_redirects=True)
    assert "already been resent" in second.get_data(as_text=True)
    assert len(smtp.messages) == 1 and "Rail fares 0" in str(smtp.messages[0]["Subject"])
    db.session.expire_all()
    row = db.session.get(Message, row.id)
    assert row.state == State.SENT
    (log,) = db.session.scalars(select(ActivityLog).where(ActivityLog.action == "reminder_resend")).all()
    assert log.actor_id == coordinator.id and log.before == {"state": "uncertain"}


def test_a_resend_from_an_out_of_date_page_is_refused(smtp: Inbox, as_user, lead: User) -> None:  # type: ignore[no-untyped-def]
    (row,) = _rows(lead, 1, State.FAILED)
    response = as_user("coordinator").post(f"/reminders/attention/emails/{row.id}/resend",
                                           data={"version": "an-older-attempt"}, follow_redirects=True)
    assert "failed again since you loaded the page" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Message, row.id).state == State.FAILED


def test_the_list_is_paginated(as_user, lead: User) -> None:  # type: ignore[no-untyped-def]
    _rows(lead, PAGE_SIZE + 3, State.FAILED)
    client = as_user("coordinator")
    first = client.get("/reminders/attention").get_data(as_text=True)
    assert first.count('action="/reminders/attention/emails/') == PAGE_SIZE
    assert 'href="/reminders/attention?page=2"' in first and "govuk-pagination" in first
    second = client.get("/reminders/attention?page=2").get_data(as_text=True)
    assert second.count('action="/reminders/attention/emails/') == 3


def test_digests_that_need_attention_are_listed_and_resent(
    smtp: Inbox, eager: None, as_user, lead: User
) -> None:  # type: ignore[no-untyped-def]
    from tracker.models.messages import DigestRun, ReminderPreference

    db.session.add(ReminderPreference(user_id=lead.id, delivery="digest", digest_time=time(8, 0)))
    db.session.commit()
    smtp.fail_next[:] = ["554 5.7.1 Rejected"]
    with time_machine.travel(uk_instant(date(2027, 3, 1), time(9, 0)), tick=False):
        factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 2),
                                    closes_in_days=30, title="Alpha buses")
        db.session.commit()
        services.sweep()
        db.session.commit()
        (run,) = db.session.scalars(select(DigestRun)).all()
        assert run.state == State.FAILED
        client = as_user("coordinator")
        html = client.get("/reminders/attention?show=digests").get_data(as_text=True)
        assert "Digest of" in html and "1 item" in html and "554 5.7.1 Rejected" in html
        response = client.post(f"/reminders/attention/digests/{run.id}/resend", data={"version": run.claim_token},
                               follow_redirects=True)
    assert "The daily digest to" in response.get_data(as_text=True)
    assert len(smtp.messages) == 1 and "Alpha buses" in smtp.messages[0].get_body(("plain",)).get_content()
