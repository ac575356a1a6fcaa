"""Helpers for the consultation page tests: form data and fresh reads from the database."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tracker.extensions import db
from tracker.models import Consultation
from tracker.timeutil import uk_today


def date_parts(day: date | None) -> list[str]:
    """A GOV.UK date input's three boxes (day, month, year) as the browser sends them."""
    return ["", "", ""] if day is None else [str(day.day), str(day.month), str(day.year)]


def consultation_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Bus services: franchising guidance",
        "issuing_organisation": "Department for Transport",
        "url": "https://www.gov.uk/government/consultations/bus-franchising",
        "summary": "Seeking views on new guidance.",
        "opened_on": date_parts(uk_today() - timedelta(days=3)),
        "closes_on": date_parts(uk_today() + timedelta(days=30)),
        "closes_time": "23:59",
    }
    data.update(overrides)
    return data


def reload(consultation_id: int) -> Consultation:
    """The row as committed: drop whatever the request left in the shared session."""
    db.session.rollback()
    db.session.expire_all()
    row = db.session.get(Consultation, consultation_id)
    assert row is not None
    return row
