"""`seed --scale N`: the benchmarks' data set is valid data the app reads back."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from tests.conftest import login
from tracker.extensions import db
from tracker.models import ActivityLog, Consultation, Status, User, UserSession
from tracker.models.drafts import Response, ResponseVersion, Submission
from tracker.models.intake import IntakeItem
from tracker.models.policy import FollowUp, PolicyAsk, ResponseAsk
from tracker.scale import seed_scale
from tracker.timeutil import utcnow


def _count(model: object) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0  # type: ignore[arg-type]


def test_scale_builds_a_network_the_pages_can_read(app) -> None:
    summary = seed_scale(300, echo=lambda line: None)
    db.session.commit()
    assert _count(Consultation) == 300 == summary.counts["consultation"]
    statuses = dict(db.session.execute(
        select(Consultation.status, func.count()).group_by(Consultation.status)).tuples().all())
    assert statuses.get(Status.SUBMITTED.value, 0) > 0 and statuses.get(Status.DRAFTING.value, 0) > 0
    open_ = sum(statuses.get(s.value, 0) for s in (Status.NEW, Status.TRIAGED, Status.ASSIGNED, Status.DRAFTING,
                                                   Status.IN_REVIEW, Status.APPROVED))
    assert open_ == 50  # a few hundred at 100,000; never fewer than 50
    # Every submission names a version of its own consultation's response.
    matching = db.session.scalar(
        select(func.count()).select_from(Submission)
        .join(ResponseVersion, ResponseVersion.id == Submission.version_id)
        .join(Response, Response.id == ResponseVersion.response_id)
        .where(Response.consultation_id == Submission.consultation_id)
    )
    assert matching == _count(Submission) > 0
    assert _count(ActivityLog) >= 300
    # Years of sign-ins, every one of them over: none signs anyone in.
    assert _count(UserSession) == 300 == summary.counts["user_session"]
    assert db.session.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.ended_at.is_(None), UserSession.expires_at > utcnow())) == 0

    coordinator = db.session.scalar(select(User).where(User.email == "coordinator@keycities.test"))
    assert coordinator is not None
    client = login(app.test_client(), coordinator)
    submitted = db.session.scalar(select(Consultation.id).where(Consultation.status == "submitted").limit(1))
    ask = db.session.scalar(select(PolicyAsk.id).join(ResponseAsk).limit(1))
    for path in ("/", "/consultations/", f"/consultations/{submitted}", f"/consultations/{submitted}/response",
                 "/consultations/library", "/intake/", "/policy/asks", f"/policy/asks/{ask}", "/policy/engagements",
                 "/reports", "/notifications", "/account"):
        assert client.get(path).status_code == 200, path
    # The rest of the network, in proportion: asks pressed in responses, the log, the inbox.
    assert summary.counts["policy_ask"] == 16 and summary.counts["engagement"] == 50
    assert _count(ResponseAsk) > 0 and _count(FollowUp) > 0
    assert db.session.scalar(select(func.count()).select_from(IntakeItem).where(IntakeItem.state == "pending")) == 60


def test_scale_twice_adds_more_without_clashing_ids() -> None:
    seed_scale(60, echo=lambda line: None)
    seed_scale(60, echo=lambda line: None)
    db.session.commit()
    assert _count(Consultation) == 120
    # Ids handed out afterwards by the database do not collide with the chosen ones.
    db.session.add(ActivityLog(action="check", message="", subject_type="test"))
    db.session.commit()


@pytest.mark.committed  # VACUUM runs outside any transaction, on a connection of its own
def test_seed_scale_command_leaves_statistics_for_the_planner(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["seed", "--scale", "60"])
    assert result.exit_code == 0, result.output
    assert "60 consultation" in result.output
    assert _count(Consultation) == 60
    if db.engine.dialect.name == "postgresql":
        analyzed = db.session.execute(text(
            "SELECT last_vacuum IS NOT NULL, last_analyze IS NOT NULL FROM pg_stat_user_tables "
            "WHERE relname = 'consultation'")).one()
        assert tuple(analyzed) == (True, True)
    else:
        assert db.session.scalar(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'consultation'"))
        # The statistics of these 60 rows would stay with the worker's database after its tables are
        # emptied, and steer the plans of the tests that run after this one: forget them (the
        # planner reads the emptied table again after ANALYZE of the schema).
        db.session.execute(text("DELETE FROM sqlite_stat1"))
        db.session.execute(text("ANALYZE sqlite_schema"))
        db.session.commit()
