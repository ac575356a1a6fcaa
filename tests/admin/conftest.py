"""Fixtures of the admin tests: a user to act on, a DB fingerprint."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests import factories
from tracker.extensions import db
from tracker.models import ActivityLog, City, Role, User, UserSession, WorkArea


@pytest.fixture
def target() -> User:
    """An account for the admin pages to change (a Salford contributor)."""
    user = factories.make_user(Role.CONTRIBUTOR, city_name="Salford", name="Tess Target",
                               email="tess.target@example.test")
    db.session.commit()
    return user


def db_state() -> dict[str, Any]:
    """Everything the admin pages can change, read on a fresh connection."""
    with db.engine.connect() as conn:
        return {
            "users": conn.execute(select(
                User.id, User.email, User.name, User.job_title, User.role, User.city_id, User.is_enabled,
                User.password_hash).order_by(User.id)).all(),
            "sessions": conn.execute(select(UserSession.id, UserSession.ended_at).order_by(UserSession.id)).all(),
            "cities": conn.execute(select(City.id, City.name, City.nation, City.is_member).order_by(City.id)).all(),
            "areas": conn.execute(select(
                WorkArea.id, WorkArea.name, WorkArea.description, WorkArea.lead_city_id).order_by(WorkArea.id)).all(),
            "activity": conn.execute(select(ActivityLog.id).order_by(ActivityLog.id)).all(),
        }
