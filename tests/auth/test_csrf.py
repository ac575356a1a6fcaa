"""CSRF is enforced on the sign-in form and on admin forms when switched on (as in production)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.auth.conftest import csrf_token_from, is_signed_in, sign_in
from tracker.extensions import db
from tracker.models import City, User


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def _city_name(city_id: int) -> str:
    with db.engine.connect() as conn:
        return conn.execute(select(City.name).where(City.id == city_id)).scalar_one()


def test_login_without_token_is_refused(client, lead, csrf_on):
    client.get("/login")
    response = client.post("/login", data={"email": lead.email, "password": "correct-horse-battery"})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)
    assert not is_signed_in(client)
    assert db.session.get(User, lead.id).last_login_at is None


def test_login_with_token_from_the_page_works(client, lead, csrf_on):
    response = sign_in(client, lead.email, csrf=True)
    assert response.status_code == 302
    assert is_signed_in(client)


def test_admin_form_without_token_changes_nothing(client, admin, csrf_on):
    assert sign_in(client, admin.email, csrf=True).status_code == 302
    city = db.session.scalar(select(City).where(City.name == "Hull"))
    data = {"name": "Kingston upon Hull", "nation": "England", "is_member": "y"}

    response = client.post(f"/admin/cities/{city.id}", data=data)
    assert response.status_code == 400
    assert _city_name(city.id) == "Hull"

    response = client.post(f"/admin/cities/{city.id}", data={**data, "csrf_token": "forged"})
    assert response.status_code == 400
    assert _city_name(city.id) == "Hull"

    token = csrf_token_from(client.get(f"/admin/cities/{city.id}").get_data(as_text=True))
    response = client.post(f"/admin/cities/{city.id}", data={**data, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    assert _city_name(city.id) == "Kingston upon Hull"


def test_logout_needs_the_token(client, admin, csrf_on):
    sign_in(client, admin.email, csrf=True)
    assert client.post("/logout").status_code == 400
    assert is_signed_in(client)
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert not is_signed_in(client)
