"""Who may use the admin pages: a matrix over every admin route, GET and POST."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.admin.conftest import db_state
from tracker.extensions import db
from tracker.models import City, WorkArea
from tracker.models.signin import TotpAuthenticator
from tracker.timeutil import utcnow


def _routes(target_id: int) -> tuple[list[str], list[tuple[str, dict[str, str]]]]:
    hull = db.session.scalar(select(City).where(City.name == "Hull"))
    transport = db.session.scalar(select(WorkArea).where(WorkArea.name == "Transport"))
    salford = db.session.scalar(select(City).where(City.name == "Salford"))
    if db.session.scalar(select(TotpAuthenticator.id).where(TotpAuthenticator.user_id == target_id)) is None:
        # A second factor for the reset to remove.
        db.session.add(TotpAuthenticator(user_id=target_id, secret_sealed="sealed", confirmed_at=utcnow()))
        db.session.commit()
    gets = [
        "/admin/", "/admin/users", "/admin/users/new", f"/admin/users/{target_id}",
        f"/admin/users/{target_id}/password", "/admin/cities", f"/admin/cities/{hull.id}",
        "/admin/work-areas", f"/admin/work-areas/{transport.id}", "/admin/activity",
        f"/admin/users/{target_id}/second-factor",
    ]
    # Each POST is valid: from an admin it would change the database.
    posts = [
        ("/admin/users/new", {"email": "new.person@example.test", "name": "New Person", "role": "admin",
                              "password": "a-long-enough-password"}),
        (f"/admin/users/{target_id}", {"name": "Changed", "role": "admin", "city": "", "is_enabled": "yes"}),
        (f"/admin/users/{target_id}/password", {"password": "a-new-long-password"}),
        (f"/admin/cities/{hull.id}", {"name": "Kingston upon Hull", "nation": "Wales"}),
        (f"/admin/work-areas/{transport.id}", {"name": "Transport", "description": "x",
                                               "lead_city": str(salford.id)}),
        (f"/admin/users/{target_id}/second-factor", {}),
    ]
    return gets, posts


def test_the_matrix_covers_every_admin_route(app, target):
    """A new admin route fails here until it is added to the matrix."""
    gets, posts = _routes(target.id)
    adapter = app.url_map.bind("localhost")
    covered = {(adapter.match(url, "GET")[0], "GET") for url in gets}
    covered |= {(adapter.match(url, "POST")[0], "POST") for url, _ in posts}
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == covered


@pytest.mark.parametrize("who", ["anonymous", "contributor", "lead", "coordinator"])
def test_non_admins_are_refused_everywhere(as_user, target, who):
    client = as_user(who)
    gets, posts = _routes(target.id)
    before = db_state()
    for url in gets:
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 302, url
            assert "/login" in response.headers["Location"]
        else:
            assert response.status_code == 403, url
            assert "You do not have permission" in response.get_data(as_text=True)
    for url, data in posts:
        response = client.post(url, data=data)
        if who == "anonymous":
            assert response.status_code == 302, url
            assert "/login" in response.headers["Location"]
        else:
            assert response.status_code == 403, url
    assert db_state() == before


def test_admin_may_use_every_page(as_user, target):
    client = as_user("admin")
    gets, posts = _routes(target.id)
    for url in gets:
        assert client.get(url).status_code == 200, url
    before = db_state()
    for url, data in posts:
        response = client.post(url, data=data)
        assert response.status_code in (200, 302), url
        assert "There is a problem" not in response.get_data(as_text=True), url
    after = db_state()
    for key in ("users", "cities", "areas", "activity"):
        assert after[key] != before[key], key


def test_admin_link_only_in_admins_navigation(as_user):
    assert 'href="/admin/"' in as_user("admin").get("/").get_data(as_text=True)
    assert 'href="/admin/"' not in as_user("coordinator").get("/").get_data(as_text=True)
