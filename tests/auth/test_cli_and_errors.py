"""The create-user command, /healthz and the error pages."""

from __future__ import annotations

from sqlalchemy import select

from tracker import create_app
from tracker.extensions import db
from tracker.models import ActivityLog, User


def _user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def test_create_user_command_creates_an_admin(app):
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--email", "First.Admin@Example.test", "--name", "First Admin",
        "--password", "a-long-enough-password"])
    assert result.exit_code == 0, result.output
    assert "Created admin first.admin@example.test." in result.output
    user = _user("first.admin@example.test")
    assert user is not None and user.is_admin and user.is_enabled
    assert user.password_hash.startswith("$argon2id$")
    assert user.check_password("a-long-enough-password")
    assert db.session.scalar(select(ActivityLog).where(ActivityLog.action == "user_created")) is not None


def test_create_user_command_refuses_a_short_password(app):
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--email", "short@example.test", "--name", "Short", "--password", "short"])
    assert result.exit_code != 0
    assert "Password must be 12 characters or more" in result.output
    assert _user("short@example.test") is None


def test_create_user_command_needs_a_city_for_a_policy_lead(app):
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--email", "pl@example.test", "--name", "PL", "--role", "policy_lead",
        "--password", "a-long-enough-password"])
    assert result.exit_code != 0
    assert "must belong to a member city" in result.output
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--email", "pl@example.test", "--name", "PL", "--role", "policy_lead",
        "--city", "Hull", "--password", "a-long-enough-password"])
    assert result.exit_code == 0, result.output
    assert _user("pl@example.test").city.name == "Hull"


def test_healthz(client):
    # /healthz/web is what a load balancer needs; /healthz (tests/test_health.py) also checks the workers.
    response = client.get("/healthz/web")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_404_page_is_styled(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "Key Cities Tracker" in text
    assert "Page not found" in text
    assert 'class="govuk-heading-l"' in text


def test_404_under_api_is_json(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    body = response.get_json()
    assert body["status"] == 404
    assert body["reason"]


def test_500_page_is_styled(database_url, tmp_path, restore_celery_default):
    app = create_app("test", overrides={"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_DIR": str(tmp_path)})

    @app.get("/boom")
    def boom():  # type: ignore[no-untyped-def]
        raise RuntimeError("kaboom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "Key Cities Tracker" in text
    assert "Sorry, there is a problem with the service" in text
    assert "kaboom" not in text  # no internals shown
