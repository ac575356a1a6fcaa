"""Throttled sign-ins are counted in the activity log, one entry per account (or unknown email) and
address per minute, not written one row each: a flood of refused attempts cannot flood the log, and
admins still see it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from tests.auth.conftest import sign_in
from tests.conftest import login
from tracker.extensions import db
from tracker.models import ActivityLog, User

# A fixed moment, so that the attempts of one minute stay in it: 10:15:05 UK time (BST).
AT = datetime(2026, 6, 1, 9, 15, 5, tzinfo=UTC)


def _throttled() -> list[ActivityLog]:
    db.session.expire_all()
    return list(db.session.scalars(
        select(ActivityLog).where(ActivityLog.action == "sign_in_throttled").order_by(ActivityLog.id)))


def test_a_flood_of_throttled_attempts_is_one_counted_entry_a_minute(
        app: Flask, admin: User, lead: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_LIMIT", "20 per 15 minutes")
    with time_machine.travel(AT, tick=False) as clock:
        for n in range(10):
            assert sign_in(app.test_client(), lead.email, f"a-guess-{n}").status_code == 401
        for n in range(25):
            assert sign_in(app.test_client(), lead.email, f"more-{n}").status_code == 429
        [entry] = _throttled()
        assert entry.subject_id == lead.id
        assert entry.message == (f"Sign-in for {lead.email} from 127.0.0.1 refused 25 times within the minute: "
                                 "too many failed attempts")

        # Unknown emails from the same address, once the address is throttled too: an entry of their own.
        for n in range(10):
            assert sign_in(app.test_client(), f"nobody{n}@example.test", "whatever-it-is").status_code == 401
        for n in range(3):
            assert sign_in(app.test_client(), f"someone{n}@example.test", "whatever-it-is").status_code == 429
        entries = _throttled()
        assert [(e.subject_id, e.message.split(" refused")[1]) for e in entries] == [
            (lead.id, " 25 times within the minute: too many failed attempts"),
            (None, " 3 times within the minute: too many failed attempts")]

        # The next minute starts a new entry.
        clock.shift(timedelta(minutes=1))
        assert sign_in(app.test_client(), lead.email).status_code == 429
        entries = _throttled()
        assert len(entries) == 3
        assert entries[-1].message == f"Sign-in for {lead.email} from 127.0.0.1 refused: too many failed attempts"

        page = login(app.test_client(), admin).get("/admin/activity").get_data(as_text=True)
    assert "refused 25 times within the minute: too many failed attempts" in page
    assert "Sign-in for an unknown email address from 127.0.0.1 refused 3 times within the minute" in page
    assert "Throttled" not in page  # the count is said in words, not as a raw field
