"""The JSON API: signed-in users only, 404 with a reason for unknown ids."""

from __future__ import annotations

import pytest

from tests import factories
from tracker.extensions import db


@pytest.mark.parametrize("path", ["/api/work-areas", "/api/cities/1/policy-leads", "/api/consultations/1"])
def test_anonymous_gets_401_json(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 401
    assert response.is_json and response.get_json()["status"] == 401


@pytest.mark.parametrize("role", ["contributor", "lead", "coordinator"])
def test_work_areas_with_lead_city(as_user, role: str) -> None:
    data = as_user(role).get("/api/work-areas").get_json()
    by_name = {a["name"]: a for a in data["work_areas"]}
    assert len(by_name) == 9
    hull = factories.city("Hull")
    assert by_name["Transport"]["lead_city"] == {"id": hull.id, "name": "Hull"}
    assert by_name["Transport"]["id"] == factories.work_area("Transport").id


def test_policy_leads_of_a_city(as_user, lead, other_lead) -> None:
    factories.make_user("policy_lead", city_name="Hull", name="Disabled Dee", is_enabled=False)
    factories.make_user("contributor", city_name="Hull", name="Just Contributing")
    db.session.commit()
    hull = factories.city("Hull")
    data = as_user("contributor").get(f"/api/cities/{hull.id}/policy-leads").get_json()
    assert data["city"] == {"id": hull.id, "name": "Hull"}
    assert [u["name"] for u in data["policy_leads"]] == ["Lena Lead"]


def test_consultation_facts_and_status(as_user, lead) -> None:
    c = factories.make_consultation("drafting", title="Rail reform", lead=lead)
    db.session.commit()
    data = as_user("contributor").get(f"/api/consultations/{c.id}").get_json()["consultation"]
    assert data["title"] == "Rail reform"
    assert data["status"] == "drafting" and data["status_label"] == "Drafting"
    assert data["lead_city"]["name"] == "Hull"
    assert data["policy_lead"]["id"] == lead.id
    assert data["closes_at"].endswith("+00:00")


@pytest.mark.parametrize("path", ["/api/consultations/999999", "/api/cities/999999/policy-leads"])
def test_unknown_ids_are_404_json_with_reason(as_user, path: str) -> None:
    response = as_user("contributor").get(path)
    assert response.status_code == 404
    body = response.get_json()
    assert body["status"] == 404
    assert "999999" in body["reason"]
