"""Session security: a new session on login, cookie flags, password change, production settings."""

from __future__ import annotations

import pytest

from tests import factories
from tests.auth.conftest import is_signed_in, sign_in
from tracker import create_app
from tracker.auth import sessions
from tracker.extensions import db
from tracker.models import User


def _set_cookie_headers(response, name: str = "session") -> list[str]:
    return [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]


def test_login_starts_a_new_session(client, lead):
    client.get("/login")
    with client.session_transaction() as session:
        session["planted_before_login"] = "attacker-chosen"
    before = client.get_cookie("session").value

    assert sign_in(client, lead.email).status_code == 302

    assert client.get_cookie("session").value != before
    with client.session_transaction() as session:
        assert "planted_before_login" not in session
        token = session["_user_id"]
    # The cookie names a server-side session of this user, by a random token.
    loaded = sessions.load(token)
    assert loaded is not None and loaded.id == lead.id and len(token) >= 40


def test_session_cookie_is_httponly_and_samesite_lax(client, lead):
    response = sign_in(client, lead.email)
    [cookie] = _set_cookie_headers(response)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # test and development run on plain http


def _production_app(monkeypatch, database_url: str, tmp_path):
    monkeypatch.setenv("SECRET_KEY", factories.PRODUCTION_SECRET_KEY)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("BASE_URL", "https://tracker.keycities.test")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/15")
    return create_app("production", overrides={"SQLALCHEMY_DATABASE_URI": database_url,
                                               "INSTANCE_DIR": str(tmp_path)})


def test_production_cookies_are_secure(monkeypatch, database_url, tmp_path, restore_celery_default):
    app = _production_app(monkeypatch, database_url, tmp_path)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["WTF_CSRF_ENABLED"] is True
    response = app.test_client().get("/login", base_url="https://tracker.keycities.test")  # the CSRF token starts a session
    assert response.status_code == 200
    [cookie] = _set_cookie_headers(response)
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@pytest.mark.parametrize("key", [None, "", "dev-only-not-secret", "short-key"])
def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch, database_url, key,
                                                               restore_celery_default):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("BASE_URL", "https://tracker.keycities.test")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/15")
    if key is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_refuses_to_start_without_a_database_url(monkeypatch, restore_celery_default):
    monkeypatch.setenv("SECRET_KEY", factories.PRODUCTION_SECRET_KEY)
    monkeypatch.setenv("BASE_URL", "https://tracker.keycities.test")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/15")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app("production")


def test_password_change_signs_out_other_sessions(app, lead):
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, lead.email)
    sign_in(elsewhere, lead.email)
    assert is_signed_in(elsewhere)

    response = here.post("/account/password", data={
        "current_password": factories.PASSWORD, "new_password": "another-long-passphrase"})
    assert response.status_code == 302

    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert sign_in(app.test_client(), lead.email, "another-long-passphrase").status_code == 302
    assert sign_in(app.test_client(), lead.email).status_code == 401


def test_password_change_with_wrong_current_password_changes_nothing(client, lead):
    sign_in(client, lead.email)
    old_hash = lead.password_hash
    response = client.post("/account/password", data={
        "current_password": "wrong-password", "new_password": "another-long-passphrase"})
    assert response.status_code == 400
    assert "Your current password is not right." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, lead.id).password_hash == old_hash
    assert is_signed_in(client)


def test_building_another_app_leaves_the_session_apps_celery_as_default(app):
    from celery import current_app as celery_current

    # Runs after the production tests in this module: restore_celery_default did its job.
    assert celery_current._get_current_object() is app.extensions["celery"]


def test_production_uses_the_secret_key_of_the_environment_at_start(monkeypatch, database_url, tmp_path,
                                                                     restore_celery_default):
    app = _production_app(monkeypatch, database_url, tmp_path)
    assert app.config["SECRET_KEY"] == factories.PRODUCTION_SECRET_KEY
