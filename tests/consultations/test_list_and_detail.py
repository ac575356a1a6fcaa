"""The list (filters, search, pagination, bad values) and the consultation page."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from flask import Flask
from flask_sqlalchemy.record_queries import get_recorded_queries

from tests import factories
from tests.consultations.conftest import reload
from tracker.consultations import services
from tracker.extensions import db


def _titles(html: str) -> list[str]:
    return re.findall(r'<a class="govuk-link" href="/consultations/\d+">([^<]+)</a>', html)


@pytest.fixture
def mix() -> dict[str, int]:
    rows = {
        "Bus soon": factories.make_consultation("assigned", title="Bus soon", closes_in_days=3),
        "Housing later": factories.make_consultation("drafting", title="Housing later", area="Housing",
                                                     closes_in_days=25),
        "Culture far": factories.make_consultation("new", title="Culture far", area="Culture", closes_in_days=60),
        "Old rail": factories.make_consultation("missed", title="Old rail", closes_in_days=-10),
        "Declined thing": factories.make_consultation("declined", title="Declined thing", closes_in_days=10),
    }
    db.session.commit()
    return {k: v.id for k, v in rows.items()}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Bus soon", "Declined thing", "Housing later", "Culture far", "Old rail"]),
        ("?status=drafting", ["Housing later"]),
        ("?status=open", ["Bus soon", "Housing later", "Culture far"]),
        ("?closing=7", ["Bus soon"]),
        ("?closing=30", ["Bus soon", "Declined thing", "Housing later"]),
        ("?closing=closed", ["Old rail"]),
        ("?q=HOUSING", ["Housing later"]),
        ("?q=%25", []),
        ("?status=open&closing=14", ["Bus soon"]),
    ],
)
def test_list_filters(as_user, mix, query: str, expected: list[str]) -> None:
    response = as_user("contributor").get(f"/consultations/{query}")
    assert response.status_code == 200
    assert _titles(response.get_data(as_text=True)) == expected


def test_search_finds_words_anywhere_in_the_title_or_organisation_and_follows_edits(as_user, coordinator) -> None:
    bus = factories.make_consultation("new", title="Bus franchising guidance", organisation="Department for Transport")
    pay = factories.make_consultation("new", title="Pay policy", organisation='HM Treasury "Spending" team')
    db.session.commit()
    client = as_user("contributor")

    def found(q: str) -> list[str]:
        return _titles(client.get("/consultations/", query_string={"q": q}).get_data(as_text=True))

    assert found("FRANCHIS") == ["Bus franchising guidance"]  # part of a word, any case
    assert found("for trans") == ["Bus franchising guidance"]  # the organisation
    assert found('"spending"') == ["Pay policy"]  # quotes are the words' own
    assert found("us") == ["Bus franchising guidance"]  # shorter than a trigram: read from the table
    assert found("franchising pay") == []  # the words as typed, together
    services.update_consultation(coordinator, bus, services.ConsultationData(
        title="Tram timetables", issuing_organisation=bus.issuing_organisation, closes_at=bus.closes_at, url=bus.url))
    db.session.delete(pay)
    db.session.commit()
    assert found("franchising") == []
    assert found("tram time") == ["Tram timetables"]
    assert found("treasury") == []


def test_filter_by_work_area_and_city(as_user, mix) -> None:
    client = as_user("contributor")
    housing = factories.work_area("Housing")
    html = client.get(f"/consultations/?work_area={housing.id}").get_data(as_text=True)
    assert _titles(html) == ["Housing later"]
    assert f'<option value="{housing.id}" selected>' in html  # the filter is shown as chosen
    hull = factories.city("Hull")
    assert _titles(client.get(f"/consultations/?city={hull.id}").get_data(as_text=True)) == ["Bus soon"]


@pytest.mark.parametrize("query", ["?status=bogus", "?work_area=abc", "?city=99999", "?closing=yesterday"])
def test_bad_filter_values_get_a_clear_message(as_user, mix, query: str) -> None:
    response = as_user("contributor").get(f"/consultations/{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Some filters were not understood" in html
    assert len(_titles(html)) == 5  # the unknown filter is dropped, the list still shown


def test_empty_state(as_user) -> None:
    html = as_user("contributor").get("/consultations/").get_data(as_text=True)
    assert "No consultations" in html
    html = as_user("contributor").get("/consultations/?q=nothing-like-this").get_data(as_text=True)
    assert "No consultations match these filters" in html


def test_pagination_keeps_filters(app: Flask, as_user) -> None:
    for n in range(7):
        factories.make_consultation("new", title=f"Paged {n}", closes_in_days=n + 1)
    factories.make_consultation("drafting", title="Not new", closes_in_days=1)
    db.session.commit()
    app.config["PAGE_SIZE"] = 3
    try:
        client = as_user("contributor")
        html = client.get("/consultations/?status=new").get_data(as_text=True)
        assert _titles(html) == ["Paged 0", "Paged 1", "Paged 2"]
        assert "7 consultations matching, page 1 of 3" in html
        assert "govuk-pagination" in html
        assert 'href="/consultations/?status=new&amp;page=2"' in html
        html = client.get("/consultations/?status=new&page=3").get_data(as_text=True)
        assert _titles(html) == ["Paged 6"]
        # A page past the end shows the last page rather than an empty one.
        assert _titles(client.get("/consultations/?status=new&page=99").get_data(as_text=True)) == ["Paged 6"]
        assert _titles(client.get("/consultations/?status=new&page=400000000000000000").get_data(as_text=True)) == [
            "Paged 6"]
        # Not a page number (a stale or mistyped link): the first page, not an error.
        for first in ("-1", "0", "abc", ""):
            response = client.get(f"/consultations/?status=new&page={first}")
            assert response.status_code == 200
            assert _titles(response.get_data(as_text=True)) == ["Paged 0", "Paged 1", "Paged 2"]
    finally:
        app.config["PAGE_SIZE"] = 25


def test_list_row_shows_uk_time_and_hints(as_user) -> None:
    factories.make_consultation("assigned", title="Bus soon", closes_in_days=3)
    db.session.commit()
    html = as_user("contributor").get("/consultations/").get_data(as_text=True)
    assert "23:59" in html
    assert "closes in 3 days" in html
    assert "Department for Transport" in html
    assert "Hull" in html


def test_detail_shows_facts_history_and_buttons(as_user, coordinator, lead) -> None:
    c = factories.make_consultation("triaged", title="Local transport plans", area=None)
    db.session.commit()
    services.assign(coordinator, c, work_area=factories.work_area("Transport"), city=None, policy_lead=lead,
                    internal_deadline=None)
    db.session.commit()
    html = as_user("lead").get(f"/consultations/{c.id}").get_data(as_text=True)
    assert "Local transport plans" in html
    assert "Lena Lead (Hull)" in html
    assert "Assigned to Hull, policy lead Lena Lead" in html  # the history
    assert "Cora Coordinator" in html
    assert "To assign → Assigned" in html  # status labels, not stored values
    assert "Start the draft" in html  # saving the first version starts drafting
    assert '<a class="govuk-link" href="https://www.gov.uk/government/consultations/' in html
    assert "&lt;span" not in html and "&lt;a" not in html  # summary rows are markup, not escaped text
    assert "Lead city</strong>: – → Hull" in html  # ids in the history shown as names
    assert "Approve" not in html  # not the lead's to do
    assert "Edit details" not in html
    coordinator_html = as_user("coordinator").get(f"/consultations/{c.id}").get_data(as_text=True)
    assert "Edit details" in coordinator_html and "Mark as withdrawn" in coordinator_html


def test_refused_transition_shows_the_message(as_user) -> None:
    c = factories.make_consultation("drafting")
    db.session.commit()
    client = as_user("coordinator")
    response = client.post(f"/consultations/{c.id}/transition/start_drafting", data={"version": c.version},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "“Start drafting” is not possible while the consultation is drafting; it needs to be assigned." in html
    assert reload(c.id).status == "drafting"


@pytest.mark.parametrize("name", ["send_for_review", "return_to_drafting", "approve", "reopen", "submit"])
def test_review_steps_are_taken_on_the_response_page_only(as_user, name) -> None:
    # They have rules about the draft itself (drafts.services); a bare button would skip them.
    c = factories.make_consultation({"send_for_review": "drafting", "reopen": "approved",
                                     "submit": "approved"}.get(name, "in_review"))
    db.session.commit()
    before = reload(c.id).status
    response = as_user("coordinator").post(f"/consultations/{c.id}/transition/{name}")
    assert response.status_code == 404
    assert reload(c.id).status == before
    page = as_user("coordinator").get(f"/consultations/{c.id}").get_data(as_text=True)
    assert f"/consultations/{c.id}/transition/{name}" not in page


def test_refused_for_another_city_shows_a_403_page(as_user) -> None:
    c = factories.make_consultation("assigned")
    db.session.commit()
    response = as_user("other_lead").post(f"/consultations/{c.id}/transition/start_drafting",
                                          data={"version": c.version})
    assert response.status_code == 403
    assert "Only the lead city&#39;s policy leads and coordinators can" in response.get_data(as_text=True)
    assert reload(c.id).status == "assigned"


def test_withdraw_asks_for_confirmation(as_user) -> None:
    c = factories.make_consultation("new")
    db.session.commit()
    client = as_user("coordinator")
    html = client.get(f"/consultations/{c.id}/transition/withdraw").get_data(as_text=True)
    assert "govuk-warning-text" in html
    assert reload(c.id).status == "new"
    client.post(f"/consultations/{c.id}/transition/withdraw", data={"message": "Government withdrew it", "version": c.version})
    assert reload(c.id).status == "withdrawn"
    html = client.get(f"/consultations/{c.id}").get_data(as_text=True)
    assert "Government withdrew it" in html


def test_csrf_is_enforced_on_transitions(app: Flask, as_user) -> None:
    c = factories.make_consultation("in_review")
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = as_user("coordinator").post(f"/consultations/{c.id}/transition/approve")
        assert response.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert reload(c.id).status == "in_review"


def test_the_list_shows_what_is_still_to_close_first_then_the_closed_newest_first(as_user) -> None:
    long_closed = factories.make_consultation("missed", title="Closed long ago", closes_in_days=-300)
    just_closed = factories.make_consultation("submitted", title="Closed last week", closes_in_days=-7)
    later = factories.make_consultation("new", title="Closes next month", closes_in_days=30)
    soon = factories.make_consultation("drafting", title="Closes in two days", closes_in_days=2)
    db.session.commit()
    html = as_user("contributor").get("/consultations/").get_data(as_text=True)
    positions = [html.index(c.title) for c in (soon, later, just_closed, long_closed)]
    assert positions == sorted(positions)


def test_history_says_dates_statuses_and_decisions_in_words(as_user, coordinator) -> None:
    from tracker import activity

    c = factories.make_consultation("triaged", title="Words not codes")
    activity.record("edit", actor=coordinator, consultation=c, message="Edited",
                    before={"internal_deadline": "2026-12-01", "closes_at": "2026-12-14T23:59:00+00:00"},
                    after={"internal_deadline": "2026-12-04", "closes_at": "2026-06-14T22:59:00+00:00"})
    activity.record("triage", actor=coordinator, consultation=c, message="Triaged",
                    before={"status": "new"}, after={"status": "triaged", "decision": "respond"})
    db.session.commit()
    html = as_user("coordinator").get(f"/consultations/{c.id}").get_data(as_text=True)
    assert "Internal deadline</strong>: 1 Dec 2026 → 4 Dec 2026" in html
    assert "Closes</strong>: 14 Dec 2026, 23:59 → 14 Jun 2026, 23:59" in html  # UK time, BST in June
    assert "Status</strong>: New → To assign" in html
    assert "Decision</strong>: – → Respond" in html
    assert "2026-12-01" not in html and "outcome_published" not in html


def _actions_block(html: str) -> str:
    return html.split('class="kc-actions', 1)[1].split("</div>", 1)[0]


def _primary_buttons(html: str) -> list[str]:
    block = _actions_block(html)
    return re.findall(r'class="govuk-button"[^>]*>\s*([^<]+?)\s*<', block)


@pytest.mark.parametrize("status, role, primary, rare", [
    ("new", "coordinator", "Triage", ["Mark as withdrawn"]),
    ("triaged", "coordinator", "Assign", ["Mark as withdrawn"]),
    ("assigned", "lead", "Start the draft", []),
    ("in_review", "coordinator", "Approve", ["Mark as missed", "Mark as withdrawn"]),
    ("approved", "coordinator", "Record submission", ["Reopen for editing", "Mark as missed", "Mark as withdrawn"]),
])
def test_one_primary_button_for_the_next_step_and_rare_steps_as_links(as_user, status, role, primary, rare) -> None:
    c = factories.make_consultation(status, closes_in_days=42)
    db.session.commit()
    html = html_lib.unescape(as_user(role).get(f"/consultations/{c.id}").get_data(as_text=True))
    assert _primary_buttons(html) == [primary]
    assert "govuk-button--warning" not in html  # warnings only on the confirmation page
    links = re.findall(r'<li><a class="govuk-link" href="[^"]*">([^<]+)</a></li>',
                       html.split('kc-rare-actions', 1)[1].split("</ul>", 1)[0]) if rare else []
    assert [link for link in links if link in rare] == rare


@pytest.mark.parametrize("status, expected", [
    ("new", ["To do", "Cannot start yet"]),
    ("drafting", ["Completed", "Completed", "In progress", "Cannot start yet"]),
    ("submitted", ["Completed"] * 5 + ["Waiting for government"]),
    ("outcome_published", ["Completed"] * 6),
    ("declined", ["Completed", "Not needed: no response"]),
    ("withdrawn", ["Completed", "Stopped: withdrawn by government"]),
])
def test_the_lifecycle_says_where_the_consultation_is(as_user, status, expected) -> None:
    c = factories.make_consultation(status, lead=None)
    db.session.commit()
    html = as_user("contributor").get(f"/consultations/{c.id}").get_data(as_text=True)
    lifecycle = html.split('id="lifecycle"', 1)[1].split("</ul>", 1)[0]
    statuses = [s.strip() for s in re.findall(r'govuk-task-list__status[^"]*"[^>]*>\s*(?:<strong[^>]*>)?\s*([^<]+)',
                                              lifecycle)]
    assert statuses[: len(expected)] == expected
    assert len(re.findall(r'govuk-task-list__item', lifecycle)) == 6


def test_pages_that_straddle_the_open_and_the_closed_keep_the_order(app: Flask, as_user) -> None:
    for days in (5, 1, 3):
        factories.make_consultation("new", title=f"Open in {days}", closes_in_days=days)
    for days in (-2, -30, -9):
        factories.make_consultation("missed", title=f"Closed {-days} ago", closes_in_days=days)
    db.session.commit()
    app.config["PAGE_SIZE"] = 4
    try:
        client = as_user("contributor")
        first = _titles(client.get("/consultations/").get_data(as_text=True))
        second = _titles(client.get("/consultations/?page=2").get_data(as_text=True))
    finally:
        app.config["PAGE_SIZE"] = 25
    assert first == ["Open in 1", "Open in 3", "Open in 5", "Closed 2 ago"]
    assert second == ["Closed 9 ago", "Closed 30 ago"]


def test_every_page_read_from_either_end_keeps_the_order(app: Flask, as_user) -> None:
    """Issue 12: pages in the older half of the closed ones are read from the oldest end (the
    last page skips nothing); walked page by page, the list is still every consultation once,
    open soonest first, then closed newest first, ties by number."""
    made = [factories.make_consultation("new", title=f"Open in {d}", closes_in_days=d) for d in (2, 7)]
    made += [factories.make_consultation("missed", title=f"Closed {d} ago ({n})", closes_in_days=-d)
             for n, d in enumerate((3, 40, 11, 11, 90, 25, 6, 60, 11, 200, 1))]
    db.session.commit()
    expected = [c.title for c in sorted(made, key=lambda c: (
        c.status == "missed", (-1 if c.status == "missed" else 1) * c.closes_at.timestamp(), c.id))]
    app.config["PAGE_SIZE"] = 3
    try:
        client = as_user("contributor")
        walked = [title for n in range(1, 6)
                  for title in _titles(client.get(f"/consultations/?page={n}").get_data(as_text=True))]
    finally:
        app.config["PAGE_SIZE"] = 25
    assert walked == expected


def test_the_list_reuses_its_counts_until_a_consultation_changes(as_user, reused_counts) -> None:  # type: ignore[no-untyped-def]
    factories.make_consultation("new", title="Counted one")
    db.session.commit()
    client = as_user("contributor")
    assert "1 consultation" in client.get("/consultations/").get_data(as_text=True)
    first = [s for s in reused_counts if "count(" in s.lower()]
    assert first, "the first page view counted"
    reused_counts.clear()
    assert "1 consultation" in client.get("/consultations/").get_data(as_text=True)
    assert [s for s in reused_counts if "count(" in s.lower() and "consultation" in s] == []  # reused
    factories.make_consultation("new", title="Counted two")
    db.session.commit()  # a change committed here forgets the counts at once
    assert "2 consultations" in client.get("/consultations/").get_data(as_text=True)


def test_on_sqlite_the_search_reads_its_index_not_the_table(app: Flask, as_user) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's plans are checked at 100,000 consultations in tests/perf")
    factories.make_consultation("new", title="Housing delivery")
    db.session.commit()
    start = len(get_recorded_queries())
    html = as_user("contributor").get("/consultations/?q=housing").get_data(as_text=True)
    assert _titles(html) == ["Housing delivery"]
    searching = [q for q in get_recorded_queries()[start:] if "consultation_fts" in q.statement]
    assert len(searching) == 2  # the count and the page
    for query in searching:
        plan = [row[-1] for row in db.session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + query.statement, tuple(query.parameters[0]))]
        assert any("consultation_fts VIRTUAL TABLE" in step for step in plan), plan
        assert not any(step.startswith("SCAN consultation") and "fts" not in step for step in plan), plan
