"""Partner networks: seeded with Core Cities and the LGA, more added by admins; recorded as
partners or co-signatories of a response on its page, and shown on the consultation page and in
the library."""

from __future__ import annotations

from sqlalchemy import select

from tests.policy.conftest import page_text
from tracker.extensions import db
from tracker.models import Status
from tracker.models.policy import ConsultationPartner, PartnerNetwork
from tracker.policy.reference import seed_partner_networks


def _partners() -> dict[str, int]:
    return {p.name: p.id for p in db.session.scalars(select(PartnerNetwork))}


def _roles(consultation_id: int) -> dict[int, str]:
    db.session.expire_all()
    return {r.partner_id: r.role for r in db.session.scalars(
        select(ConsultationPartner).where(ConsultationPartner.consultation_id == consultation_id))}


def test_the_reference_data_has_core_cities_and_the_lga_once() -> None:
    assert set(_partners()) == {"Core Cities", "Local Government Association"}
    assert seed_partner_networks() == 0


def test_admins_add_partner_networks_and_nobody_else_may(as_user) -> None:  # type: ignore[no-untyped-def]
    admin = as_user("admin")
    added = admin.post("/policy/partners", data={"name": "County Councils Network", "description": "Counties."})
    assert added.status_code == 302
    assert "County Councils Network" in _partners()
    duplicate = admin.post("/policy/partners", data={"name": "core cities", "description": ""})
    assert duplicate.status_code == 400 and "There is already a partner network called core cities" in page_text(duplicate)
    empty = admin.post("/policy/partners", data={"name": " ", "description": "Kept"})
    assert empty.status_code == 400 and "Enter the partner network" in page_text(empty)
    for role in ("coordinator", "lead"):
        assert as_user(role).get("/policy/partners").status_code == 403
        assert as_user(role).post("/policy/partners", data={"name": "Sneaky"}).status_code == 403
    assert "Sneaky" not in _partners()


def test_partners_of_a_response_on_its_pages_and_in_the_library(as_user, make_response) -> None:  # type: ignore[no-untyped-def]
    submitted = make_response(Status.SUBMITTED, title="Freeports evaluation")
    ids = _partners()
    lead = as_user("lead")
    page = lead.get(f"/consultations/{submitted.id}/response").get_data(as_text=True)
    assert f'href="/policy/consultations/{submitted.id}/partners"' in page and 'name="role_' not in page
    assert f'name="role_{ids["Core Cities"]}"' in lead.get(f"/policy/consultations/{submitted.id}/partners").get_data(
        as_text=True)
    saved = lead.post(f"/policy/consultations/{submitted.id}/partners", data={
        "seen_partners": "", f"role_{ids['Core Cities']}": "co_signatory",
        f"role_{ids['Local Government Association']}": ""})
    assert saved.status_code == 302
    assert _roles(submitted.id) == {ids["Core Cities"]: "co_signatory"}
    assert "With Core Cities (co-signatory)." in page_text(as_user("contributor").get(f"/consultations/{submitted.id}"))
    library = page_text(as_user("contributor").get("/consultations/library"))
    assert "with Core Cities (co-signatory)" in library
    # A page drawn before that change is refused; the record stays.
    stale = as_user("coordinator").post(f"/policy/consultations/{submitted.id}/partners", data={
        "seen_partners": "", f"role_{ids['Local Government Association']}": "partner"})
    assert stale.status_code == 302 and stale.headers["Location"].endswith(f"/policy/consultations/{submitted.id}/partners")
    assert _roles(submitted.id) == {ids["Core Cities"]: "co_signatory"}
    # Others may not record partners; a crafted role is refused.
    assert as_user("other_lead").get(f"/policy/consultations/{submitted.id}/partners").status_code == 403
    assert as_user("other_lead").post(f"/policy/consultations/{submitted.id}/partners", data={
        "seen_partners": f"{ids['Core Cities']}:co_signatory", f"role_{ids['Core Cities']}": ""}).status_code == 403
    lead.post(f"/policy/consultations/{submitted.id}/partners", data={
        "seen_partners": f"{ids['Core Cities']}:co_signatory", f"role_{ids['Core Cities']}": "owner"})
    assert _roles(submitted.id) == {ids["Core Cities"]: "co_signatory"}


def _log(action: str) -> list[str]:
    from tracker.models import ActivityLog

    return [row.message for row in db.session.scalars(select(ActivityLog).where(ActivityLog.action == action))]


def test_admins_change_a_partner_on_the_version_they_saw_and_the_log_says_so(as_user) -> None:  # type: ignore[no-untyped-def]
    """Issue 24: partners are editable; the change is in the admin activity log."""
    core = db.session.scalar(select(PartnerNetwork).where(PartnerNetwork.name == "Core Cities"))
    assert core is not None
    admin = as_user("admin")
    listing = admin.get("/policy/partners").get_data(as_text=True)
    assert f'href="/policy/partners/{core.id}"' in listing and f'href="/policy/partners/{core.id}/remove"' in listing
    form = admin.get(f"/policy/partners/{core.id}")
    assert form.status_code == 200 and 'value="Core Cities"' in form.get_data(as_text=True)
    saved = admin.post(f"/policy/partners/{core.id}", data={
        "version": "1", "name": "Core Cities UK", "description": "The largest cities.", "offered": "yes"})
    assert saved.status_code == 302
    stale = admin.post(f"/policy/partners/{core.id}", data={
        "version": "1", "name": "Core Cities Group", "description": "", "offered": "yes"})
    assert stale.status_code == 409 and 'value="Core Cities Group"' in stale.get_data(as_text=True)
    taken = admin.post(f"/policy/partners/{core.id}", data={
        "version": "2", "name": "local government association", "description": "", "offered": "yes"})
    assert taken.status_code == 400 and "There is already a partner network called" in page_text(taken)
    db.session.expire_all()
    assert (core.name, core.description, core.version) == ("Core Cities UK", "The largest cities.", 2)
    assert _log("partner_edited") == ["Changed the partner network Core Cities UK"]
    activity = page_text(admin.get("/admin/activity"))
    assert "Changed the partner network Core Cities UK" in activity and "Core Cities UK" in activity
    for role in ("coordinator", "lead", "contributor"):
        assert as_user(role).post(f"/policy/partners/{core.id}", data={
            "version": "2", "name": "Sneaky", "description": "", "offered": "yes"}).status_code == 403


def test_removing_a_partner_asks_first_and_retires_one_records_name(as_user, make_response) -> None:  # type: ignore[no-untyped-def]
    ids = _partners()
    admin = as_user("admin")
    admin.post("/policy/partners", data={"name": "County Councils Network", "description": ""})
    county = db.session.scalar(select(PartnerNetwork).where(PartnerNetwork.name == "County Councils Network"))
    assert county is not None
    confirm = admin.get(f"/policy/partners/{county.id}/remove")
    assert confirm.status_code == 200 and "No response or engagement names County Councils Network" in page_text(confirm)
    assert db.session.get(PartnerNetwork, county.id) is not None  # asking removes nothing
    assert admin.post(f"/policy/partners/{county.id}/remove", data={"version": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(PartnerNetwork, county.id) is None
    # One that a response names is retired: kept on the response, no longer offered.
    submitted = make_response(Status.SUBMITTED, title="Towns fund")
    db.session.add(ConsultationPartner(consultation_id=submitted.id, partner_id=ids["Core Cities"], role="partner"))
    db.session.commit()
    said = page_text(admin.get(f"/policy/partners/{ids['Core Cities']}/remove"))
    assert "1 response or engagement names Core Cities" in said
    assert as_user("coordinator").post(f"/policy/partners/{ids['Core Cities']}/remove",
                                       data={"version": "1"}).status_code == 403
    assert admin.post(f"/policy/partners/{ids['Core Cities']}/remove", data={"version": "1"}).status_code == 302
    db.session.expire_all()
    core = db.session.get(PartnerNetwork, ids["Core Cities"])
    assert core is not None and core.is_active is False
    assert _log("partner_removed") == ["Removed the partner network County Councils Network"]
    assert _log("partner_retired") == ["Retired the partner network Core Cities"]
    activity = page_text(admin.get("/admin/activity"))
    assert "Removed the partner network County Councils Network" in activity
    assert "Added the partner network County Councils Network" in activity
