from tests.conftest import login


def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b"Sign in to Key Cities Tracker" in response.data


def test_dashboard_needs_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_dashboard_for_coordinator(client, coordinator):
    login(client, coordinator)
    response = client.get("/")
    assert response.status_code == 200
    assert b"Dashboard" in response.data
