"""The dashboard differs by role; every section has an empty state."""

from __future__ import annotations

import re
from datetime import timedelta

from tests import factories
from tracker.extensions import db
from tracker.timeutil import uk_today


def _section_titles(html: str, caption: str) -> list[str]:
    """Titles in the table whose caption starts with ``caption``."""
    match = re.search(rf"<caption[^>]*>{re.escape(caption)}.*?</caption>(.*?)</table>", html, re.S)
    if not match:
        return []
    return re.findall(r'<a class="govuk-link" href="/consultations/\d+">([^<]+)</a>', match.group(1))


def test_coordinator_sees_counts_closing_overdue_unassigned(as_user, lead) -> None:
    factories.make_consultation("new", title="Fresh one", closes_in_days=5)
    factories.make_consultation("triaged", title="To assign", closes_in_days=20)
    factories.make_consultation("drafting", title="Late draft", closes_in_days=4,
                                internal_deadline=uk_today() - timedelta(days=2), lead=lead)
    factories.make_consultation("in_review", title="Late but in review", closes_in_days=6,
                                internal_deadline=uk_today() - timedelta(days=2))
    factories.make_consultation("assigned", title="Far away", closes_in_days=40)
    factories.make_consultation("missed", title="Gone", closes_in_days=-3)
    db.session.commit()
    html = as_user("coordinator").get("/").get_data(as_text=True)
    assert 'href="/consultations/?status=new"><span class="kc-count">1</span> New' in html
    assert '<span class="kc-count">1</span> In review' in html
    assert '<span class="kc-count">0</span> Approved' in html
    # The page opens with what needs attention: overdue, or closing within 7 days unapproved.
    assert html.index('id="urgent"') < html.index('id="status-counts"')
    assert _section_titles(html, "Needs attention now") == ["Late draft", "Fresh one", "Late but in review"]
    assert _section_titles(html, "To triage or assign") == ["Fresh one", "To assign"]
    assert _section_titles(html, "Closing in the next 14 days") == ["Late draft", "Fresh one", "Late but in review"]


def test_coordinator_empty_states(as_user) -> None:
    html = as_user("coordinator").get("/").get_data(as_text=True)
    assert "Nothing is overdue, and everything closing in the next 7 days has an approved response." in html
    assert "Nothing is waiting for a decision or a lead city." in html
    assert "No open consultation closes in the next 14 days." in html


def test_policy_lead_sees_own_assignments_then_city_work(as_user, lead, other_lead) -> None:
    factories.make_consultation("drafting", title="Mine later", lead=lead,
                                internal_deadline=uk_today() + timedelta(days=9))
    factories.make_consultation("assigned", title="Mine first", lead=lead,
                                internal_deadline=uk_today() + timedelta(days=2))
    factories.make_consultation("in_review", title="Hull colleague's", city_name="Hull")
    factories.make_consultation("drafting", title="Salford's", lead=other_lead)
    factories.make_consultation("submitted", title="Done already", lead=lead)
    db.session.commit()
    html = as_user("lead").get("/").get_data(as_text=True)
    assert _section_titles(html, "Assigned to you") == ["Mine first", "Mine later"]
    assert _section_titles(html, "Other work led by Hull") == ["Hull colleague&#39;s"]
    assert "Salford&#39;s" in html  # only in the network-wide list
    assert "Consultations by status" not in html


def test_policy_lead_empty_state(as_user) -> None:
    html = as_user("other_lead").get("/").get_data(as_text=True)
    assert "Nothing is assigned to you at the moment." in html
    assert "Your city leads nothing else at the moment." in html


def test_contributor_sees_open_consultations_closing_soon(as_user) -> None:
    factories.make_consultation("drafting", title="Being drafted", closes_in_days=8)
    factories.make_consultation("triaged", title="Decided to respond", closes_in_days=3)
    factories.make_consultation("new", title="Not yet decided", closes_in_days=2)
    factories.make_consultation("declined", title="Not responding", closes_in_days=2)
    db.session.commit()
    html = as_user("contributor").get("/").get_data(as_text=True)
    assert _section_titles(html, "The network") == ["Decided to respond", "Being drafted"]
    assert _section_titles(html, "Needs attention now") == ["Not yet decided", "Decided to respond"]


def test_contributor_empty_state(as_user) -> None:
    html = as_user("contributor").get("/").get_data(as_text=True)
    assert "The network is not working on any open consultation at the moment." in html


def test_dashboard_needs_login(client) -> None:
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_short_summary_at_the_top_links_to_every_section(as_user, lead) -> None:
    factories.make_consultation("assigned", lead=lead, internal_deadline=uk_today() - timedelta(days=2))
    factories.make_consultation("new")
    db.session.commit()
    for role, expected in (
        ("coordinator", ["Needs attention now: 1", "Your work", "Consultations by status", "To triage or assign: 1",
                         "Closing in the next 14 days: 0", "Drafts", "Notifications", "Triage inbox"]),
        ("lead", ["Needs attention now: 1", "Your work", "Assigned to you: 1", "Other work led by your city: 0",
                  "The network's open consultations", "Drafts", "Notifications"]),
        ("contributor", ["Needs attention now: 1", "Your work", "Open consultations: 1", "Drafts",
                         "Notifications"]),
    ):
        html = as_user(role).get("/").get_data(as_text=True).replace("&#39;", "'")
        contents = html.split('id="contents-title"', 1)[1].split("</nav>", 1)[0]
        links = re.findall(r'<a class="govuk-link" href="#([^"]+)">([^<]+)</a>', contents)
        assert [text for _, text in links] == expected, role
        for anchor, _ in links:
            assert f'id="{anchor}"' in html, (role, anchor)  # every link lands on its section


def test_each_persons_work_is_a_link_to_the_filtered_list(as_user) -> None:
    for role, expected in (
        ("lead", ["Assigned to me", "My city leads", "I contribute to", "Waiting for me: drafts returned for changes"]),
        ("coordinator", ["I contribute to", "Waiting for me: drafts in review"]),
        ("contributor", ["My city leads", "I contribute to", "Waiting for me: drafts returned for changes"]),
    ):
        html = as_user(role).get("/").get_data(as_text=True)
        section = html.split('id="my-work"', 1)[1].split("</nav>", 1)[0]
        links = re.findall(r'<a class="govuk-link" href="/consultations/\?mine=(\w+)">([^<]+)</a>', section)
        assert [text for _, text in links] == expected, role
        for value, _ in links:
            assert as_user(role).get(f"/consultations/?mine={value}").status_code == 200


def test_the_network_lists_are_drawn_once_and_redrawn_when_a_consultation_changes(as_user, reused_counts) -> None:  # type: ignore[no-untyped-def]
    factories.make_consultation("new", title="Waiting one", closes_in_days=5)
    db.session.commit()
    coordinator, contributor = as_user("coordinator"), as_user("contributor")
    assert _section_titles(coordinator.get("/").get_data(as_text=True), "To triage or assign") == ["Waiting one"]
    reused_counts.clear()
    html = coordinator.get("/").get_data(as_text=True)
    assert _section_titles(html, "To triage or assign") == ["Waiting one"]
    assert [s for s in reused_counts if "UNION ALL" in s] == []  # the lists were not read again
    # Each view has its own: a contributor's page is not the coordinator's.
    assert _section_titles(contributor.get("/").get_data(as_text=True), "The network") == []
    factories.make_consultation("triaged", title="Waiting two", closes_in_days=6)
    db.session.commit()  # a change committed here forgets what was drawn at once
    html = coordinator.get("/").get_data(as_text=True)
    assert _section_titles(html, "To triage or assign") == ["Waiting one", "Waiting two"]
    assert "To triage or assign: 2" in html
