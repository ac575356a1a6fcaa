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


def test_a_missing_page_speaks_the_services_words_not_werkzeugs(as_user) -> None:
    response = as_user("lead").get("/no-such-page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found" in html
    assert "If you typed the web address, check it is correct." in html
    assert "requested URL was not found" not in html
    assert "spelling" not in html
