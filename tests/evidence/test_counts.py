"""The reports and the annual report count each member city's evidence contributions, against a
small set of requests counted by hand: a reply with evidence counts once per consultation (two
requests on one consultation are one contribution); "nothing to add" and no answer count nothing."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time

import pytest

from tests import factories
from tests.evidence.conftest import page_text
from tracker.extensions import db
from tracker.models import Consultation, Role, Status, User
from tracker.models.drafts import Submission
from tracker.models.evidence import EvidenceReply, EvidenceRequest
from tracker.policy import report
from tracker.reports import periods, queries
from tracker.timeutil import uk_instant

Q2 = periods.quarter_period(periods.Quarter(2026, 2))
W, P, N, S = "Wolverhampton", "Preston", "Newport", "Salford"


def _on(day: date) -> datetime:
    return uk_instant(day, time(10, 0))


def _consultation(title: str, received: date, submitted: date | None, lead: User) -> Consultation:
    c = factories.make_consultation(Status.SUBMITTED if submitted else Status.DRAFTING, title=title, lead=lead,
                                    closes_at=_on(date(2026, 12, 1)))
    c.created_at = _on(received)
    if submitted:
        db.session.add(Submission(consultation_id=c.id, method="email", submitted_at=_on(submitted), reference=""))
    return c


def _asked(c: Consultation, answers: dict[str, str]) -> None:
    request = EvidenceRequest(consultation_id=c.id, brief="Figures.", reply_by=date(2026, 11, 1))
    db.session.add(request)
    db.session.flush()
    db.session.add_all([EvidenceReply(request_id=request.id, city_id=factories.city(city).id, state=state)
                        for city, state in answers.items()])


@pytest.fixture
def evidence(users: dict[str, User]) -> None:
    lead = users["lead"]
    a = _consultation("A", date(2026, 4, 10), date(2026, 5, 20), lead)
    _asked(a, {W: "replied", P: "nothing_to_add", N: "awaited"})
    _asked(a, {W: "replied", S: "replied"})  # a second request: Wolverhampton still counts once for A
    b = _consultation("B", date(2026, 5, 1), date(2026, 6, 15), lead)
    _asked(b, {N: "replied", P: "replied"})
    c = _consultation("C", date(2026, 6, 1), None, lead)  # received in Q2, not submitted
    _asked(c, {P: "replied", W: "nothing_to_add"})
    d = _consultation("D", date(2026, 7, 5), date(2026, 8, 1), lead)  # received in Q3, submitted this year
    _asked(d, {W: "replied"})
    e = _consultation("E", date(2025, 12, 1), date(2026, 3, 1), lead)  # the financial year before
    _asked(e, {N: "replied"})
    db.session.commit()


def test_the_reports_count_the_consultations_each_city_gave_evidence_for(evidence: None, users) -> None:  # type: ignore[no-untyped-def]
    rows = {r.name: r.evidence for r in queries.report(Q2, users["coordinator"]).member_cities}
    # Received in 2026 Q2: A, B, C.
    assert {city: n for city, n in rows.items() if n} == {W: 1, P: 2, N: 1, S: 1}
    assert rows["Hull"] == 0
    preston = factories.make_user(Role.POLICY_LEAD, city_name="Preston")
    own = queries.report(Q2, preston).member_cities
    assert [(r.name, r.evidence) for r in own] == [(P, 2)]


def test_the_member_cities_download_has_the_column(evidence: None, as_user) -> None:  # type: ignore[no-untyped-def]
    body = as_user("coordinator").get("/reports/download.csv?table=member-cities&period=2026-Q2").get_data(as_text=True)
    rows = {r[0]: r[1:] for r in csv.reader(io.StringIO(body.lstrip("\ufeff")))}
    assert rows["city"][-1] == "gave_evidence"
    assert rows[P][-1] == "2" and rows[W][-1] == "1" and rows["Hull"][-1] == "0"


def test_the_annual_report_counts_the_years_responses_each_city_gave_evidence_for(evidence: None) -> None:
    data = report.build(2026, network="Key Cities", members=25)
    # Submitted in April 2026 to March 2027: A, B, D.
    assert data.evidence == [(N, 1), (P, 1), (S, 1), (W, 2)]
    assert data.totals.evidence_responses == 3
    assert ("Responses with local evidence from member cities", "3") in report.figures(data.totals)
    text = report.to_markdown(data, "Key Cities")
    assert "## Local evidence from member cities\n\n- Newport: 1 response\n- Preston: 1 response\n" \
           "- Salford: 1 response\n- Wolverhampton: 2 responses\n" in text
    assert "- Local evidence: 3 responses drew on member cities' evidence" in text
    before = report.build(2025, network="Key Cities", members=25)
    assert before.evidence == [(N, 1)] and before.totals.evidence_responses == 1


def test_the_annual_report_page_shows_the_table(evidence: None, as_user) -> None:  # type: ignore[no-untyped-def]
    shown = page_text(as_user("coordinator").get("/policy/report?year=2026"))
    assert "Local evidence from member cities" in shown
    assert "Newport 1 Preston 1 Salford 1 Wolverhampton 2" in shown
