"""The second factor after a password: required by role (production's default: admins and
coordinators), set up before any page, codes taken once, recovery codes spent once, an admin's
reset for a lost phone."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

import config
from tests import factories
from tests.auth.conftest import is_signed_in, sign_in
from tests.conftest import login
from tracker.auth import mfa
from tracker.extensions import db
from tracker.models import ActivityLog, Role, User, UserSession
from tracker.models.signin import RecoveryCode, TotpAuthenticator


@pytest.fixture
def production_roles(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Production's setting, whatever this process's environment says."""
    monkeypatch.delenv("MFA_REQUIRED_ROLES", raising=False)
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", list(config.ProductionConfig.MFA_REQUIRED_ROLES))


def test_production_requires_it_of_admins_and_coordinators_and_development_of_nobody() -> None:
    assert config.ProductionConfig.MFA_REQUIRED_ROLES == ["admin", "coordinator"]
    assert config.DevelopmentConfig.MFA_REQUIRED_ROLES == []
    assert config.TestConfig.MFA_REQUIRED_ROLES == []


def test_a_misspelt_role_stops_the_start() -> None:
    with pytest.raises(RuntimeError, match="unknown roles"):
        mfa.check_setting(["admin", "cordinator"])
    mfa.check_setting(["none"])


def _secret_from(page: str) -> str:
    found = re.search(r'id="totp-key">([A-Z2-7 ]+)<', page)
    assert found, "no key on the page"
    return found.group(1).replace(" ", "")


def _code(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + offset_steps * 30)


def _enrol_after_password(client: FlaskClient, user: User) -> tuple[str, list[str]]:
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login/set-up-second-factor"
    page = client.get("/login/set-up-second-factor").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page  # the QR code, drawn here
    secret = _secret_from(page)
    done = client.post("/login/set-up-second-factor", data={"code": _code(secret)})
    assert done.status_code == 200
    codes = re.findall(r"<code>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</code>", done.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def test_a_coordinator_sets_it_up_before_reaching_any_page(app: Flask, production_roles) -> None:
    user = factories.make_user(Role.COORDINATOR)
    db.session.commit()
    client = app.test_client()
    response = sign_in(client, user.email)
    assert response.headers["Location"] == "/login/set-up-second-factor"
    # Half-way in is not in: no page, no session row.
    assert not is_signed_in(client)
    assert client.get("/consultations/").status_code == 302
    assert db.session.scalar(select(UserSession.id).where(UserSession.user_id == user.id)) is None
    page = client.get("/login/set-up-second-factor")
    assert "Content-Security-Policy" in page.headers and "img-src 'self' data:" in page.headers["Content-Security-Policy"]
    secret = _secret_from(page.get_data(as_text=True))
    wrong = client.post("/login/set-up-second-factor", data={"code": "000000" if _code(secret) != "000000" else "111111"})
    assert wrong.status_code == 400 and "not right" in wrong.get_data(as_text=True)
    assert _secret_from(wrong.get_data(as_text=True)) == secret  # the same key, to try again
    done = client.post("/login/set-up-second-factor", data={"code": _code(secret)})
    assert done.status_code == 200 and "Your recovery codes" in done.get_data(as_text=True)
    assert done.headers["Cache-Control"] == "no-store"
    assert is_signed_in(client)
    hashes = list(db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)))
    assert len(hashes) == 10
    assert not any(code in done.get_data(as_text=True) for code in hashes)
    authenticator = db.session.scalar(select(TotpAuthenticator).where(TotpAuthenticator.user_id == user.id))
    assert authenticator is not None and secret not in authenticator.secret_sealed


def test_then_every_password_sign_in_asks_for_a_code_taken_once(app: Flask, production_roles) -> None:
    user = factories.make_user(Role.COORDINATOR)
    db.session.commit()
    secret, _ = _enrol_after_password(app.test_client(), user)
    client = app.test_client()
    response = sign_in(client, user.email, next_url="/consultations/")
    assert response.headers["Location"] == "/login/code"
    assert not is_signed_in(client)
    wrong = client.post("/login/code", data={"code": "12345"})
    assert wrong.status_code == 401
    assert db.session.scalar(select(ActivityLog.id).where(ActivityLog.action == "second_factor_failed")) is not None
    # The code used to set it up was taken: the next one works, once.
    code = _code(secret, 1)
    done = client.post("/login/code", data={"code": code})
    assert done.status_code == 302 and done.headers["Location"] == "/consultations/"
    assert is_signed_in(client)
    replay = app.test_client()
    sign_in(replay, user.email)
    assert replay.post("/login/code", data={"code": code}).status_code == 401
    assert not is_signed_in(replay)


def test_a_recovery_code_works_once(app: Flask, production_roles) -> None:
    user = factories.make_user(Role.ADMIN)
    db.session.commit()
    _, codes = _enrol_after_password(app.test_client(), user)
    first = app.test_client()
    sign_in(first, user.email)
    used = first.post("/login/code", data={"code": codes[3].lower().replace("-", " ")})
    assert used.status_code == 302
    assert is_signed_in(first)
    assert mfa.recovery_codes_left(user) == 9
    second = app.test_client()
    sign_in(second, user.email)
    again = second.post("/login/code", data={"code": codes[3]})
    assert again.status_code == 401
    assert "used already" in again.get_data(as_text=True)
    assert not is_signed_in(second)


def test_a_contributor_is_offered_it_but_not_made_to(app: Flask, production_roles) -> None:
    user = factories.make_user(Role.CONTRIBUTOR)
    db.session.commit()
    client = app.test_client()
    assert sign_in(client, user.email).headers["Location"] == "/"
    assert is_signed_in(client)
    page = client.get("/account/sign-in").get_data(as_text=True)
    assert "Set up an authenticator app" in page
    set_up = client.get("/account/sign-in/authenticator").get_data(as_text=True)
    secret = _secret_from(set_up)
    assert client.post("/account/sign-in/authenticator", data={"code": _code(secret)}).status_code == 200
    # Now they are asked too; and they may turn it off again.
    later = app.test_client()
    assert sign_in(later, user.email).headers["Location"] == "/login/code"
    off = client.post("/account/sign-in/authenticator/off", data={"code": _code(secret, 1)})
    assert off.status_code == 302
    assert not mfa.is_enrolled(user)
    assert sign_in(app.test_client(), user.email).headers["Location"] == "/"


def test_a_required_role_cannot_turn_it_off(app: Flask, production_roles) -> None:
    user = factories.make_user(Role.COORDINATOR)
    db.session.commit()
    client = app.test_client()
    secret, _ = _enrol_after_password(client, user)
    refused = client.post("/account/sign-in/authenticator/off", data={"code": _code(secret, 1)})
    assert refused.status_code == 400
    assert "cannot be turned off" in refused.get_data(as_text=True)
    assert mfa.is_enrolled(user)


def test_an_admin_resets_a_lost_device_and_it_is_logged(app: Flask, admin: User, production_roles) -> None:
    user = factories.make_user(Role.COORDINATOR, name="Lou Lost")
    db.session.commit()
    lost = app.test_client()
    _enrol_after_password(lost, user)
    assert is_signed_in(lost)
    admin_client = login(app.test_client(), admin)
    assert "Reset it" in admin_client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert admin_client.get(f"/admin/users/{user.id}/second-factor").status_code == 200
    done = admin_client.post(f"/admin/users/{user.id}/second-factor", data={})
    assert done.status_code == 302
    assert not mfa.is_enrolled(user)
    assert not is_signed_in(lost)  # whoever has the phone is signed out too
    entry = db.session.scalar(select(ActivityLog).where(ActivityLog.action == "second_factor_reset"))
    assert entry is not None and entry.actor_id == admin.id and user.email in entry.message
    assert "Reset the second factor" in admin_client.get("/admin/activity").get_data(as_text=True)
    # Their next sign-in sets it up again.
    assert sign_in(app.test_client(), user.email).headers["Location"] == "/login/set-up-second-factor"


def test_only_admins_reset_it(as_user, users) -> None:
    target = users["lead"]
    assert as_user("coordinator").post(f"/admin/users/{target.id}/second-factor").status_code == 403


def test_a_role_that_now_requires_it_signs_an_unenrolled_person_out(app: Flask, admin: User,
                                                                     production_roles) -> None:
    user = factories.make_user(Role.POLICY_LEAD, city_name="Hull")
    db.session.commit()
    their = login(app.test_client(), user)
    admin_client = login(app.test_client(), admin)
    saved = admin_client.post(f"/admin/users/{user.id}", data={
        "name": user.name, "role": "coordinator", "city": "", "job_title": "", "is_enabled": "yes"})
    assert saved.status_code == 302
    assert not is_signed_in(their)
    assert sign_in(app.test_client(), user.email).headers["Location"] == "/login/set-up-second-factor"


def test_the_second_step_waits_ten_minutes_at_most(app: Flask, production_roles, monkeypatch) -> None:
    from tracker.auth import signing_in

    user = factories.make_user(Role.COORDINATOR)
    db.session.commit()
    client = app.test_client()
    sign_in(client, user.email)
    monkeypatch.setattr(signing_in, "PENDING_SECONDS", -1)
    response = client.get("/login/set-up-second-factor")
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_wrong_codes_are_limited_per_person(app: Flask, production_roles, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "MFA_CODE_LIMIT", "3 per 15 minutes")
    user = factories.make_user(Role.ADMIN)
    db.session.commit()
    _enrol_after_password(app.test_client(), user)
    client = app.test_client()
    sign_in(client, user.email)
    statuses = [client.post("/login/code", data={"code": "999999"}).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
