"""Accounts: list, create, edit, disable (with confirmation), reset password."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.admin.conftest import db_state
from tests.auth.conftest import is_signed_in, sign_in
from tracker.extensions import db
from tracker.models import ActivityLog, City, Role, User, UserSession


def _city_id(name: str) -> int:
    return db.session.scalar(select(City.id).where(City.name == name))


def _user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def _log(action: str) -> list[ActivityLog]:
    return list(db.session.scalars(select(ActivityLog).where(ActivityLog.action == action).order_by(ActivityLog.id)))


def _shown_password(html: str) -> str:
    match = re.search(r'<code class="kc-password">([^<]+)</code>', html)
    assert match, "no password on the page"
    return match.group(1)


@pytest.fixture
def admin_client(as_user):
    return as_user("admin")


# Creating accounts


def test_create_a_policy_lead_with_a_generated_password_shown_once(app, admin_client, admin):
    response = admin_client.post("/admin/users/new", data={
        "email": "Pat.Lead@Example.test", "name": "Pat Lead", "job_title": "Policy officer",
        "role": "policy_lead", "city": str(_city_id("Plymouth"))})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "Account created for Pat Lead" in html
    password = _shown_password(html)

    user = _user("pat.lead@example.test")
    assert user.role == Role.POLICY_LEAD and user.city.name == "Plymouth" and user.job_title == "Policy officer"
    assert user.password_hash.startswith("$argon2id$")
    assert password not in user.password_hash
    [entry] = _log("user_created")
    assert entry.actor_id == admin.id and entry.subject_type == "user" and entry.subject_id == user.id

    # The password works at the real form, and is not shown again anywhere.
    assert sign_in(app.test_client(), "pat.lead@example.test", password).status_code == 302
    assert password not in admin_client.get("/admin/users").get_data(as_text=True)
    assert password not in admin_client.get(f"/admin/users/{user.id}").get_data(as_text=True)


def test_create_with_a_chosen_password_does_not_show_it(app, admin_client):
    response = admin_client.post("/admin/users/new", data={
        "email": "cora2@example.test", "name": "Cora Two", "role": "coordinator",
        "password": "a-chosen-long-password"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "a-chosen-long-password" not in html
    assert 'class="kc-password"' not in html
    assert _user("cora2@example.test").city is None
    assert sign_in(app.test_client(), "cora2@example.test", "a-chosen-long-password").status_code == 302


@pytest.mark.parametrize("role", ["policy_lead", "contributor"])
def test_policy_lead_or_contributor_without_a_city_is_a_form_error(admin_client, role):
    before = db_state()
    response = admin_client.post("/admin/users/new", data={
        "email": "nocity@example.test", "name": "No City", "role": role, "city": ""})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    assert "must belong to a member city" in html
    assert 'id="city-error"' in html
    assert db_state() == before


def test_duplicate_email_is_a_form_error(admin_client, target):
    before = db_state()
    response = admin_client.post("/admin/users/new", data={
        "email": "  TESS.target@example.test ", "name": "Someone Else", "role": "coordinator"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is already an account for tess.target@example.test" in html
    assert 'id="email-error"' in html
    assert db_state() == before


@pytest.mark.parametrize("data, message", [
    ({"email": "not-an-email", "name": "X", "role": "coordinator"}, "Enter an email address in the correct format"),
    ({"email": "", "name": "X", "role": "coordinator"}, "Enter an email address"),
    ({"email": "x@example.test", "name": "", "role": "coordinator"}, "Enter the person&#39;s name"),
    ({"email": "x@example.test", "name": "X", "role": "emperor"}, "Not a valid choice"),
    ({"email": "x@example.test", "name": "X", "role": "coordinator", "password": "short"},
     "Password must be 12 characters or more"),
    ({"email": "x@example.test", "name": "X", "role": "contributor", "city": "99999"}, "Not a valid choice"),
])
def test_bad_input_gives_a_clear_error_not_a_500(admin_client, data, message):
    before = db_state()
    response = admin_client.post("/admin/users/new", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db_state() == before


# The list


def test_list_shows_status_and_last_sign_in_in_uk_time(admin_client, target):
    target.last_login_at = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)  # 13:00 in London (BST)
    factories.make_user(Role.COORDINATOR, name="Dora Disabled", is_enabled=False)
    db.session.commit()
    html = admin_client.get("/admin/users").get_data(as_text=True)
    assert "Tess Target" in html
    assert "1 July 2026 at 13:00" in html
    assert "Dora Disabled" in html
    assert "Disabled" in html and "Never" in html


def test_list_filters_by_role_and_city(admin_client, users, target):
    html = admin_client.get(f"/admin/users?role=policy_lead&city={_city_id('Hull')}").get_data(as_text=True)
    assert "Lena Lead" in html
    assert "Omar Other" not in html  # Salford
    assert "Tess Target" not in html  # contributor
    assert "Cora Coordinator" not in html

    html = admin_client.get(f"/admin/users?city={_city_id('Salford')}").get_data(as_text=True)
    assert "Omar Other" in html and "Tess Target" in html and "Lena Lead" not in html

    # Nonsense filters are ignored, not a 500.
    assert admin_client.get("/admin/users?role=emperor&city=abc&page=x").status_code == 200


def test_list_is_paginated(app, admin_client, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    for n in range(7):
        factories.make_user(Role.COORDINATOR, name=f"Zed {n}")
    db.session.commit()
    first = admin_client.get("/admin/users").get_data(as_text=True)
    last = admin_client.get("/admin/users?page=4").get_data(as_text=True)
    assert "12 accounts" in first  # the five fixture users and these seven, sorted by name
    assert ">Ada Admin</a>" in first and ">Cora Coordinator</a>" in first and ">Lena Lead</a>" not in first
    assert "govuk-pagination" in first and "page=2" in first
    assert "Zed 4" in last and "Zed 6" in last and ">Ada Admin</a>" not in last
    assert admin_client.get("/admin/users?page=99").status_code == 200


def test_list_issues_the_same_number_of_queries_for_more_users(app, admin_client):
    from flask_sqlalchemy.record_queries import get_recorded_queries

    def count() -> int:
        start = len(get_recorded_queries())
        assert admin_client.get("/admin/users").status_code == 200
        return len(get_recorded_queries()) - start

    for _ in range(3):
        factories.make_user(Role.POLICY_LEAD, city_name="Hull")
    db.session.commit()
    few = count()
    for n in range(15):
        factories.make_user(Role.CONTRIBUTOR, city_name=["Hull", "Salford", "Exeter"][n % 3])
    db.session.commit()
    assert count() == few


# Editing


def test_edit_changes_role_city_and_job_title_and_logs_it(admin_client, admin, target):
    response = admin_client.post(f"/admin/users/{target.id}", data={
        "name": "Tess Target", "job_title": "Head of Policy", "role": "policy_lead",
        "city": str(_city_id("Exeter")), "is_enabled": "yes"})
    assert response.status_code == 302
    user = _user(target.email)
    assert (user.role, user.city.name, user.job_title, user.is_enabled) == ("policy_lead", "Exeter", "Head of Policy", True)
    [entry] = _log("user_updated")
    assert entry.actor_id == admin.id
    assert entry.before == {"role": "contributor", "city_id": _city_id("Salford"), "job_title": ""}
    assert entry.after == {"role": "policy_lead", "city_id": _city_id("Exeter"), "job_title": "Head of Policy"}


def test_edit_to_contributor_without_city_is_refused(admin_client, users):
    coordinator = users["coordinator"]
    before = db_state()
    response = admin_client.post(f"/admin/users/{coordinator.id}", data={
        "name": coordinator.name, "role": "contributor", "city": "", "is_enabled": "yes"})
    assert response.status_code == 200
    assert "must belong to a member city" in response.get_data(as_text=True)
    assert db_state() == before


def test_saving_without_changes_logs_nothing(admin_client, target):
    admin_client.post(f"/admin/users/{target.id}", data={
        "name": target.name, "role": "contributor", "city": str(target.city_id), "is_enabled": "yes"})
    assert _log("user_updated") == []


def test_unknown_user_is_404(admin_client):
    assert admin_client.get("/admin/users/99999").status_code == 404
    assert admin_client.post("/admin/users/99999/password", data={}).status_code == 404


# Disabling


def test_disabling_asks_for_confirmation_first(app, admin_client, target):
    victim = app.test_client()
    sign_in(victim, target.email)
    before = db_state()
    data = {"name": target.name, "role": "contributor", "city": str(target.city_id), "is_enabled": "no"}

    response = admin_client.post(f"/admin/users/{target.id}", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Disable the account of Tess Target?" in html
    assert 'name="confirmed" value="yes"' in html
    assert db_state() == before
    assert is_signed_in(victim)

    response = admin_client.post(f"/admin/users/{target.id}", data={**data, "confirmed": "yes"})
    assert response.status_code == 302
    user = _user(target.email)
    assert user.is_enabled is False
    live = db.session.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.user_id == target.id, UserSession.ended_at.is_(None)))
    assert live == 0  # every session of theirs ended on the server
    [entry] = _log("user_updated")
    assert entry.before == {"is_enabled": True} and entry.after == {"is_enabled": False}
    assert not is_signed_in(victim)
    users_page = admin_client.get("/admin/users").get_data(as_text=True)
    assert "Disabled" in users_page
    assert "Tess Target&#39;s account is disabled: they have been signed out and cannot sign in." in users_page


def test_enabling_again_lets_them_sign_in(app, admin_client):
    user = factories.make_user(Role.COORDINATOR, is_enabled=False)
    db.session.commit()
    response = admin_client.post(f"/admin/users/{user.id}", data={
        "name": user.name, "role": "coordinator", "city": "", "is_enabled": "yes"})
    assert response.status_code == 302
    assert "account is active again" in admin_client.get("/admin/users").get_data(as_text=True)
    assert sign_in(app.test_client(), user.email).status_code == 302


def test_admin_cannot_disable_or_demote_themselves(admin_client, admin):
    before = db_state()
    for data, message in [
        ({"name": admin.name, "role": "admin", "city": "", "is_enabled": "no", "confirmed": "yes"},
         "You cannot disable your own account."),
        ({"name": admin.name, "role": "coordinator", "city": "", "is_enabled": "yes"},
         "You cannot remove your own admin role."),
    ]:
        response = admin_client.post(f"/admin/users/{admin.id}", data=data)
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
    assert db_state() == before
    assert is_signed_in(admin_client)


# Resetting a password


def test_reset_password_generates_one_and_signs_the_user_out(app, admin_client, admin, target):
    victim = app.test_client()
    sign_in(victim, target.email)
    response = admin_client.post(f"/admin/users/{target.id}/password", data={"password": ""})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = _shown_password(response.get_data(as_text=True))
    assert not is_signed_in(victim)
    assert sign_in(app.test_client(), target.email).status_code == 401  # the old password
    assert sign_in(app.test_client(), target.email, password).status_code == 302
    [entry] = _log("password_reset")
    assert entry.actor_id == admin.id and entry.subject_id == target.id
    assert password not in str(entry.before) + str(entry.after) + entry.message


def test_reset_password_to_a_chosen_one(app, admin_client, target):
    response = admin_client.post(f"/admin/users/{target.id}/password", data={"password": "chosen-by-the-admin"})
    assert response.status_code == 200
    assert "chosen-by-the-admin" not in response.get_data(as_text=True)
    assert sign_in(app.test_client(), target.email, "chosen-by-the-admin").status_code == 302


def test_reset_password_refuses_a_short_one(admin_client, target):
    before = db_state()
    response = admin_client.post(f"/admin/users/{target.id}/password", data={"password": "short"})
    assert response.status_code == 200
    assert "Password must be 12 characters or more" in response.get_data(as_text=True)
    assert db_state() == before


def test_every_error_of_the_form_shows_at_once(admin_client):
    response = admin_client.post("/admin/users/new", data={
        "email": "not-an-email", "name": "X" * 121, "role": "contributor", "city": ""})
    html = response.get_data(as_text=True)
    assert "Enter an email address in the correct format" in html
    assert "A contributor must belong to a member city." in html
    assert "Full name must be 120 characters or fewer" in html  # not the library's "Field cannot be longer..."
    assert "Field cannot be longer" not in html


def test_every_error_at_once_keeps_what_was_typed_but_the_password(admin_client, target):
    """Issue 24: the service's reasons (a taken email, a weak password) come with the form's own,
    in one go; everything typed is kept except the password, which is never sent back."""
    before = db_state()
    response = admin_client.post("/admin/users/new", data={
        "email": "tess.target@example.test", "name": "X" * 121, "role": "contributor", "city": "",
        "job_title": "Housing officer", "password": "Zq9shrt"})
    html = response.get_data(as_text=True)
    for message in ("There is already an account for tess.target@example.test",
                    "Full name must be 120 characters or fewer", "A contributor must belong to a member city.",
                    "Password must be 12 characters or more"):
        assert message in html, message
    for field in ("email", "name", "city", "password"):
        assert f'id="{field}-error"' in html, field
    assert 'value="tess.target@example.test"' in html and 'value="Housing officer"' in html
    assert "X" * 121 in html
    assert "Zq9shrt" not in html
    assert db_state() == before
