"""The reports' numbers against a small network computed by hand (tests/reports/conftest.py)."""

from __future__ import annotations

from datetime import date

from tests import factories
from tracker.models import Role
from tracker.reports import periods, queries
from tracker.reports.queries import CityRow, Counts

Q2 = periods.quarter_period(periods.Quarter(2026, 2))

# Received in 2026 Q2 (UK time): A, C, D, E, G, H, I.
NETWORK_Q2 = Counts(
    received=7, respond=4, monitor=1, no_response=1,
    submitted=3,  # A, C, I
    by_internal_deadline=1,  # C (A was sent 00:30 BST the day after its deadline; I later still)
    before_closing=2,  # A, C (I an hour after closing)
    missed=1,  # E
    supporting_cities=4,  # A 3, C 1, I 0
    outcome_published=2, taken_up_yes=0, taken_up_partly=1, taken_up_no=1,
)
# Hull leads A, E and I.
HULL_Q2 = Counts(received=3, respond=3, submitted=2, by_internal_deadline=0, before_closing=1, missed=1,
                 supporting_cities=3, outcome_published=1, taken_up_no=1)


def _by_label(rows: list[queries.Row]) -> dict[str, Counts]:
    return {r.label: r.counts for r in rows}


def test_network_totals_for_a_quarter(network, coordinator) -> None:  # type: ignore[no-untyped-def]
    report = queries.report(Q2, coordinator)
    assert report.scope == "network"
    assert report.total == NETWORK_Q2
    assert report.total.average_supporting_cities == 1.3
    assert [(r.key, r.label) for r in report.by_quarter] == [("2026-Q2", "2026 Q2")]
    assert report.by_quarter[0].counts == NETWORK_Q2


def test_by_work_area_lists_every_area_and_the_unset(network, coordinator) -> None:  # type: ignore[no-untyped-def]
    areas = _by_label(queries.report(Q2, coordinator).by_work_area)
    assert len(areas) == 10  # the nine work areas, and "No work area" for H
    assert areas["Transport"] == Counts(received=4, respond=3, monitor=1, submitted=2, before_closing=1,
                                        missed=1, supporting_cities=3, outcome_published=1, taken_up_no=1)
    assert areas["Housing"] == Counts(received=2, respond=1, no_response=1, submitted=1, by_internal_deadline=1,
                                      before_closing=1, supporting_cities=1, outcome_published=1, taken_up_partly=1)
    assert areas["No work area"] == Counts(received=1)
    assert areas["Culture"] == Counts()


def test_by_lead_city(network, coordinator) -> None:  # type: ignore[no-untyped-def]
    cities = _by_label(queries.report(Q2, coordinator).by_lead_city)
    assert list(cities) == ["Hull", "Salford", "No lead city yet"]
    assert cities["Hull"] == HULL_Q2
    assert cities["Salford"].received == 1 and cities["Salford"].by_internal_deadline == 1
    assert cities["No lead city yet"] == Counts(received=3, monitor=1, no_response=1)


def test_member_cities(network, coordinator) -> None:  # type: ignore[no-untyped-def]
    rows = {r.name: r for r in queries.report(Q2, coordinator).member_cities}
    assert len(rows) == 25
    assert rows["Hull"] == CityRow(rows["Hull"].city_id, "Hull", led=3, contributed=0, supported=1)
    assert rows["Salford"] == CityRow(rows["Salford"].city_id, "Salford", led=1, contributed=0, supported=2)
    # Two Newport officers on A count A once.
    assert rows["Newport"] == CityRow(rows["Newport"].city_id, "Newport", led=0, contributed=2, supported=1)
    assert (rows["Exeter"].led, rows["Exeter"].contributed, rows["Exeter"].supported) == (0, 0, 0)


def test_quarter_boundaries_in_uk_time(network, coordinator) -> None:  # type: ignore[no-untyped-def]
    """B (23:30 BST on 31 March) is in Q1; A (00:30 BST on 1 April, 31 March in UTC) in Q2;
    E (23:59 BST on 30 June) in Q2; F (00:00 BST on 1 July) in Q3."""
    report = queries.report(periods.custom_period(date(2026, 1, 1), date(2026, 9, 30)), coordinator)
    assert [(r.label, r.counts.received) for r in report.by_quarter] == [
        ("2026 Q1", 1), ("2026 Q2", 7), ("2026 Q3", 1)]
    assert report.total.received == 9


def test_a_range_that_cuts_quarters(network, coordinator) -> None:  # type: ignore[no-untyped-def]
    """1 April to 30 June counts A (31 March 23:30 UTC) but not B or F; 2 April onwards drops A."""
    whole = queries.report(periods.custom_period(date(2026, 4, 1), date(2026, 6, 30)), coordinator)
    assert whole.total == NETWORK_Q2
    cut = queries.report(periods.custom_period(date(2026, 3, 15), date(2026, 4, 1)), coordinator)
    assert [(r.label, r.counts.received) for r in cut.by_quarter] == [("2026 Q1 (part)", 1), ("2026 Q2 (part)", 1)]
    later = queries.report(periods.custom_period(date(2026, 4, 2), date(2026, 6, 30)), coordinator)
    assert later.total.received == 6


def test_an_empty_range(network, coordinator) -> None:  # type: ignore[no-untyped-def]
    report = queries.report(periods.quarter_period(periods.Quarter(2025, 1)), coordinator)
    assert report.is_empty
    assert report.total == Counts()
    assert report.total.average_supporting_cities is None
    assert [r.counts for r in report.by_quarter] == [Counts()]
    assert all(r.counts == Counts() for r in report.by_work_area)
    assert report.by_lead_city == []
    assert all((c.led, c.contributed, c.supported) == (0, 0, 0) for c in report.member_cities)


def test_a_policy_lead_sees_their_own_citys(network, lead) -> None:  # type: ignore[no-untyped-def]
    report = queries.report(Q2, lead)  # Lena Lead, of Hull
    assert report.scope == "city" and report.city_name == "Hull"
    assert report.total == HULL_Q2
    assert report.total.average_supporting_cities == 1.5
    assert [r.label for r in report.by_lead_city] == ["Hull"]
    assert [(c.name, c.led, c.contributed, c.supported) for c in report.member_cities] == [("Hull", 3, 0, 1)]


def test_a_contributor_sees_their_own_citys(network) -> None:  # type: ignore[no-untyped-def]
    report = queries.report(Q2, network.newport[0])
    assert report.scope == "city" and report.city_name == "Newport"
    assert report.total == Counts()  # Newport leads nothing
    assert [(c.name, c.led, c.contributed, c.supported) for c in report.member_cities] == [("Newport", 0, 2, 1)]


def test_admins_see_the_network(network) -> None:  # type: ignore[no-untyped-def]
    admin = factories.make_user(Role.ADMIN)
    assert queries.report(Q2, admin).total == NETWORK_Q2


def test_the_report_as_plain_data(network, coordinator) -> None:  # type: ignore[no-untyped-def]
    data = queries.report(Q2, coordinator).as_dict()
    assert data["period"] == {"first_day": "2026-04-01", "last_day": "2026-06-30", "label": "2026 Q2"}
    assert data["scope"] == "network" and data["city"] is None
    assert data["total"]["received"] == 7 and data["total"]["average_supporting_cities"] == 1.3
    assert data["by_quarter"][0]["key"] == "2026-Q2"
    import json

    json.dumps(data)  # JSON-ready as it is
