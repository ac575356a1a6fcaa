"""Every page and action of the consultation pages × every role: status code AND database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.consultations.conftest import consultation_form, date_parts, reload
from tracker.extensions import db
from tracker.models import ActivityLog, Consultation

ROLES = ["anonymous", "contributor", "other_lead", "lead", "coordinator", "admin"]
COORDINATORS = {"coordinator", "admin"}
HULL_SIDE = {"lead", "coordinator", "admin"}  # Hull leads Transport: the lead fixture is of Hull


@dataclass
class Action:
    name: str
    method: str
    path: str  # {id} is the consultation's id
    status: str  # the consultation's status before
    allowed: set[str]
    ok_code: int = 200
    data: Callable[[Consultation], dict[str, Any]] | None = None
    # What the database holds after a permitted POST: (attribute, value) of the consultation.
    changes: tuple[str, Any] | None = None
    everyone_reads: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _transport_id(c: Consultation) -> int:
    return factories.work_area("Transport").id


ACTIONS = [
    Action("list", "GET", "/consultations/", "new", set(ROLES) - {"anonymous"}),
    Action("list filtered", "GET", "/consultations/?status=open&closing=14", "new", set(ROLES) - {"anonymous"}),
    Action("detail", "GET", "/consultations/{id}", "assigned", set(ROLES) - {"anonymous"}),
    Action("new form", "GET", "/consultations/new", "new", COORDINATORS),
    Action("create", "POST", "/consultations/new", "new", COORDINATORS, ok_code=302,
           data=lambda c: consultation_form(title="Created in the matrix")),
    Action("edit form", "GET", "/consultations/{id}/edit", "new", COORDINATORS),
    Action("edit", "POST", "/consultations/{id}/edit", "new", COORDINATORS, ok_code=302,
           data=lambda c: consultation_form(title="Edited title", version=c.version), changes=("title", "Edited title")),
    Action("triage form", "GET", "/consultations/{id}/triage", "new", COORDINATORS),
    Action("triage", "POST", "/consultations/{id}/triage", "new", COORDINATORS, ok_code=302,
           data=lambda c: {"decision": "respond", "reason": "", "version": c.version}, changes=("status", "triaged")),
    Action("assign form", "GET", "/consultations/{id}/assign", "triaged", COORDINATORS),
    Action("assign", "POST", "/consultations/{id}/assign", "triaged", COORDINATORS, ok_code=302,
           data=lambda c: {"work_area": str(_transport_id(c)), "city": "", "policy_lead": "",
                           "internal_deadline": date_parts(None), "version": c.version},
           changes=("status", "assigned")),
    Action("start drafting", "POST", "/consultations/{id}/transition/start_drafting", "assigned", HULL_SIDE,
           ok_code=302, data=lambda c: {"version": c.version}, changes=("status", "drafting")),
    Action("mark missed", "POST", "/consultations/{id}/transition/mark_missed", "drafting", COORDINATORS,
           ok_code=302, data=lambda c: {"message": "Ran out of time", "version": c.version}, changes=("status", "missed")),
    Action("withdraw", "POST", "/consultations/{id}/transition/withdraw", "new", COORDINATORS,
           ok_code=302, data=lambda c: {"version": c.version}, changes=("status", "withdrawn")),
    Action("withdraw confirmation", "GET", "/consultations/{id}/transition/withdraw", "new", COORDINATORS),
    Action("start drafting confirmation", "GET", "/consultations/{id}/transition/start_drafting", "assigned",
           HULL_SIDE),
]


def _snapshot(c: Consultation) -> dict[str, Any]:
    return {k: getattr(c, k) for k in ("title", "status", "lead_city_id", "policy_lead_id", "decision")}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.name)
def test_permission_matrix(as_user, role: str, action: Action) -> None:
    consultation = factories.make_consultation(action.status, area="Transport")
    db.session.commit()
    cid = consultation.id
    before = _snapshot(consultation)
    count_before = db.session.scalar(select(func.count()).select_from(Consultation))
    log_before = db.session.scalar(select(func.count()).select_from(ActivityLog))

    client = as_user(role)
    path = action.path.format(id=cid)
    if action.method == "GET":
        response = client.get(path)
    else:
        response = client.post(path, data=action.data(consultation) if action.data else {})

    if role == "anonymous":
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    elif role in action.allowed:
        assert response.status_code == action.ok_code, response.get_data(as_text=True)[:2000]
    else:
        assert response.status_code == 403

    after = reload(cid)
    count_after = db.session.scalar(select(func.count()).select_from(Consultation))
    log_after = db.session.scalar(select(func.count()).select_from(ActivityLog))
    permitted_write = action.method == "POST" and role in action.allowed
    if not permitted_write:
        assert _snapshot(after) == before
        assert count_after == count_before
        assert log_after == log_before
    elif action.name == "create":
        assert count_after == count_before + 1
        created = db.session.scalar(select(Consultation).where(Consultation.title == "Created in the matrix"))
        assert created is not None and created.created_by_id is not None
    else:
        attribute, value = action.changes  # type: ignore[misc]
        assert getattr(after, attribute) == value
        assert log_after > log_before


@pytest.mark.parametrize("role", ["contributor", "other_lead", "lead", "coordinator"])
def test_unknown_consultation_is_404(as_user, role: str) -> None:
    client = as_user(role)
    for path in ("/consultations/999999", "/consultations/999999/edit", "/consultations/999999/triage",
                 "/consultations/999999/assign"):
        response = client.get(path)
        # Coordinator-only pages answer 403 to others before looking the id up.
        assert response.status_code in ((404,) if role == "coordinator" or path.count("/") == 2 else (403,))
    assert as_user(role).post("/consultations/999999/transition/approve").status_code == 404


def test_unknown_transition_is_404(as_user) -> None:
    c = factories.make_consultation("in_review")
    db.session.commit()
    client = as_user("coordinator")
    assert client.post(f"/consultations/{c.id}/transition/submit").status_code == 404
    assert client.post(f"/consultations/{c.id}/transition/explode").status_code == 404
    assert reload(c.id).status == "in_review"
