"""Issue 8's sign-in and session cases: throttling, server-side sign-out, lifetimes, headers,
passwords, production that fails closed, and host trust."""

from __future__ import annotations

import re
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
import time_machine
from flask import Flask
from sqlalchemy import func, select

from tests import factories
from tests.auth.conftest import is_signed_in, sign_in
from tracker import create_app
from tracker.extensions import db
from tracker.models import ActivityLog, Role, Status, User, UserSession
from tracker.timeutil import utcnow

COMMON = ["password1234", "123456789012", "qwertyuiopas", "iloveyou1234"]


def _log(action: str) -> list[ActivityLog]:
    return list(db.session.scalars(select(ActivityLog).where(ActivityLog.action == action).order_by(ActivityLog.id)))


# --- throttling ----------------------------------------------------------------------------


def test_ten_wrong_passwords_lock_the_account_for_browsers_that_never_signed_in_to_it(app: Flask, lead: User) -> None:
    for _ in range(10):
        assert sign_in(app.test_client(), lead.email, "not-the-password").status_code == 401
    response = sign_in(app.test_client(), lead.email)
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert re.search(r"Try again in (\d+) minutes", html), html
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    assert len(_log("sign_in_failed")) == 10
    assert f"Failed sign-in for {lead.email}" in _log("sign_in_failed")[0].message
    assert len(_log("sign_in_throttled")) == 1
    # Another account from the same address is not locked by this one.
    other = factories.make_user(Role.CONTRIBUTOR, city_name="Newport")
    db.session.commit()
    assert sign_in(app.test_client(), other.email).status_code == 302


def test_right_passwords_do_not_count_against_the_limit(app: Flask, lead: User) -> None:
    for _ in range(15):
        assert sign_in(app.test_client(), lead.email).status_code == 302


def test_many_accounts_from_one_address_are_throttled(app: Flask) -> None:
    app.config["LOGIN_ADDRESS_LIMIT"] = "5 per 15 minutes"
    try:
        for n in range(5):
            assert sign_in(app.test_client(), f"nobody{n}@example.test", "whatever-it-is").status_code == 401
        assert sign_in(app.test_client(), "nobody9@example.test", "whatever-it-is").status_code == 429
        # An unknown address is logged without the typed text (it may be a password).
        assert all("an unknown email address" in e.message for e in _log("sign_in_failed"))
    finally:
        app.config["LOGIN_ADDRESS_LIMIT"] = "50 per 15 minutes"


# --- sessions ------------------------------------------------------------------------------


def test_a_cookie_copied_before_sign_out_is_dead_after_it(app: Flask, lead: User) -> None:
    browser = app.test_client()
    assert sign_in(browser, lead.email).status_code == 302
    stolen = browser.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert is_signed_in(thief)

    browser.post("/logout")
    assert not is_signed_in(thief)
    ended = db.session.scalar(select(UserSession).where(UserSession.user_id == lead.id))
    assert ended is not None and ended.ended_at is not None and ended.ended_reason == "signed out"


def test_sign_out_everywhere_ends_every_session(app: Flask, lead: User) -> None:
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, lead.email)
    sign_in(phone, lead.email)
    page = laptop.get("/account/sessions").get_data(as_text=True)
    assert page.count('class="govuk-table__row"') == 3  # the header row and two sessions
    assert "This browser" in page

    response = laptop.post("/account/sessions/sign-out-everywhere")
    assert response.status_code == 302
    assert not is_signed_in(laptop) and not is_signed_in(phone)
    assert len(_log("signed_out_everywhere")) == 1


def test_sessions_end_after_the_absolute_lifetime_even_when_used(app: Flask, lead: User) -> None:
    browser = app.test_client()
    with time_machine.travel(utcnow(), tick=False) as clock:
        sign_in(browser, lead.email)
        for _ in range(11):  # used every hour: never idle
            clock.shift(timedelta(hours=1))
            assert is_signed_in(browser)
        clock.shift(timedelta(hours=1, minutes=1))
        assert not is_signed_in(browser)


def test_sessions_end_when_idle(app: Flask, lead: User) -> None:
    browser, idle = app.test_client(), app.test_client()
    with time_machine.travel(utcnow(), tick=False) as clock:
        sign_in(browser, lead.email)
        sign_in(idle, lead.email)
        clock.shift(timedelta(hours=7, minutes=50))
        assert is_signed_in(browser)  # and this use counts
        clock.shift(timedelta(hours=3))
        assert is_signed_in(browser)  # 3 hours idle, 10 h 50 since signing in
        assert not is_signed_in(idle)  # unused for 10 h 50


def _session_cookie(response: object) -> str | None:
    return next((h for h in response.headers.getlist("Set-Cookie")  # type: ignore[attr-defined]
                 if h.startswith("session=")), None)


def test_the_cookie_is_renewed_when_the_server_records_the_sessions_use_not_on_every_page(
        app: Flask, lead: User) -> None:
    browser = app.test_client()
    with time_machine.travel(utcnow(), tick=False) as clock:
        sign_in(browser, lead.email)
        browser.get("/")  # the first page gives the session its form token
        clock.shift(timedelta(minutes=1))
        page = browser.get("/")
        assert page.status_code == 200 and _session_cookie(page) is None
        clock.shift(timedelta(minutes=5))
        page = browser.get("/")
        renewed = _session_cookie(page)
        assert page.status_code == 200 and renewed is not None
        expires = re.search(r"Expires=([^;]+)", renewed)
        assert expires is not None
        assert abs(parsedate_to_datetime(expires.group(1)) - (utcnow() + timedelta(hours=8))) < timedelta(seconds=5)


def test_disabling_an_account_ends_its_sessions_on_the_server(app: Flask, admin: User, lead: User) -> None:
    browser = app.test_client()
    sign_in(browser, lead.email)
    from tracker.auth import services

    services.update_user(admin, lead, name=lead.name, role=lead.role, city=lead.city, job_title="",
                         is_enabled=False)
    db.session.commit()
    live = db.session.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.user_id == lead.id, UserSession.ended_at.is_(None)))
    assert live == 0
    assert not is_signed_in(browser)


# --- headers -------------------------------------------------------------------------------


def _csp(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
            for part in (p.strip() for p in response.headers["Content-Security-Policy"].split(";"))}


def test_pages_carry_the_security_headers(app: Flask, lead: User) -> None:
    client = app.test_client()
    for response in (client.get("/login"), client.get("/no-such-page")):
        csp = _csp(response)
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
        assert csp["frame-ancestors"] == "'none'" and csp["default-src"] == "'self'"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in response.headers  # plain http in development

    page = client.get("/login")
    nonce = re.search(r"'nonce-([^']+)'", _csp(page)["script-src"])
    assert nonce, "the inline js-enabled script needs a nonce"
    assert f'<script nonce="{nonce.group(1)}">document.body.className' in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"  # its CSRF token is this visitor's

    sign_in(client, lead.email)
    for path in ("/", "/no-such-page", "/account/sessions"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "no-store" not in client.get("/static/favicon.svg").headers.get("Cache-Control", "")


def test_every_nonce_is_new(app: Flask) -> None:
    client = app.test_client()
    first, second = (_csp(client.get("/login"))["script-src"] for _ in range(2))
    assert first != second


# --- passwords -----------------------------------------------------------------------------


@pytest.mark.parametrize("password", COMMON)
def test_common_passwords_are_refused_everywhere(app: Flask, admin: User, lead: User, password: str) -> None:
    client = app.test_client()
    sign_in(client, lead.email)
    response = client.post("/account/password", data={"current_password": factories.PASSWORD,
                                                      "new_password": password})
    assert response.status_code == 400
    assert "Choose a password that is harder to guess" in response.get_data(as_text=True)

    from tests.conftest import login

    admin_client = login(app.test_client(), admin)
    response = admin_client.post("/admin/users/new", data={"email": "new.person@example.test", "name": "New Person",
                                                           "role": "coordinator", "password": password})
    assert "Choose a password that is harder to guess" in response.get_data(as_text=True)
    response = admin_client.post(f"/admin/users/{lead.id}/password", data={"password": password})
    assert "Choose a password that is harder to guess" in response.get_data(as_text=True)

    result = app.test_cli_runner().invoke(args=["create-user", "--email", "cli@example.test", "--name", "Cli",
                                                "--role", "admin", "--password", password])
    assert result.exit_code != 0 and "harder to guess" in result.output
    assert db.session.scalar(select(func.count()).select_from(User).where(
        User.email.in_(["new.person@example.test", "cli@example.test"]))) == 0
    db.session.expire_all()
    assert sign_in(app.test_client(), lead.email).status_code == 302  # unchanged


def test_long_passphrases_are_welcome_up_to_128_characters(app: Flask, lead: User) -> None:
    client = app.test_client()
    sign_in(client, lead.email)
    long_one = "moorland ferry lantern orchard " * 4  # 124 characters
    response = client.post("/account/password", data={"current_password": factories.PASSWORD,
                                                      "new_password": long_one})
    assert response.status_code == 302
    response = client.post("/account/password", data={"current_password": long_one,
                                                      "new_password": long_one + "extra"})
    assert "Password must be 128 characters or fewer" in response.get_data(as_text=True)


# --- production fails closed ------------------------------------------------------------------


def _production_env(monkeypatch, database_url: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SECRET_KEY", factories.PRODUCTION_SECRET_KEY)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("BASE_URL", "https://tracker.keycities.test")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/15")


def test_without_tracker_env_the_app_is_production_and_refuses_the_development_key(
        monkeypatch, restore_celery_default) -> None:
    monkeypatch.delenv("TRACKER_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


@pytest.mark.long
@pytest.mark.committed  # a production app of its own reads the demo accounts through its own engine
def test_production_refuses_demo_data_and_demo_passwords(monkeypatch, database_url, tmp_path,
                                                         restore_celery_default) -> None:
    _production_env(monkeypatch, database_url)
    prod = create_app("production", overrides={"INSTANCE_DIR": str(tmp_path)})
    with prod.app_context():  # the CLI uses the app context it finds
        result = prod.test_cli_runner().invoke(args=["seed", "--demo"])
    assert result.exit_code != 0 and "refused in production" in result.output

    from tracker.seed import seed_demo_users

    seed_demo_users()  # as if someone had run the demo seed against this database
    db.session.commit()
    with pytest.raises(RuntimeError, match="admin@keycities.test"):
        create_app("production", overrides={"INSTANCE_DIR": str(tmp_path)})
    with prod.app_context():
        result = prod.test_cli_runner().invoke(args=["disable-demo-accounts"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    create_app("production", overrides={"INSTANCE_DIR": str(tmp_path)})  # starts now
    # Enabling a demo account again does not bring its published password back.
    admin_row = db.session.scalar(select(User).where(User.email == "admin@keycities.test"))
    assert admin_row is not None and not admin_row.check_password("admin-demo-2026")


@pytest.mark.committed  # a production app of its own reads the demo accounts through its own engine
def test_flask_run_in_production_serves_no_page_while_demo_passwords_are_published(
        monkeypatch, database_url, tmp_path, restore_celery_default) -> None:
    import click

    _production_env(monkeypatch, database_url)
    from tracker.seed import seed_demo_users

    seed_demo_users()
    db.session.commit()
    with click.Context(click.Command("run"), info_name="flask"):  # as under `flask run`
        served = create_app("production", overrides={"INSTANCE_DIR": str(tmp_path)})
    response = served.test_client().get("/login", base_url="https://tracker.keycities.test")
    assert response.status_code == 503
    assert "disable-demo-accounts" in response.get_data(as_text=True)


def test_production_sends_hsts_and_refuses_unknown_hosts(monkeypatch, database_url, tmp_path,
                                                         restore_celery_default) -> None:
    _production_env(monkeypatch, database_url)
    prod = create_app("production", overrides={"INSTANCE_DIR": str(tmp_path)})
    client = prod.test_client()
    response = client.get("/login", base_url="https://tracker.keycities.test")
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    evil = client.get("/login", base_url="https://evil.example")
    assert evil.status_code == 400 and "Unknown host" in evil.get_data(as_text=True)


# --- host trust --------------------------------------------------------------------------------


def test_calendar_links_and_uids_ignore_the_host_header(app: Flask, as_user) -> None:
    consultation = factories.make_consultation(Status.NEW)
    db.session.commit()
    client = as_user("coordinator")
    honest = client.get(f"/consultations/{consultation.id}/deadlines.ics").get_data(as_text=True)
    cookie = client.get_cookie("session")
    assert cookie is not None
    forged = app.test_client(use_cookies=False).get(
        f"/consultations/{consultation.id}/deadlines.ics",
        headers={"Host": "evil.example", "Cookie": f"session={cookie.value}"}).get_data(as_text=True)
    assert "BEGIN:VCALENDAR" in forged
    assert "evil.example" not in forged
    assert f"http://tracker.test/consultations/{consultation.id}" in forged.replace("\r\n ", "")
    assert re.findall(r"UID:.*", honest) == re.findall(r"UID:.*", forged)


def test_email_links_use_base_url(app: Flask) -> None:
    from tracker.messaging.delivery import consultation_link

    with app.test_request_context("/", base_url="http://evil.example"):
        assert consultation_link(7) == "http://tracker.test/consultations/7"


def test_proxy_hops_trusts_only_that_many_forwarded_headers(database_url, tmp_path, restore_celery_default) -> None:
    app = create_app("test", overrides={"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_DIR": str(tmp_path),
                                        "PROXY_HOPS": 1})

    @app.get("/_scheme")
    def scheme() -> str:
        from flask import request

        return f"{request.scheme} {request.remote_addr}"

    response = app.test_client().get("/_scheme", headers={
        "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9, 198.51.100.7"})
    assert response.get_data(as_text=True) == "https 198.51.100.7"
