"""The network's asks: who may add and edit them, every edit kept with who, when and the values
before and after, stale edits refused with what was typed kept, bad input as form errors."""

from __future__ import annotations

from sqlalchemy import select

from tests import factories
from tests.policy.conftest import page_text
from tracker.extensions import db
from tracker.models import ActivityLog
from tracker.models.policy import PolicyAsk


def _edit(ask: PolicyAsk, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {"work_area_id": ask.work_area_id, "lead_city_id": ask.lead_city_id,
                               "title": ask.title, "text": ask.text, "status": ask.status, "version": ask.version}
    data.update(changes)
    return data


def _fresh(ask: PolicyAsk) -> PolicyAsk:
    db.session.expire_all()
    row = db.session.get(PolicyAsk, ask.id)
    assert row is not None
    return row


def test_a_coordinator_adds_an_ask_and_everyone_reads_it(as_user) -> None:  # type: ignore[no-untyped-def]
    coordinator = as_user("coordinator")
    page = coordinator.post("/policy/asks/new", data={
        "work_area_id": factories.work_area("Transport").id, "lead_city_id": factories.city("Hull").id,
        "title": "Five-year bus funding", "text": "Multi-year, formula-based bus funding."})
    assert page.status_code == 302
    ask = db.session.scalar(select(PolicyAsk).where(PolicyAsk.title == "Five-year bus funding"))
    assert ask is not None and ask.lead_city.name == "Hull" and ask.status == "active" and ask.version == 1
    listing = page_text(as_user("contributor").get("/policy/asks"))
    assert "Five-year bus funding" in listing and "Transport" in listing
    assert as_user("contributor").get(f"/policy/asks/{ask.id}").status_code == 200


def test_only_coordinators_add_asks(as_user) -> None:  # type: ignore[no-untyped-def]
    for role in ("lead", "contributor"):
        assert as_user(role).get("/policy/asks/new").status_code == 403
        assert as_user(role).post("/policy/asks/new", data={
            "work_area_id": factories.work_area("Transport").id, "lead_city_id": factories.city("Hull").id,
            "title": "Sneaky", "text": "x"}).status_code == 403
    assert db.session.scalar(select(PolicyAsk.id)) is None


def test_the_owning_citys_lead_edits_its_ask_and_the_history_keeps_before_and_after(as_user, hull_ask) -> None:  # type: ignore[no-untyped-def]
    lead = as_user("lead")
    page = lead.post(f"/policy/asks/{hull_ask.id}/edit",
                     data=_edit(hull_ask, text="Five-year settlements, including community transport.",
                                status="achieved"))
    assert page.status_code == 302
    row = _fresh(hull_ask)
    assert (row.text, row.status, row.version) == ("Five-year settlements, including community transport.", "achieved", 2)
    entry = db.session.scalars(select(ActivityLog).where(ActivityLog.subject_type == "policy_ask",
                                                         ActivityLog.action == "ask_edited")).one()
    assert entry.actor.name == "Lena Lead"
    assert entry.before == {"text": "Multi-year funding for buses.", "status": "active", "version": 1}
    assert entry.after == {"text": "Five-year settlements, including community transport.", "status": "achieved",
                           "version": 2}
    shown = page_text(lead.get(f"/policy/asks/{hull_ask.id}"))
    assert "Lena Lead (Hull)" in shown and "(version 2)" in shown
    assert "Before: Multi-year funding for buses." in shown
    assert "After: Five-year settlements, including community transport." in shown
    assert "Before: Active After: Achieved" in shown


def test_a_coordinator_moves_an_ask_and_the_history_names_the_city_and_work_area(as_user, hull_ask, salford_ask) -> None:  # type: ignore[no-untyped-def]
    area_before, area_after = hull_ask.work_area.name, salford_ask.work_area.name
    assert area_before != area_after
    moved = as_user("coordinator").post(f"/policy/asks/{hull_ask.id}/edit", data=_edit(
        hull_ask, lead_city_id=salford_ask.lead_city_id, work_area_id=salford_ask.work_area_id))
    assert moved.status_code == 302
    row = _fresh(hull_ask)
    assert (row.lead_city_id, row.work_area_id) == (salford_ask.lead_city_id, salford_ask.work_area_id)
    shown = page_text(as_user("contributor").get(f"/policy/asks/{hull_ask.id}"))
    assert "Lead city Before: Hull After: Salford" in shown
    assert f"Work area Before: {area_before} After: {area_after}" in shown


def test_a_lead_of_city_a_cannot_edit_city_bs_ask(as_user, salford_ask) -> None:  # type: ignore[no-untyped-def]
    hull = as_user("lead")
    assert hull.get(f"/policy/asks/{salford_ask.id}/edit").status_code == 403
    refused = hull.post(f"/policy/asks/{salford_ask.id}/edit", data=_edit(salford_ask, title="Hijacked"))
    assert refused.status_code == 403
    assert _fresh(salford_ask).title == "Fund decent homes enforcement"
    # Nor may a contributor of the owning city, nor the lead hand their own ask to another city.
    assert as_user("contributor").get(f"/policy/asks/{salford_ask.id}/edit").status_code == 403
    assert as_user("other_lead").get(f"/policy/asks/{salford_ask.id}/edit").status_code == 200
    moved = as_user("other_lead").post(f"/policy/asks/{salford_ask.id}/edit",
                                       data=_edit(salford_ask, lead_city_id=factories.city("Hull").id))
    assert moved.status_code == 400
    assert "Only coordinators can move an ask to another city" in page_text(moved)
    assert _fresh(salford_ask).lead_city.name == "Salford"


def test_an_edit_made_on_an_older_page_is_refused_with_what_was_typed_kept(as_user, hull_ask) -> None:  # type: ignore[no-untyped-def]
    first = as_user("coordinator").post(f"/policy/asks/{hull_ask.id}/edit",
                                        data=_edit(hull_ask, title="Bus funding for five years"))
    assert first.status_code == 302
    stale = as_user("lead").post(f"/policy/asks/{hull_ask.id}/edit",
                                 data=_edit(hull_ask, text="My careful rewording.", version=1))
    assert stale.status_code == 409
    shown = page_text(stale)
    assert "Cora Coordinator changed this ask after you opened the page" in shown
    assert "Edited the ask: title" in shown
    body = stale.get_data(as_text=True)
    assert "My careful rewording." in body  # what they typed is still in the form
    assert 'name="version" type="hidden" value="2"' in body  # redrawn on the version there is now
    row = _fresh(hull_ask)
    assert (row.title, row.text, row.version) == ("Bus funding for five years", "Multi-year funding for buses.", 2)


def test_bad_input_gives_form_errors_and_keeps_the_input(as_user, hull_ask) -> None:  # type: ignore[no-untyped-def]
    coordinator = as_user("coordinator")
    page = coordinator.post("/policy/asks/new", data={"work_area_id": "0", "lead_city_id": "nope",
                                                      "title": "  ", "text": "Keep this text"})
    assert page.status_code == 400
    shown = page_text(page)
    assert "There is a problem" in shown and "Enter the ask" in shown
    assert "Keep this text" in page.get_data(as_text=True)
    page = coordinator.post("/policy/asks/new", data={"work_area_id": "0", "lead_city_id": factories.city("Hull").id,
                                                      "title": "A title", "text": "Some text"})
    assert page.status_code == 400 and "Choose the work area" in page_text(page)
    page = coordinator.post(f"/policy/asks/{hull_ask.id}/edit", data=_edit(hull_ask, status="won", title="x" * 201))
    assert page.status_code == 400
    assert "Title must be 200 characters or fewer" in page_text(page)
    missing_version = coordinator.post(f"/policy/asks/{hull_ask.id}/edit", data=_edit(hull_ask, version=""))
    assert missing_version.status_code == 400 and "Reload the page" in page_text(missing_version)
    assert as_user("coordinator").get("/policy/asks/999999").status_code == 404
    assert as_user("coordinator").get("/policy/asks?status=bogus").status_code == 400
    assert _fresh(hull_ask).version == 1


def test_the_list_filters_by_status_and_says_when_an_area_has_none(as_user, hull_ask, salford_ask) -> None:  # type: ignore[no-untyped-def]
    salford_ask.status = "achieved"
    db.session.commit()
    achieved = page_text(as_user("contributor").get("/policy/asks?status=achieved"))
    assert "Fund decent homes enforcement" in achieved and "Five-year bus funding" not in achieved
    assert "No achieved asks in this work area yet." in achieved
    assert "Add one" not in achieved  # only coordinators add asks
    assert "Add one for Culture" in page_text(as_user("coordinator").get("/policy/asks"))
