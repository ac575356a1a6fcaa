"""Triage in bulk: ticked items dismissed with one reason, or accepted one page each with their
decision and assignment; items decided by someone else meanwhile refused and skipped."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.intake.govuk_server import make_item
from tracker.errors import DomainError, InvalidTransition, PermissionDenied
from tracker.extensions import db
from tracker.intake import bulk, services
from tracker.models import ActivityLog, Consultation, Decision, Status
from tracker.models.intake import IntakeItem, ItemState
from tracker.timeutil import uk_today


@pytest.fixture
def items(govuk, run_import):  # type: ignore[no-untyped-def]
    """Three pending GOV.UK items from the Department for Transport (suggesting Transport, led by Hull)."""
    for n, title in enumerate(["Bus fares", "Rail freight", "Road safety"], start=1):
        govuk.add(*make_item(n, title=title, org="DfT"))
    run_import()
    rows = {i.title: i for i in db.session.scalars(select(IntakeItem))}
    return [rows["Bus fares"], rows["Rail freight"], rows["Road safety"]]


def _accept_url(ids: list[int], n: int) -> str:
    return "/intake/accept?" + "&".join(f"items={i}" for i in ids) + f"&n={n}"


# --- The services ---------------------------------------------------------------------------


def test_accept_and_assign_makes_an_assigned_consultation_in_one_step(items, coordinator, lead):
    item = items[0]
    transport = factories.work_area("Transport")
    consultation = bulk.accept_and_assign(coordinator, item, Decision.RESPOND, "",
                                          bulk.Assignment(work_area=transport, policy_lead=lead))
    db.session.commit()
    assert consultation.status == Status.ASSIGNED
    assert consultation.lead_city.name == "Hull" and consultation.policy_lead_id == lead.id
    assert consultation.internal_deadline is not None and consultation.internal_deadline >= uk_today()
    assert item.state == ItemState.ACCEPTED and item.decided_by_id == coordinator.id
    actions = set(db.session.scalars(select(ActivityLog.action).where(ActivityLog.consultation_id == consultation.id)))
    assert {"create", "govuk_accept", "triage", "assign"} <= actions


def test_monitor_only_needs_a_reason_and_no_assignment(items, coordinator):
    with pytest.raises(DomainError) as refused:
        bulk.accept_and_assign(coordinator, items[1], Decision.MONITOR, "  ", bulk.Assignment(work_area=None))
    assert refused.value.field == "reason"
    db.session.rollback()
    consultation = bulk.accept_and_assign(coordinator, items[1], Decision.MONITOR, "The LGA leads",
                                          bulk.Assignment(work_area=None))
    db.session.commit()
    assert consultation.status == Status.MONITORING and consultation.lead_city_id is None


def test_respond_without_a_work_area_is_refused_on_its_field(items, coordinator):
    with pytest.raises(DomainError) as refused:
        bulk.accept_and_assign(coordinator, items[0], Decision.RESPOND, "", bulk.Assignment(work_area=None))
    assert refused.value.field == "work_area"


def test_an_item_decided_meanwhile_is_refused_saying_by_whom(items, coordinator):
    other = factories.make_user(factories.Role.COORDINATOR, name="Dora Deputy")
    services.dismiss_item(other, items[0], "Not ours")
    db.session.commit()
    with pytest.raises(InvalidTransition, match="already dismissed by Dora Deputy meanwhile: skipped"):
        bulk.accept_and_assign(coordinator, items[0], Decision.RESPOND, "",
                               bulk.Assignment(work_area=factories.work_area("Transport")))


def test_only_coordinators_triage_in_bulk(items, lead):
    with pytest.raises(PermissionDenied):
        bulk.dismiss_items(lead, items, "No")
    with pytest.raises(PermissionDenied):
        bulk.accept_and_assign(lead, items[0], Decision.RESPOND, "", bulk.Assignment(work_area=None))


def test_dismiss_items_records_the_reason_on_each_and_skips_the_decided(items, coordinator):
    services.accept_item(coordinator, items[2])
    done = bulk.dismiss_items(coordinator, items, "Covered by the LGA")
    db.session.commit()
    assert done.count == 2 and len(done.skipped) == 1 and "Road safety" in done.skipped[0]
    assert [i.state for i in items] == [ItemState.DISMISSED, ItemState.DISMISSED, ItemState.ACCEPTED]
    assert {i.dismissal_reason for i in items[:2]} == {"Covered by the LGA"}
    logged = db.session.scalar(select(func.count(ActivityLog.id)).where(ActivityLog.action == "govuk_dismiss"))
    assert logged == 2


# --- The pages ------------------------------------------------------------------------------


def test_inbox_offers_checkboxes_and_the_two_buttons(as_user, items):
    page = as_user("coordinator").get("/intake/").get_data(as_text=True)
    assert page.count('name="items" type="checkbox"') == 3
    assert "Select Bus fares" in page
    assert 'name="accept"' in page and 'name="dismiss"' in page
    # Other tabs have no choosing.
    assert 'type="checkbox"' not in as_user("coordinator").get("/intake/?state=dismissed").get_data(as_text=True)


def test_choosing_nothing_says_so_on_the_inbox(as_user, items):
    response = as_user("coordinator").post("/intake/choose", data={"accept": "y"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and "Tick the items to accept or dismiss" in page and 'href="#items"' in page


def test_crafted_choices_are_refused_not_500(as_user, items):
    client = as_user("coordinator")
    assert client.post("/intake/choose", data={"items": ["x"], "accept": "y"}).status_code == 400
    assert client.get("/intake/accept?items=abc&n=1").status_code == 400
    assert client.get(_accept_url([items[0].id], 5)).status_code == 404
    assert client.get("/intake/accept?n=1").status_code == 404


def test_dismiss_several_asks_a_reason_then_records_it(as_user, items):
    client = as_user("coordinator")
    ids = [items[0].id, items[1].id]
    confirm = client.post("/intake/choose", data={"items": ids, "dismiss": "y"})
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Dismiss 2 items" in page and "Bus fares" in page and "Rail freight" in page
    empty = client.post("/intake/dismiss", data={"items": ids, "reason": ""})
    assert empty.status_code == 400 and "Give a reason for dismissing it" in empty.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(IntakeItem, items[0].id).state == ItemState.PENDING
    done = client.post("/intake/dismiss", data={"items": ids, "reason": "Scotland only"}, follow_redirects=True)
    assert "Dismissed 2 items." in done.get_data(as_text=True)
    db.session.expire_all()
    assert [db.session.get(IntakeItem, i).dismissal_reason for i in ids] == ["Scotland only", "Scotland only"]
    assert db.session.get(IntakeItem, items[2].id).state == ItemState.PENDING


def test_accept_three_one_page_each_then_back_to_the_inbox(as_user, items, lead):
    client = as_user("coordinator")
    ids = [i.id for i in items]
    chosen = client.post("/intake/choose", data={"items": ids, "accept": "y"})
    assert chosen.status_code == 302 and chosen.headers["Location"].endswith(_accept_url(ids, 1)[len("/intake"):]) \
        or "n=1" in chosen.headers["Location"]
    first = client.get(chosen.headers["Location"])
    page = first.get_data(as_text=True)
    assert "Item 1 of 3" in page and "Bus fares" in page
    transport = factories.work_area("Transport")
    # The lead city is named (Hull, from the suggested work area), not left blank.
    assert f'<option value="{transport.lead_city_id}" selected>Hull</option>' in page
    assert "Lena Lead" in page

    saved = client.post(_accept_url(ids, 1), data={
        "decision": "respond", "reason": "", "work_area": str(transport.id), "city": str(transport.lead_city_id),
        "policy_lead": str(lead.id), "internal_deadline-day": "", "internal_deadline-month": "",
        "internal_deadline-year": ""})
    assert saved.status_code == 302 and "n=2" in saved.headers["Location"]
    consultation = db.session.scalar(select(Consultation).where(Consultation.title == "Bus fares"))
    assert consultation.status == Status.ASSIGNED and consultation.policy_lead_id == lead.id

    monitor = client.post(_accept_url(ids, 2), data={"decision": "monitor", "reason": "Regional only",
                                                     "work_area": str(transport.id)})
    assert monitor.status_code == 302 and "n=3" in monitor.headers["Location"]
    last = client.post(_accept_url(ids, 3), data={"decision": "no_response", "reason": "Not for cities",
                                                  "work_area": ""}, follow_redirects=True)
    text = last.get_data(as_text=True)
    assert last.request.path == "/intake/"
    assert "Done with the 3 items you chose: 3 accepted." in text
    statuses = dict(db.session.execute(select(Consultation.title, Consultation.status)).tuples().all())
    assert statuses == {"Bus fares": "assigned", "Rail freight": "monitoring", "Road safety": "declined"}


def test_a_refused_field_comes_back_with_what_was_typed(as_user, items, other_lead):
    client = as_user("coordinator")
    ids = [items[0].id]
    transport = factories.work_area("Transport")
    response = client.post(_accept_url(ids, 1), data={
        "decision": "respond", "reason": "Typed words", "work_area": str(transport.id), "city": "",
        "policy_lead": str(other_lead.id)})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Omar Other is not a policy lead of Hull" in page and "Typed words" in page
    db.session.expire_all()
    assert db.session.get(IntakeItem, items[0].id).state == ItemState.PENDING
    assert db.session.scalar(select(func.count(Consultation.id))) == 0


def test_an_item_decided_by_someone_else_meanwhile_is_skipped_clearly(as_user, items):
    client = as_user("coordinator")
    ids = [items[0].id, items[1].id]
    other = factories.make_user(factories.Role.COORDINATOR, name="Dora Deputy")
    services.dismiss_item(other, items[0], "Not ours")
    db.session.commit()
    # The form, sent after the colleague's dismissal: refused, said, and on to the next.
    sent = client.post(_accept_url(ids, 1), data={"decision": "monitor", "reason": "x", "work_area": ""},
                       follow_redirects=True)
    page = sent.get_data(as_text=True)
    assert "already dismissed by Dora Deputy meanwhile: skipped" in page and "Item 2 of 2" in page
    # Opening it again skips it too.
    again = client.get(_accept_url(ids, 1), follow_redirects=True).get_data(as_text=True)
    assert "already dismissed by Dora Deputy meanwhile" in again and "Item 2 of 2" in again


def test_others_cannot_triage_in_bulk(as_user, items):
    ids = [items[0].id]
    for who in ("lead", "contributor"):
        client = as_user(who)
        assert client.post("/intake/choose", data={"items": ids, "accept": "y"}).status_code == 403
        assert client.post("/intake/dismiss", data={"items": ids, "reason": "x"}).status_code == 403
        assert client.get(_accept_url(ids, 1)).status_code == 403
        assert client.post(_accept_url(ids, 1), data={"decision": "monitor", "reason": "x"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(IntakeItem, items[0].id).state == ItemState.PENDING


def test_the_assign_step_names_the_proposed_city_for_an_imported_work_area(as_user, items, coordinator):
    transport = factories.work_area("Transport")
    consultation = services.accept_item(coordinator, items[0], work_area=transport)
    db.session.commit()
    client = as_user("coordinator")
    client.post(f"/consultations/{consultation.id}/triage",
                data={"decision": "respond", "reason": "", "version": consultation.version})
    db.session.expire_all()
    page = client.get(f"/consultations/{consultation.id}/assign").get_data(as_text=True)
    assert f'<option value="{transport.lead_city_id}" selected>Hull</option>' in page


def test_closing_deadline_proposal_is_never_after_closing(items, coordinator):
    item = items[0]
    item.closes_at = item.closes_at - timedelta(days=25)
    consultation = bulk.accept_and_assign(coordinator, item, Decision.RESPOND, "",
                                          bulk.Assignment(work_area=factories.work_area("Transport")))
    assert consultation.internal_deadline is not None
    assert consultation.internal_deadline <= consultation.closes_at.date()


def test_an_item_page_leads_to_its_accept_and_assign_page(as_user, items):
    client = as_user("coordinator")
    page = client.get(f"/intake/items/{items[0].id}").get_data(as_text=True)
    link = re.search(r'href="([^"]+)" data-kc-accept-and-assign', page)
    assert link is not None
    one = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "Item 1 of 1" in one and "Save and finish" in one and "Skip this item and finish" in one


@pytest.mark.committed  # the colleague's request runs in a thread with its own connection and commits
def test_an_item_read_pending_then_dismissed_by_a_colleague_is_refused_at_the_write(app, items, coordinator):
    from tests.threads import at_once

    item_id = items[0].id
    other = factories.make_user(factories.Role.COORDINATOR, name="Dora Deputy")
    db.session.commit()
    other_id = other.id
    # This request has read the item, still pending...
    row = db.session.get(IntakeItem, item_id)
    assert row.state == ItemState.PENDING
    # ...when a colleague's dismissal commits on another connection.
    at_once(app, lambda: (services.dismiss_item(db.session.get(type(other), other_id),
                                                db.session.get(IntakeItem, item_id), "Not ours"),
                          db.session.commit()), 1)
    with pytest.raises(InvalidTransition, match="already dismissed by Dora Deputy meanwhile: skipped"):
        bulk.accept_and_assign(coordinator, row, Decision.MONITOR, "Watching",
                               bulk.Assignment(work_area=None))
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(IntakeItem, item_id).state == ItemState.DISMISSED
    assert db.session.scalar(select(func.count(Consultation.id))) == 0
