"""`flask seed --demo` gives the reports page something in every chart and quarter."""

from __future__ import annotations

import lxml.html
import time_machine
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import Consultation
from tracker.reports import demo, periods, queries
from tracker.seed import seed_demo


# A day whose last 12 months start with a month-long part of a quarter (2 to 31 December).
@time_machine.travel("2026-12-01 12:00Z", tick=False)
def test_the_demo_fills_every_quarter_and_chart(as_user, coordinator) -> None:  # type: ignore[no-untyped-def]
    seed_demo()
    db.session.commit()
    report = queries.report(periods.last_12_months(), coordinator)
    assert all(r.counts.received > 0 for r in report.by_quarter), [(r.label, r.counts.received) for r in report.by_quarter]
    total = report.total
    assert total.submitted >= 8 and total.missed >= 3 and total.monitor >= 2 and total.no_response >= 2
    assert 0 < total.by_internal_deadline < total.before_closing <= total.submitted
    assert total.taken_up_yes and total.taken_up_partly and total.taken_up_no
    assert total.average_supporting_cities is not None and total.average_supporting_cities > 1
    assert sum(1 for r in report.by_work_area if r.counts.received) == 9
    members = {c.name: c for c in report.member_cities}
    assert members["Newport"].contributed > 0 and members["Hull"].led > 0

    html = as_user("coordinator").get("/reports").get_data(as_text=True)
    assert len(lxml.html.fromstring(html).xpath("//img[contains(@class, 'kc-chart__image')]")) == 3


def test_the_reports_demo_is_idempotent(coordinator) -> None:  # type: ignore[no-untyped-def]
    seed_demo()
    before = db.session.scalar(select(func.count()).select_from(Consultation))
    assert demo.seed_demo() == 0
    assert db.session.scalar(select(func.count()).select_from(Consultation)) == before


def test_the_past_demo_consultations_open(as_user) -> None:  # type: ignore[no-untyped-def]
    seed_demo()
    db.session.commit()
    titles = [row[0] for row in demo._PAST]
    rows = db.session.execute(select(Consultation.id, Consultation.status).where(Consultation.title.in_(titles))).all()
    assert len(rows) == len(titles)
    client = as_user("coordinator")
    for cid, status in rows:
        assert client.get(f"/consultations/{cid}").status_code == 200, cid
        if status in ("submitted", "outcome_published"):
            page = client.get(f"/consultations/{cid}/response")
            assert page.status_code == 200, cid
            assert "The Key Cities network welcomes the opportunity" in page.get_data(as_text=True)
