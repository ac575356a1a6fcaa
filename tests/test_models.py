from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests import factories
from tracker.extensions import db
from tracker.models import Consultation, Status


def test_an_instant_with_an_offset_comes_back_as_the_same_instant():
    pacific = timezone(timedelta(hours=-8))
    stored = datetime(2026, 12, 3, 13, 30, tzinfo=pacific)
    consultation = factories.make_consultation(Status.NEW, closes_at=stored)
    db.session.commit()
    consultation_id = consultation.id
    db.session.expire_all()
    db.session.remove()

    loaded = db.session.get(Consultation, consultation_id)
    assert loaded.closes_at == stored
    assert loaded.closes_at.utcoffset() == timedelta(0)
    assert loaded.closes_at == datetime(2026, 12, 3, 21, 30, tzinfo=UTC)
    # And the database itself holds 21:30 UTC, not 13:30.
    raw = db.session.execute(text("SELECT closes_at FROM consultation WHERE id = :id"), {"id": consultation_id}).scalar()
    assert "21:30" in str(raw)


def test_naive_datetimes_are_refused():
    consultation = factories.make_consultation(Status.NEW)
    consultation.closes_at = datetime(2026, 12, 3, 13, 30)
    with pytest.raises(Exception, match="naive datetime"):
        db.session.flush()
    db.session.rollback()


def test_foreign_keys_are_enforced():
    consultation = factories.make_consultation(Status.NEW)
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE consultation SET lead_city_id = 999999 WHERE id = :id"), {"id": consultation.id})
        db.session.flush()
    db.session.rollback()
