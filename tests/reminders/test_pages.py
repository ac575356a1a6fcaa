"""Notification list, preferences, network defaults, the admin page, panels and notify()."""

from __future__ import annotations

from datetime import date, time

import time_machine
from sqlalchemy import select

from tests import factories
from tests.reminders.conftest import Inbox
from tests.reminders.test_sweep import at, reminder_rows, sweep
from tracker.extensions import db
from tracker.messaging.notify import notify
from tracker.models import Status, User
from tracker.models.messages import Notification, ReminderPreference, ReminderSettings, State


def test_notifications_list_shows_the_reminders_and_marks_them_read(
    smtp: Inbox, eager: None, lead: User, as_user
) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        c = factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 3),
                                        closes_in_days=20, title="Local bus franchising")
        db.session.commit()
        sweep()
    client = as_user("lead")
    html = client.get("/notifications").get_data(as_text=True)
    assert "Local bus franchising" in html and "1 unread" in html
    assert f"/consultations/{c.id}" in html
    dashboard = client.get("/").get_data(as_text=True)
    assert "Local bus franchising" in dashboard and "1 new" in dashboard
    response = client.post("/notifications/read", follow_redirects=True)
    assert "Marked 1 notification as read" in response.get_data(as_text=True)
    (n,) = db.session.scalars(select(Notification)).all()
    db.session.refresh(n)
    assert n.read_at is not None
    # Nobody else sees it.
    assert "Local bus franchising" not in as_user("other_lead").get("/notifications").get_data(as_text=True)


def test_preferences_are_saved_and_bad_input_gets_a_clear_message(lead: User, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("lead")
    page = client.get("/account/preferences")
    assert page.status_code == 200 and "using the network's defaults" in page.get_data(as_text=True)
    bad = client.post("/account/preferences", data={"delivery": "digest", "digest_time": "25:99", "points": ["before_1"]})
    assert bad.status_code == 200
    assert "24-hour clock" in bad.get_data(as_text=True)
    assert db.session.scalar(select(ReminderPreference)) is None
    odd = client.post("/account/preferences", data={"delivery": "carrier-pigeon", "digest_time": "08:00"})
    assert odd.status_code == 200 and "Not a valid choice" in odd.get_data(as_text=True)
    ok = client.post("/account/preferences",
                     data={"delivery": "digest", "digest_time": "7.45", "points": ["before_1", "overdue"]},
                     follow_redirects=True)
    assert "preferences are saved" in ok.get_data(as_text=True)
    row = db.session.scalar(select(ReminderPreference).where(ReminderPreference.user_id == lead.id))
    assert row is not None and row.delivery == "digest" and row.digest_time == time(7, 45)
    assert row.points == ["before_1", "overdue"]


def test_coordinators_set_network_defaults_that_apply_to_everyone_without_their_own(
    smtp: Inbox, eager: None, lead: User, as_user
) -> None:  # type: ignore[no-untyped-def]
    assert as_user("lead").get("/admin/reminder-settings").status_code == 403
    assert as_user("lead").post("/admin/reminder-settings", data={"delivery": "none"}).status_code == 403
    client = as_user("coordinator")
    assert client.get("/admin/reminder-settings").status_code == 200
    saved = client.post("/admin/reminder-settings",
                        data={"delivery": "none", "digest_time": "09:00", "points": ["before_3"]},
                        follow_redirects=True)
    assert "defaults are saved" in saved.get_data(as_text=True)
    settings = db.session.scalar(select(ReminderSettings))
    assert settings is not None and settings.delivery == "none" and settings.points == ["before_3"]
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 4), closes_in_days=20)
        db.session.commit()
        sweep()
    (row,) = reminder_rows()
    assert row.kind == "before_3" and row.state == State.SKIPPED  # in-app only, by the network default
    assert smtp.messages == []
    assert db.session.scalar(select(Notification)) is not None


def test_admin_reminders_page_is_for_admins_only(as_user) -> None:  # type: ignore[no-untyped-def]
    assert as_user("coordinator").get("/admin/reminders").status_code == 403
    assert as_user("anonymous").get("/admin/reminders").status_code in (302, 401)
    assert as_user("admin").get("/admin/reminders").status_code == 200
    assert as_user("admin").get("/admin/reminders?state=bogus").status_code == 400


def test_dashboard_opens_with_what_closes_within_a_week_without_approval(as_user, lead: User) -> None:  # type: ignore[no-untyped-def]
    factories.make_consultation(Status.DRAFTING, lead=lead, closes_in_days=2, title="Urgent drafting one")
    factories.make_consultation(Status.APPROVED, lead=lead, closes_in_days=2, title="Approved already")
    factories.make_consultation(Status.DRAFTING, lead=lead, closes_in_days=10, title="Plenty of time")
    db.session.commit()
    page = as_user("contributor").get("/").get_data(as_text=True)
    start = page.index('id="urgent"')
    html = page[start : page.index("</table>", start)]
    assert start < page.index("kc-reminders-panel")  # at the top, no longer below the notifications
    assert "1 consultation needs attention now" in html
    assert "closing within 7 days without an approved response" in html
    assert "Urgent drafting one" in html
    assert "Approved already" not in html and "Plenty of time" not in html


def test_consultation_page_lists_its_reminders(smtp: Inbox, eager: None, lead: User, as_user) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(at(date(2027, 3, 1)), tick=False):
        c = factories.make_consultation(Status.DRAFTING, lead=lead, internal_deadline=date(2027, 3, 3),
                                        closes_in_days=20)
        db.session.commit()
        sweep()
    html = as_user("coordinator").get(f"/consultations/{c.id}").get_data(as_text=True)
    assert "3 working days before the internal deadline" in html and "Lena Lead" in html and "Sent" in html


def test_notify_emails_only_after_commit(smtp: Inbox, eager: None, coordinator: User, lead: User) -> None:
    notify([coordinator, lead], kind="intake_new", subject="12 new consultations imported", body="From GOV.UK")
    db.session.flush()
    assert smtp.messages == []  # not before the commit
    db.session.rollback()
    assert smtp.messages == [] and db.session.scalar(select(Notification)) is None
    notes = notify([coordinator, coordinator], kind="intake_new", subject="3 new consultations imported", body="")
    assert len(notes) == 1
    db.session.commit()
    assert [str(m["Subject"]) for m in smtp.messages] == ["3 new consultations imported"]
    assert smtp.messages[0]["To"] == coordinator.email
