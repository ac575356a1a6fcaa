"""The annual report to the LGA Leadership Board: a financial year's figures against a fixture
worked out by hand (the year's edges in UK time included), the page, the DOCX and Markdown
downloads, and the introduction (coordinators only, saved per year, stale saves refused)."""

from __future__ import annotations

import io
from datetime import date, datetime, time

from docx import Document
from sqlalchemy import select

from tests import factories
from tests.policy.conftest import page_text
from tracker.extensions import db
from tracker.models import Status
from tracker.models.policy import (
    AnnualReport,
    ConsultationPartner,
    Engagement,
    EngagementPartner,
    PartnerNetwork,
    ResponseAsk,
)
from tracker.policy import report
from tracker.timeutil import uk_instant

YEAR = 2025  # April 2025 to March 2026


def uk(day: date, clock: time) -> datetime:
    return uk_instant(day, clock)


def _partner(name: str) -> int:
    row = db.session.scalar(select(PartnerNetwork.id).where(PartnerNetwork.name == name))
    assert row is not None
    return row


def _engagement(day: date, kind: str, title: str, area: str | None, users) -> Engagement:  # type: ignore[no-untyped-def]
    row = Engagement(occurred_on=day, kind=kind, title=title, attendees="Someone",
                     work_area_id=factories.work_area(area).id if area else None, notes="", version=1,
                     created_by_id=users["coordinator"].id)
    db.session.add(row)
    db.session.flush()
    return row


def _fixture(make_response, make_ask, users) -> dict[str, int]:  # type: ignore[no-untyped-def]
    bus, rail = make_ask("Five-year bus funding"), make_ask("Rail devolution")
    homes = make_ask("Decent homes enforcement", area="Housing", city="Salford")
    # In the year: the first minutes of 1 April 2025 and the last of 31 March 2026 (BST), UK time.
    first = make_response(Status.OUTCOME_PUBLISHED, title="Bus reform", submitted_at=uk(date(2025, 4, 1), time(0, 30)))
    last = make_response(Status.SUBMITTED, title="Rail reform", submitted_at=uk(date(2026, 3, 31), time(23, 30)))
    autumn = make_response(Status.SUBMITTED, title="Renters reform", area="Housing",
                           submitted_at=uk(date(2025, 10, 10), time(12, 0)))
    # Outside it: the evening before, and 00:30 on 1 April 2026 (23:30 on 31 March in UTC).
    before = make_response(Status.OUTCOME_PUBLISHED, title="Old homes response", area="Housing",
                           submitted_at=uk(date(2025, 3, 31), time(23, 30)))
    after = make_response(Status.SUBMITTED, title="Next year's homes response", area="Housing",
                          submitted_at=uk(date(2026, 4, 1), time(0, 30)))
    drafting = make_response(Status.DRAFTING, title="Unsubmitted")
    db.session.add_all([
        ResponseAsk(consultation_id=first.id, ask_id=bus.id, taken_up="full"),
        ResponseAsk(consultation_id=first.id, ask_id=rail.id, taken_up="part"),
        ResponseAsk(consultation_id=last.id, ask_id=bus.id, taken_up="not"),
        ResponseAsk(consultation_id=autumn.id, ask_id=homes.id),
        ResponseAsk(consultation_id=before.id, ask_id=homes.id, taken_up="full"),
        ResponseAsk(consultation_id=after.id, ask_id=homes.id),
        ResponseAsk(consultation_id=drafting.id, ask_id=bus.id),
        ConsultationPartner(consultation_id=first.id, partner_id=_partner("Core Cities"), role="co_signatory"),
        ConsultationPartner(consultation_id=before.id, partner_id=_partner("Core Cities"), role="partner"),
    ])
    minister = _engagement(date(2025, 6, 1), "minister", "Buses Minister", "Transport", users)
    db.session.add(EngagementPartner(engagement_id=minister.id, partner_id=_partner("Local Government Association")))
    _engagement(date(2025, 7, 1), "officials", "MHCLG officials", "Housing", users)
    _engagement(date(2026, 3, 31), "appg", "APPG spring meeting", None, users)
    _engagement(date(2025, 4, 1), "media", "Radio interview", "Transport", users)
    _engagement(date(2026, 4, 1), "appg", "APPG next year", None, users)
    _engagement(date(2025, 3, 31), "mp_briefing", "Briefing last year", "Transport", users)
    db.session.commit()
    return {"first": first.id, "last": last.id, "autumn": autumn.id}


def test_the_years_figures_match_the_hand_count(make_response, make_ask, users) -> None:  # type: ignore[no-untyped-def]
    _fixture(make_response, make_ask, users)
    data = report.build(YEAR, network="Key Cities", members=25)
    t = data.totals
    assert (t.responses, t.asks_made, t.asks_full, t.asks_part, t.asks_not, t.asks_unknown) == (3, 4, 1, 1, 1, 1)
    assert t.engagements == 4
    assert t.by_kind == {"minister": 1, "officials": 1, "appg": 1, "media": 1}
    assert (t.joint_responses, t.co_signed, t.joint_engagements) == (1, 1, 1)
    assert [s.name for s in data.sections] == ["Housing", "Transport", "Across the network"]
    housing, transport, network = data.sections
    assert [r["title"] for r in transport.responses] == ["Bus reform", "Rail reform"]
    assert [r["title"] for r in housing.responses] == ["Renters reform"]
    assert [(a["title"], a["taken_up"]) for a in transport.taken_up] == [("Five-year bus funding", "full"),
                                                                         ("Rail devolution", "part")]
    assert [e["title"] for e in transport.ministerial] == ["Buses Minister"]
    assert [e["title"] for e in transport.other_engagements] == ["Radio interview"]
    assert [e["title"] for e in housing.ministerial] == ["MHCLG officials"]
    assert [e["title"] for e in network.appg] == ["APPG spring meeting"]
    assert transport.joint == ["Response: Bus reform (with Core Cities (co-signatory))",
                               "Meeting with a minister: Buses Minister (with Local Government Association)"]
    # The year before holds what fell on its last evening.
    before = report.build(YEAR - 1, network="Key Cities", members=25).totals
    assert (before.responses, before.asks_full, before.engagements, before.by_kind) == (1, 1, 1, {"mp_briefing": 1})


def test_financial_years_run_april_to_march() -> None:
    assert report.financial_year(date(2026, 3, 31)) == 2025
    assert report.financial_year(date(2026, 4, 1)) == 2026
    assert report.year_label(2025) == "2025/26" and report.year_label(2099) == "2099/00"
    assert report.year_bounds(2025) == (date(2025, 4, 1), date(2026, 4, 1))


def test_the_page_and_the_downloads_show_the_figures(as_user, make_response, make_ask, users) -> None:  # type: ignore[no-untyped-def]
    ids = _fixture(make_response, make_ask, users)
    client = as_user("contributor")
    page = client.get(f"/policy/report?year={YEAR}")
    assert page.status_code == 200
    shown = page_text(page)
    assert "Key activities and outcomes 2025/26" in shown and "1 April 2025 to 31 March 2026" in shown
    for figure in ("Consultation responses submitted 3", "Asks made in them 4", "Asks taken up in full 1",
                   "Asks taken up in part 1", "Asks not taken up 1", "Engagements 4", "Meeting with a minister 1",
                   "APPG meeting 1", "Briefing to MPs 0", "Responses with partner networks 1 (1 co-signed)"):
        assert figure in shown, figure
    assert f'href="/consultations/{ids["first"]}"' in page.get_data(as_text=True)
    assert "Old homes response" not in shown and "Next year's homes response" not in shown
    assert "Edit the introduction" not in shown and 'name="introduction"' not in page.get_data(as_text=True)

    docx = client.get(f"/policy/report/{YEAR}.docx")
    assert docx.status_code == 200 and docx.headers["Content-Disposition"].endswith('2025-26.docx"')
    doc = Document(io.BytesIO(docx.data))
    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs]
    assert ("Title", "Key Cities: key activities and outcomes 2025/26") in paragraphs
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert headings == ["Our aim", "The year in figures", "Housing", "Transport", "Across the network"]
    texts = [text for _, text in paragraphs]
    assert "Consultation responses submitted: 3" in texts
    assert "Asks made in them: 4; taken up in full: 1; in part: 1; not taken up: 1; not known yet: 1" in texts
    assert any(t.startswith("Bus reform, Department for Transport, submitted 1 April 2025") for t in texts)

    markdown = client.get(f"/policy/report/{YEAR}.md").get_data(as_text=True)
    assert markdown.startswith("# Key Cities: key activities and outcomes 2025/26\n")
    assert "- Five-year bus funding (in Bus reform): taken up in full" in markdown

    assert client.get("/policy/report?year=1999").status_code == 404
    assert client.get("/policy/report?year=20x5").status_code == 404
    assert client.get("/policy/report/3000.docx").status_code == 404


def test_the_introduction_is_saved_per_year_and_a_stale_save_is_refused(as_user) -> None:  # type: ignore[no-untyped-def]
    coordinator = as_user("coordinator")
    saved = coordinator.post(f"/policy/report/{YEAR}/introduction",
                             data={"version": "0", "introduction": "A year of **multi-year funding** asks."})
    assert saved.status_code == 302
    page = coordinator.get(f"/policy/report?year={YEAR}")
    assert "<strong>multi-year funding</strong>" in page.get_data(as_text=True)
    assert "No introduction written for 2024/25 yet." in page_text(coordinator.get(f"/policy/report?year={YEAR - 1}"))
    second = coordinator.post(f"/policy/report/{YEAR}/introduction", data={"version": "1", "introduction": "Second."})
    assert second.status_code == 302
    stale = as_user("admin").post(f"/policy/report/{YEAR}/introduction",
                                  data={"version": "1", "introduction": "The admin's own words."})
    assert stale.status_code == 409
    assert "Cora Coordinator changed the 2025/26 introduction" in page_text(stale)
    assert "The admin's own words." in page_text(stale)
    # A second "first" introduction, from a page that showed none, is stale too.
    assert as_user("admin").post(f"/policy/report/{YEAR}/introduction",
                                 data={"version": "0", "introduction": "Also first."}).status_code == 409
    too_long = coordinator.post(f"/policy/report/{YEAR}/introduction", data={"version": "2", "introduction": "x" * 20_001})
    assert too_long.status_code == 400 and "20,000 characters or fewer" in page_text(too_long)
    assert as_user("lead").post(f"/policy/report/{YEAR}/introduction",
                                data={"version": "2", "introduction": "Lead's"}).status_code == 403
    db.session.expire_all()
    row = db.session.scalars(select(AnnualReport)).one()
    assert (row.year, row.introduction, row.version) == (YEAR, "Second.", 2)
