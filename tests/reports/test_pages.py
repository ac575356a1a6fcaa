"""The reports page as each role sees it: its tables, charts, errors and empty state."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import lxml.html
import pytest
from flask_sqlalchemy.record_queries import get_recorded_queries

from tests import factories
from tests.drafts.test_templates_query_nothing import _statements_while_rendering
from tracker.extensions import db
from tracker.models import Status

Q2 = "/reports?period=2026-Q2"


def _table(html: str, table_id: str) -> list[list[str]]:
    """The rows of the table inside #table_id, header row first, cells' text."""
    doc = lxml.html.fromstring(html)
    table = doc.get_element_by_id(table_id).find(".//table")
    return [[" ".join(cell.text_content().split()) for cell in row] for row in table.iter("tr")]


def _rows(html: str, table_id: str) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in _table(html, table_id)[1:]}


def test_the_coordinator_sees_the_networks_numbers(network, as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("coordinator").get(Q2)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "2026 Q2: 1 April 2026 to 30 June 2026" in html
    header = _table(html, "quarters")[0]
    assert header == ["Quarter", "Received", "Respond", "Monitor only", "No response", "Submitted",
                      "Submitted by the internal deadline", "Submitted before closing", "Missed",
                      "Supporting cities per response", "Outcome published", "Every ask taken up",
                      "Some asks taken up", "No ask taken up"]
    quarters = _rows(html, "quarters")
    # received, respond, monitor, no response, submitted, by deadline, before closing, missed,
    # average supporters, outcome published, in full, in part, not
    assert quarters["2026 Q2"] == ["7", "4", "1", "1", "3", "1", "2", "1", "1.3", "2", "0", "1", "1"]
    assert quarters["Total"] == quarters["2026 Q2"]
    areas = _rows(html, "work-areas")
    assert areas["Transport"][:5] == ["4", "3", "1", "0", "2"]
    assert areas["Culture"][0] == "0" and areas["Culture"][8] == "–"  # no average without a submission
    assert areas["No work area"][0] == "1"
    assert list(_rows(html, "lead-cities")) == ["Hull", "Salford", "No lead city yet", "Total"]
    members = _rows(html, "member-cities")
    assert members["Newport"] == ["0", "2", "1", "0"] and members["Hull"] == ["3", "0", "1", "0"]
    assert _rows(html, "outcomes") == {"Government response published": ["2"], "Outcomes: every ask taken up": ["0"],
                                       "Outcomes: some asks taken up": ["1"], "Outcomes: no ask taken up": ["1"]}


def _charts(html: str) -> list[Any]:
    return lxml.html.fromstring(html).xpath("//img[contains(@class, 'kc-chart__image')]")


def test_charts_are_svg_images_without_script(network, as_user) -> None:  # type: ignore[no-untyped-def]
    html = as_user("coordinator").get(Q2).get_data(as_text=True)
    images = _charts(html)
    assert len(images) == 3
    for image in images:
        src = image.get("src")
        assert src.startswith("data:image/svg+xml;base64,")
        svg = base64.b64decode(src.split(",", 1)[1]).decode("utf-8")
        assert svg.startswith("<svg") and "<script" not in svg
        assert "the table that follows" in image.get("alt")
    quarters_svg = base64.b64decode(images[0].get("src").split(",", 1)[1]).decode("utf-8")
    assert "2026 Q2" in quarters_svg and "Received" in quarters_svg and "Missed" in quarters_svg
    # The chart comes before its table.
    assert html.index(images[0].get("src")) < html.index('id="quarters"')


def test_a_policy_lead_sees_their_citys(network, as_user) -> None:  # type: ignore[no-untyped-def]
    html = as_user("lead").get(Q2).get_data(as_text=True)
    assert "Consultations led by Hull" in html
    assert _rows(html, "quarters")["2026 Q2"] == ["3", "3", "0", "0", "2", "0", "1", "1", "1.5", "1", "0", "0", "1"]
    assert list(_rows(html, "lead-cities")) == ["Hull", "Total"]
    assert list(_rows(html, "member-cities")) == ["Hull"]
    assert "Salford" not in html.split('id="work-areas"')[1].split('id="member-cities"')[0]


def test_a_contributor_of_a_city_that_leads_nothing(network, as_user) -> None:  # type: ignore[no-untyped-def]
    html = as_user("contributor").get(Q2).get_data(as_text=True)  # Cai, of Newport
    assert "No consultations were received in this period for Newport to lead" in html
    assert _rows(html, "member-cities") == {"Newport": ["0", "2", "1", "0"]}
    assert _charts(html) == []


def test_an_empty_period(network, as_user) -> None:  # type: ignore[no-untyped-def]
    response = as_user("coordinator").get("/reports?period=2025-Q1")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "No consultations were received in this period" in html
    assert _charts(html) == []
    assert 'id="quarters"' not in html


def test_the_default_is_the_last_12_months(as_user) -> None:  # type: ignore[no-untyped-def]
    factories.make_consultation(Status.NEW)  # received now
    db.session.commit()
    response = as_user("contributor").get("/reports")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The last 12 months" in html
    assert '<option value="last-12-months" selected' in html
    client = as_user("coordinator")
    assert _rows(client.get("/reports").get_data(as_text=True), "quarters")["Total"][0] == "1"


def test_reports_is_in_the_navigation(as_user) -> None:  # type: ignore[no-untyped-def]
    html = as_user("contributor").get("/").get_data(as_text=True)
    nav = lxml.html.fromstring(html).xpath("//nav//a[@href='/reports']")
    assert [" ".join(a.text_content().split()) for a in nav] == ["Reports"]


def test_signed_out_people_are_sent_to_sign_in(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(Q2)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/reports/download.csv?table=quarters").status_code == 302


CUSTOM = "/reports?period=custom"


@pytest.mark.parametrize(("query", "message"), [
    ("?period=nonsense", "Choose a period from the list"),
    ("?period=2026-Q5", "Choose a period from the list"),
    ("?period=1999-Q4", "Choose a period from the list"),
    ("?period=custom", "Enter the start date"),
    ("?period=custom&start=1&start=4&start=2026", "Enter the end date"),
    ("?period=custom&start=1&start=4&start=2026&end=31&end=3&end=2026",
     "The end date must be the same as or after the start date"),
    ("?period=custom&start=31&start=2&start=2026&end=1&end=3&end=2026", "Start date must be a real date"),
    ("?period=custom&start=1&start=1&start=" + "9" * 40 + "&end=1&end=3&end=2026", "Year must include 4 numbers"),
    ("?period=custom&start=1&start=&start=2026&end=1&end=3&end=2026", "Start date must include a month"),
    ("?period=custom&start=1&start=1&start=1990&end=1&end=3&end=2026", "The start date must be on or after"),
    ("?period=custom&start=1&start=1&start=2001&end=1&end=3&end=2026", "Choose a range of at most 10 years"),
    # A fourth box is ignored; a NUL byte is refused before any page (tracker/routing.py).
    ("?period=custom&start=1&start=1&start=2026&end=1&end=3&end=2026&end=x", ""),
    ("?period=%00", "Sorry, there is a problem with the request"),
])
def test_bad_periods_are_form_errors(as_user, query: str, message: str) -> None:  # type: ignore[no-untyped-def]
    response = as_user("coordinator").get("/reports" + query)
    html = response.get_data(as_text=True)
    if message:
        assert response.status_code == 400
        assert message in html
    else:
        assert response.status_code == 200


def test_what_was_typed_is_kept(as_user) -> None:  # type: ignore[no-untyped-def]
    html = as_user("coordinator").get(
        "/reports?period=custom&start=1&start=4&start=2026&end=31&end=3&end=2026").get_data(as_text=True)
    doc = lxml.html.fromstring(html)
    assert [i.get("value") for i in doc.xpath("//input[@name='start']")] == ["1", "4", "2026"]
    assert [i.get("value") for i in doc.xpath("//input[@name='end']")] == ["31", "3", "2026"]
    # The dates' own form says it asks for them.
    dates_form = doc.xpath("//input[@name='start']/ancestor::form")[0]
    assert [i.get("value") for i in dates_form.xpath(".//input[@name='period']")] == ["custom"]
    assert dates_form.xpath(".//select") == []


def test_a_custom_range(network, as_user) -> None:  # type: ignore[no-untyped-def]
    html = as_user("coordinator").get(
        "/reports?period=custom&start=1&start=1&start=2026&end=30&end=9&end=2026").get_data(as_text=True)
    assert "1 January 2026 to 30 September 2026" in html
    quarters = _rows(html, "quarters")
    assert [(k, v[0]) for k, v in quarters.items()] == [("2026 Q1", "1"), ("2026 Q2", "7"), ("2026 Q3", "1"),
                                                        ("Total", "9")]
    # The downloads ask for the same range.
    link = lxml.html.fromstring(html).xpath("//*[@id='quarters']//a")[0].get("href")
    assert "period=custom" in link and "start=1&start=1&start=2026" in link


def test_an_older_quarter_from_the_address_is_offered(network, as_user) -> None:  # type: ignore[no-untyped-def]
    html = as_user("coordinator").get("/reports?period=2019-Q4").get_data(as_text=True)
    assert '<option value="2019-Q4" selected' in html


@pytest.mark.parametrize("role", ["coordinator", "lead", "contributor"])
def test_no_statement_runs_while_the_page_renders(app, network, as_user, role: str) -> None:  # type: ignore[no-untyped-def]
    client = as_user(role)
    for path in (Q2, "/reports?period=2025-Q1", "/reports?period=custom"):
        db.session.expunge_all()
        with _statements_while_rendering(app) as seen:
            response = client.get(path)
        assert response.status_code in (200, 400), path
        assert seen == [], f"{path} as {role} queried while rendering:\n" + "\n".join(seen)


def _statements(client: Any, path: str) -> int:
    client.get(path)
    db.session.expunge_all()
    start = len(get_recorded_queries())
    assert client.get(path).status_code == 200
    return len(get_recorded_queries()) - start


@pytest.mark.parametrize("role", ["coordinator", "lead"])
def test_the_same_statements_whatever_the_data(network, as_user, role: str) -> None:  # type: ignore[no-untyped-def]
    client = as_user(role)
    path = "/reports?period=custom&start=1&start=1&start=2026&end=30&end=9&end=2026"
    received = network.by_name["C"].created_at
    before = _statements(client, path)
    for n in range(30):
        c = factories.make_consultation(Status.SUBMITTED if n % 2 else Status.MISSED, city_name="Hull",
                                        area=["Transport", "Housing", "Culture"][n % 3])
        c.created_at = received
    db.session.commit()
    assert _statements(client, path) == before


HOSTILE = [str(2**31), str(10**40), "-1", "0", "1e99", "abc", "\u00b2", "x" * 3000, "2026-Q0", "9999-Q4", "custom"]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize(("path", "table"), [("/reports", {}), ("/reports/download.csv", {"table": "quarters"}),
                                             ("/reports/download.xlsx", {"table": "consultations"}),
                                             ("/reports/download.csv", {"table": "x" * 300})])
def test_hostile_periods_never_fail(as_user, path: str, table: dict[str, str], value: str) -> None:  # type: ignore[no-untyped-def]
    client = as_user("lead")
    for query in ({"period": value}, {"period": "custom", "start": [value, value, value], "end": ["1", "1", value]},
                  {"period": "custom", "start": value, "end": value}):
        response = client.get(path, query_string={**table, **query})
        assert response.status_code in (200, 400, 404), (path, query, response.status_code)


def test_one_error_summary_with_every_problem(as_user) -> None:  # type: ignore[no-untyped-def]
    html = as_user("coordinator").get("/reports?period=custom&start=1&start=&start=2026").get_data(as_text=True)
    doc = lxml.html.fromstring(html)
    summaries = doc.xpath("//*[contains(@class, 'govuk-error-summary__list')]")
    assert len(summaries) == 1
    assert [(a.get("href"), a.text_content()) for a in summaries[0].xpath(".//a")] == [
        ("#start", "Start date must include a month"), ("#end", "Enter the end date")]
    assert doc.xpath("//title")[0].text_content().startswith("Error: ")


def test_a_report_counted_seconds_ago_is_shown_again_per_scope_and_forgotten_on_a_change(
        app, network, as_user, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.config, "LIST_COUNT_CACHE_SECONDS", 30)
    coordinator = as_user("coordinator")
    first = coordinator.get(Q2).get_data(as_text=True)
    start = len(get_recorded_queries())
    again = coordinator.get(Q2).get_data(as_text=True)
    counted = [q.statement for q in get_recorded_queries()[start:] if "consultation" in q.statement.lower()
               and not q.statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert _table(again, "quarters") == _table(first, "quarters") and _charts(again)[0].get("src") == _charts(
        first)[0].get("src") and counted == []
    # Another scope is its own report: Hull's lead never gets the network's numbers.
    assert _rows(as_user("lead").get(Q2).get_data(as_text=True), "quarters")["2026 Q2"][0] == "3"
    # A change committed by this process is counted at once.
    added = factories.make_consultation(Status.NEW, title="Received in May")
    added.created_at = datetime(2026, 5, 5, 9, tzinfo=UTC)
    db.session.commit()
    assert _rows(coordinator.get(Q2).get_data(as_text=True), "quarters")["2026 Q2"][0] == "8"
