"""The demo data `make run` loads: asks with a track record, engagements with follow-ups, and a
populated annual report for this financial year; loading it twice adds nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models.policy import Engagement, FollowUp, PolicyAsk, ResponseAsk
from tracker.policy import demo, report, services
from tracker.seed import seed_demo


@pytest.mark.committed  # the demo's seed commits as `flask seed --demo` does
def test_the_demo_shows_asks_engagements_and_a_populated_report() -> None:
    seed_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(PolicyAsk)) == len(demo.ASKS)
    assert db.session.scalar(select(func.count()).select_from(ResponseAsk).where(ResponseAsk.taken_up.is_not(None))) == 2
    assert db.session.scalar(select(func.count()).select_from(Engagement)) == 4
    assert db.session.scalar(select(func.count()).select_from(FollowUp).where(FollowUp.done_at.is_(None))) == 2
    # The engagements fall in this financial year whatever the day (the responses follow the demo
    # consultations' dates, which early in April may fall in the year before).
    data = report.build(report.financial_year(), network="Key Cities", members=25)
    assert data.totals.engagements == 4 and data.totals.by_kind["appg"] == 1
    assert services.get_report(report.financial_year()) is not None
    demo.seed_demo()
    assert db.session.scalar(select(func.count()).select_from(Engagement)) == 4
