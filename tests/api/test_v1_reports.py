"""GET /api/v1/reports: the reports page's numbers, for the token's owner, as JSON."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from tests.api.conftest import assert_problem, bearer
from tests.reports.conftest import network  # noqa: F401 - the hand-computed network
from tests.reports.test_numbers import HULL_Q2, NETWORK_Q2
from tracker.reports.queries import Counts


def _numbers(counts: Counts) -> dict[str, object]:
    return {**asdict(counts), "average_supporting_cities": counts.average_supporting_cities}


def _row(data: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in data.items() if k not in ("key", "label")}


def test_a_coordinators_token_reads_the_networks_quarter(client, network, coordinator, make_token) -> None:  # noqa: F811
    response = client.get("/api/v1/reports?period=2026-Q2", headers=bearer(make_token(coordinator)))
    assert response.status_code == 200, response.get_data(as_text=True)
    data = response.get_json()
    assert data["period"] == {"first_day": "2026-04-01", "last_day": "2026-06-30", "label": "2026 Q2"}
    assert data["scope"] == "network" and data["city"] is None
    assert data["total"] == _numbers(NETWORK_Q2)
    assert [(r["key"], r["label"]) for r in data["by_quarter"]] == [("2026-Q2", "2026 Q2")]
    assert _row(data["by_quarter"][0]) == _numbers(NETWORK_Q2)
    hull = next(r for r in data["by_lead_city"] if r["label"] == "Hull")
    assert _row(hull) == _numbers(HULL_Q2)


def test_a_leads_token_reads_their_own_citys(client, network, lead, make_token) -> None:  # noqa: F811
    data = client.get("/api/v1/reports?period=2026-Q2", headers=bearer(make_token(lead))).get_json()
    assert data["scope"] == "city" and data["city"]["name"] == "Hull"
    assert data["total"] == _numbers(HULL_Q2)
    assert [(c["name"], c["led"], c["contributed"], c["supported"]) for c in data["member_cities"]] == [
        ("Hull", 3, 0, 1)]


def test_a_custom_range_with_nothing_in_it(client, network, coordinator, make_token) -> None:  # noqa: F811
    data = client.get("/api/v1/reports?period=custom&start=2020-01-01&end=2020-01-31",
                      headers=bearer(make_token(coordinator))).get_json()
    assert data["period"]["label"] == "1 January 2020 to 31 January 2020"
    assert data["total"] == _numbers(Counts())
    assert data["total"]["average_supporting_cities"] is None


def test_the_default_is_the_last_12_months(client, coordinator, make_token) -> None:
    data = client.get("/api/v1/reports", headers=bearer(make_token(coordinator))).get_json()
    assert data["period"]["label"] == "The last 12 months"


@pytest.mark.parametrize("query", [
    "period=2026-Q5", "period=1999-Q4", "period=custom", "period=custom&start=2026-05-01",
    "period=custom&start=2026-05-01&end=2026-04-01", "period=custom&start=2026-02-30&end=2026-03-01",
    "period=last-12-months%00",
])
def test_a_period_not_understood_is_a_400_problem(client, coordinator, make_token, query: str) -> None:
    response = client.get(f"/api/v1/reports?{query}", headers=bearer(make_token(coordinator)))
    body = assert_problem(response, 400)
    assert body["detail"]


def test_no_token_no_report(client) -> None:
    assert_problem(client.get("/api/v1/reports"), 401)
