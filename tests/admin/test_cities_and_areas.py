"""Member cities and work areas: list, edit, validation, and the activity log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.admin.conftest import db_state
from tracker.extensions import db
from tracker.models import ActivityLog, City, WorkArea


def _city(name: str) -> City:
    db.session.expire_all()
    return db.session.scalar(select(City).where(City.name == name))


def _area(name: str) -> WorkArea:
    db.session.expire_all()
    return db.session.scalar(select(WorkArea).where(WorkArea.name == name))


def _log(action: str) -> list[ActivityLog]:
    return list(db.session.scalars(select(ActivityLog).where(ActivityLog.action == action)))


@pytest.fixture
def admin_client(as_user):
    return as_user("admin")


def test_cities_list_shows_every_member(admin_client):
    html = admin_client.get("/admin/cities").get_data(as_text=True)
    assert "25 members" in html
    for name in ("Bath &amp; North East Somerset", "Newport", "Wrexham", "Hull"):
        assert name in html
    assert html.count('<td class="govuk-table__cell">Wales</td>') == 2


def test_edit_city(admin_client, admin):
    newport = _city("Newport")
    response = admin_client.post(f"/admin/cities/{newport.id}", data={
        "name": "  City of   Newport ", "nation": "Wales"})  # is_member unticked
    assert response.status_code == 302
    city = _city("City of Newport")
    assert city is not None and city.nation == "Wales" and city.is_member is False
    assert city.slug == "newport"  # links keep working
    [entry] = _log("city_updated")
    assert entry.actor_id == admin.id and entry.subject_type == "city" and entry.subject_id == city.id
    assert entry.before == {"name": "Newport", "is_member": True}
    assert entry.after == {"name": "City of Newport", "is_member": False}
    assert "Not a member" in admin_client.get("/admin/cities").get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({"name": "hull", "nation": "England", "is_member": "y"}, "There is already a city called hull."),
    ({"name": "", "nation": "England", "is_member": "y"}, "Enter the city&#39;s name"),
    ({"name": "Salford", "nation": "Scotland", "is_member": "y"}, "Not a valid choice"),
    ({"name": "Salford", "is_member": "y"}, "Choose England or Wales"),
])
def test_city_validation(admin_client, data, message):
    salford = _city("Salford")
    before = db_state()
    response = admin_client.post(f"/admin/cities/{salford.id}", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db_state() == before


def test_unknown_city_and_area_are_404(admin_client):
    assert admin_client.get("/admin/cities/99999").status_code == 404
    assert admin_client.post("/admin/work-areas/99999", data={}).status_code == 404


def test_work_areas_list_shows_lead_cities(admin_client):
    html = admin_client.get("/admin/work-areas").get_data(as_text=True)
    assert html.count('href="/admin/work-areas/') == 9
    assert "Transport" in html and "Hull" in html
    assert "Climate Emergency" in html and "Exeter" in html


def test_changing_the_lead_city_is_logged_before_and_after(admin_client, admin):
    transport = _area("Transport")
    response = admin_client.post(f"/admin/work-areas/{transport.id}", data={
        "name": "Transport", "description": transport.description, "lead_city": str(_city("Coventry").id)})
    assert response.status_code == 302
    assert _area("Transport").lead_city.name == "Coventry"
    [entry] = _log("work_area_updated")
    assert entry.actor_id == admin.id and entry.subject_type == "work_area" and entry.subject_id == transport.id
    assert entry.before == {"lead_city_id": _city("Hull").id, "lead_city": "Hull"}
    assert entry.after == {"lead_city_id": _city("Coventry").id, "lead_city": "Coventry"}
    assert entry.message == "Changed the lead city of Transport from Hull to Coventry"
    html = admin_client.get("/admin/activity").get_data(as_text=True)
    assert "Changed the lead city of Transport from Hull to Coventry" in html


def test_work_area_can_have_no_lead_city_and_a_new_description(admin_client):
    culture = _area("Culture")
    response = admin_client.post(f"/admin/work-areas/{culture.id}", data={
        "name": "Culture and Heritage", "description": "Arts and heritage.", "lead_city": ""})
    assert response.status_code == 302
    area = _area("Culture and Heritage")
    assert area.lead_city is None and area.description == "Arts and heritage."
    assert "No lead city" in admin_client.get("/admin/work-areas").get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({"name": "housing", "lead_city": ""}, "There is already a work area called housing."),
    ({"name": "", "lead_city": ""}, "Enter the work area&#39;s name"),
    ({"name": "Transport", "lead_city": "99999"}, "Not a valid choice"),
])
def test_work_area_validation(admin_client, data, message):
    transport = _area("Transport")
    before = db_state()
    response = admin_client.post(f"/admin/work-areas/{transport.id}", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db_state() == before
