"""Races over real HTTP: a threaded server, two signed-in clients firing at the same moment, the
database (a SQLite file, or PostgreSQL with TEST_DATABASE_URL) shared by every request.

Whichever request wins, the database ends consistent and the loser is told why; the rounds
repeat so that both orders get their chance. Then the same races with the order forced: one
side reads, the other commits, the first writes (two sessions in two threads).
"""

from __future__ import annotations

import html as html_lib
import threading
from collections.abc import Callable
from typing import Any

import pytest
import requests
from flask import Flask
from sqlalchemy import func, select

from tests import factories
from tests.concurrency.conftest import fresh, http_login, page_version
from tests.consultations.conftest import date_parts
from tracker.consultations import services as consultations
from tracker.drafts import permissions as drafts_permissions
from tracker.drafts import queries as drafts_queries
from tracker.drafts import review as drafts_review
from tracker.drafts import versions as drafts_versions
from tracker.errors import Stale
from tracker.extensions import db
from tracker.models import ActivityLog, Consultation, Status, User
from tracker.models.drafts import ResponseVersion
from tracker.models.messages import Notification

ROUNDS = 6


def _together(*posts: tuple[requests.Session, str, dict[str, Any]]) -> list[requests.Response]:
    """POST each (client, url, data) from its own thread, all released at the same instant; the
    responses in the same order."""
    barrier = threading.Barrier(len(posts))
    results: list[Any] = [None] * len(posts)

    def run(index: int, client: requests.Session, url: str, data: dict[str, Any]) -> None:
        barrier.wait(timeout=10)
        try:
            results[index] = client.post(url, data=data, allow_redirects=False, timeout=30)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, *post)) for i, post in enumerate(posts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for r in results:
        assert isinstance(r, requests.Response), f"a request failed: {r!r}"
    return results


def _text(response: requests.Response) -> str:
    return html_lib.unescape(response.text)


def test_approve_racing_a_save_never_approves_text_the_coordinator_did_not_read(
    live_server: str, make_draft, users: dict[str, User]
) -> None:
    coordinator = http_login(live_server, users["coordinator"])
    lead = http_login(live_server, users["lead"])
    outcomes = []
    for round_ in range(ROUNDS):
        c = make_draft(Status.IN_REVIEW, versions=["v1", "v2", "Version three."], title=f"Race {round_}")
        base = f"{live_server}/consultations/{c.id}/response"
        page = coordinator.get(base, timeout=30).text
        seen, number = page_version(page), page_version(page, "number")
        assert number == 3
        assert page_version(lead.get(f"{base}/edit", timeout=30).text, "base_version") == 3

        approve, save = _together(
            (coordinator, f"{base}/approve", {"version": seen, "number": number}),
            (lead, f"{base}/edit", {"base_version": 3, "body": "Version four.", "save": "1"}),
        )
        row = fresh(c.id)
        response = drafts_queries.get_response(row)
        numbers = list(db.session.scalars(
            select(ResponseVersion.number).where(ResponseVersion.response_id == response.id)))
        assert approve.status_code < 500 and save.status_code < 500
        # Exactly one wins.
        assert sorted([approve.status_code == 302, save.status_code == 302]) == [False, True], (
            approve.status_code, save.status_code)
        if approve.status_code == 302:
            outcomes.append("approve first")
            # Approved what the coordinator read; the save was refused and its text kept.
            assert (row.status, response.approved_number, response.current_number) == (Status.APPROVED, 3, 3)
            assert numbers == [1, 2, 3]
            assert save.status_code in (403, 409)
            assert "approved version 3" in _text(save) or "now approved" in _text(save)
            assert "Version four." in _text(save)
        else:
            outcomes.append("save first")
            # Version 4 exists, nothing is approved, and the coordinator is told who saved it.
            assert (row.status, response.approved_number, response.current_number) == (Status.IN_REVIEW, None, 4)
            assert numbers == [1, 2, 3, 4]
            assert approve.status_code == 409
            assert "Lena Lead (Hull) saved version 4 after the version you were reading (version 3)" in _text(approve)
        # What the lead was told is true: "Version 4 saved" only when version 4 stands unapproved.
        if save.status_code == 302:
            assert "Version 4 saved." in lead.get(live_server + save.headers["Location"], timeout=30).text
    assert len(outcomes) == ROUNDS


def test_two_coordinators_assigning_at_once_one_wins_the_other_is_told(
    live_server: str, users: dict[str, User]
) -> None:
    second = factories.make_user("coordinator", name="Bea Busy")
    db.session.commit()
    cora = http_login(live_server, users["coordinator"])
    bea = http_login(live_server, second)
    hull, salford = factories.city("Hull"), factories.city("Salford")
    plans = {
        "cora": {"work_area": str(factories.work_area("Transport").id), "city": str(hull.id),
                 "policy_lead": str(users["lead"].id), "internal_deadline": date_parts(None)},
        "bea": {"work_area": str(factories.work_area("Housing").id), "city": str(salford.id),
                "policy_lead": str(users["other_lead"].id), "internal_deadline": date_parts(None)},
    }
    for round_ in range(ROUNDS):
        c = factories.make_consultation(Status.TRIAGED, area=None, title=f"Assign race {round_}")
        db.session.commit()
        url = f"{live_server}/consultations/{c.id}/assign"
        seen = page_version(cora.get(url, timeout=30).text)
        assert page_version(bea.get(url, timeout=30).text) == seen

        by_cora, by_bea = _together(
            (cora, url, {**plans["cora"], "version": seen}),
            (bea, url, {**plans["bea"], "version": seen}),
        )
        assert sorted([by_cora.status_code, by_bea.status_code]) == [302, 409], (
            by_cora.status_code, by_bea.status_code)
        winner, loser, loser_response = (("cora", "bea", by_bea) if by_cora.status_code == 302
                                         else ("bea", "cora", by_cora))
        row = fresh(c.id)
        expected_city = hull if winner == "cora" else salford
        assert (row.status, row.lead_city_id, row.version) == (Status.ASSIGNED, expected_city.id, seen + 1)
        # The loser is told what changed and by whom, and keeps their choices on the redrawn form.
        text = _text(loser_response)
        winner_name = "Cora Coordinator" if winner == "cora" else "Bea Busy"
        assert f"{winner_name} changed this consultation after you opened the page" in text
        assert f"Assigned to {expected_city.name}" in text
        assert f'value="{plans[loser]["city"]}" selected' in loser_response.text
        assert page_version(loser_response.text) == seen + 1
        # One assignment in the history, from the real before-state; one lead told, once.
        entries = db.session.scalars(
            select(ActivityLog).where(ActivityLog.consultation_id == c.id, ActivityLog.action == "assign")).all()
        assert len(entries) == 1
        assert entries[0].before["status"] == "triaged" and entries[0].before["lead_city_id"] is None
        told = db.session.scalars(select(Notification.user_id).where(Notification.consultation_id == c.id)).all()
        assert told == [users["lead"].id if winner == "cora" else users["other_lead"].id]


# --- the same races with the order forced ----------------------------------------------------


def _in_thread(app: Flask, body: Callable[[], Any]) -> Any:
    """Run body in its own thread and app context (its own session and connection)."""
    result: list[Any] = []

    def run() -> None:
        with app.app_context():
            try:
                result.append(body())
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - handed back to the test
                db.session.rollback()
                result.append(exc)
            finally:
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    return result[0]


@pytest.mark.committed  # the other request runs in a thread with its own connection and commits
def test_an_approval_read_before_a_save_committed_is_refused(app: Flask, make_draft, users) -> None:
    c = make_draft(Status.IN_REVIEW, versions=["v1"])
    cid, coordinator_id, lead_id = c.id, users["coordinator"].id, users["lead"].id
    # The coordinator's request has read the consultation and the response (version 1)...
    row = fresh(cid)
    seen = row.version
    assert drafts_queries.get_response(row).current_number == 1
    # ...when the lead's save commits on another connection.
    saved = _in_thread(app, lambda: drafts_versions.save_version(
        db.session.get(User, lead_id), db.session.get(Consultation, cid), drafts_versions.DraftText(body="v2"), 1).number)
    assert saved == 2
    with pytest.raises(Stale) as refused:
        drafts_review.approve(db.session.get(User, coordinator_id), row, seen_version=seen, number=1)
    assert "saved version 2" in refused.value.message
    db.session.rollback()
    response = drafts_queries.get_response(fresh(cid))
    assert (response.current_number, response.approved_number, fresh(cid).status) == (2, None, Status.IN_REVIEW)


@pytest.mark.committed  # the other request runs in a thread with its own connection and commits
def test_a_save_read_before_an_approval_committed_is_refused(app: Flask, make_draft, users) -> None:
    c = make_draft(Status.IN_REVIEW, versions=["v1"])
    cid, coordinator_id, lead_id = c.id, users["coordinator"].id, users["lead"].id
    # The lead's request has read the draft (editable: in review) and checked the base version...
    row = fresh(cid)
    lead = db.session.get(User, lead_id)
    assert drafts_permissions.can_edit(lead, row)
    # ...when the coordinator's approval of version 1 commits.
    approved = _in_thread(app, lambda: drafts_review.approve(
        db.session.get(User, coordinator_id), db.session.get(Consultation, cid), number=1))
    assert approved == 1
    with pytest.raises(Stale) as refused:
        drafts_versions.save_version(lead, row, drafts_versions.DraftText(body="v2, too late"), 1)
    assert "approved version 1 while you were editing" in refused.value.message
    db.session.rollback()
    response = drafts_queries.get_response(fresh(cid))
    assert (response.current_number, response.approved_number, fresh(cid).status) == (1, 1, Status.APPROVED)


@pytest.mark.committed  # the other request runs in a thread with its own connection and commits
def test_an_assignment_read_before_another_committed_is_refused(app: Flask, users) -> None:
    c = factories.make_consultation(Status.TRIAGED, area=None)
    db.session.commit()
    cid, lead_id = c.id, users["lead"].id
    transport, hull, salford = (factories.work_area("Transport"), factories.city("Hull"), factories.city("Salford"))
    row = fresh(cid)
    seen = row.version
    other = _in_thread(app, lambda: consultations.assign(
        db.session.get(User, users["admin"].id), db.session.get(Consultation, cid),
        work_area=db.session.get(type(transport), transport.id), city=db.session.get(type(hull), hull.id),
        policy_lead=db.session.get(User, lead_id), internal_deadline=None, seen_version=seen))
    assert other == Status.ASSIGNED
    # The page and the row this request loaded agree (version `seen`): only the compare-and-set
    # at the write sees that the row moved on.
    with pytest.raises(Stale) as refused:
        consultations.assign(users["coordinator"], row, work_area=transport, city=salford, policy_lead=None,
                             internal_deadline=None, seen_version=seen)
    assert "Ada Admin changed this consultation" in refused.value.message
    assert [ch.what for ch in refused.value.changes] == ["Assigned to Hull, policy lead Lena Lead, internal deadline "
                                                          + f"{fresh(cid).internal_deadline:%-d %B %Y}"]
    db.session.rollback()
    assert fresh(cid).lead_city_id == hull.id
    assert db.session.scalar(select(func.count()).select_from(ActivityLog).where(ActivityLog.action == "assign")) == 1
