"""No lockout of the owner: OWASP's device cookies. Guessing from browsers that never signed in to an
account locks out those browsers (per account and per address, as before); a browser that signed in
to the account before still signs in with the right password, and one that guesses locks out itself."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests import factories
from tests.auth.conftest import WRONG_LOGIN, is_signed_in, sign_in
from tracker.auth import devices
from tracker.extensions import db
from tracker.models import Role, User, UserSession

TOO_MANY = "There have been too many failed attempts to sign in"


def _known_browser(app: Flask, user: User) -> FlaskClient:
    """A browser the owner signed in with (and out of again): it keeps its device cookie."""
    browser = app.test_client()
    assert sign_in(browser, user.email).status_code == 302
    assert browser.get_cookie(devices.COOKIE_NAME, path="/login") is not None
    browser.post("/logout")
    assert not is_signed_in(browser)
    return browser


def _sessions_of(user: User) -> int:
    return int(db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id)))


def test_ten_wrong_passwords_from_one_address_and_the_owners_known_browser_still_signs_in(
        app: Flask, lead: User) -> None:
    owners_browser = _known_browser(app, lead)
    for n in range(10):
        refused = sign_in(app.test_client(), lead.email, f"a-guess-{n}")
        assert refused.status_code == 401
        assert WRONG_LOGIN in refused.get_data(as_text=True)

    # A browser that never signed in to the account is throttled, right password or not.
    unknown = sign_in(app.test_client(), lead.email)
    assert unknown.status_code == 429
    assert TOO_MANY in unknown.get_data(as_text=True)
    assert re.search(r"Try again in \d+ minutes?", unknown.get_data(as_text=True))

    # The owner's browser is not.
    response = sign_in(owners_browser, lead.email)
    assert response.status_code == 302
    assert "Lena Lead" in owners_browser.get("/").get_data(as_text=True)
    assert _sessions_of(lead) == 2  # the first sign-in and this one; none for the throttled browser


def test_a_known_browser_that_guesses_locks_out_itself_not_the_account(app: Flask, lead: User) -> None:
    guessing, other_known = _known_browser(app, lead), _known_browser(app, lead)
    for n in range(10):
        assert sign_in(guessing, lead.email, f"a-guess-{n}").status_code == 401
    locked = sign_in(guessing, lead.email)
    assert locked.status_code == 429
    assert TOO_MANY in locked.get_data(as_text=True)
    assert not is_signed_in(guessing)

    # Its guesses did not count against the account: other browsers, known or not, sign in.
    assert sign_in(other_known, lead.email).status_code == 302
    stranger = app.test_client()
    assert sign_in(stranger, lead.email).status_code == 302
    assert is_signed_in(stranger)


def test_an_office_behind_one_address_is_not_blocked_for_a_known_browser(
        app: Flask, lead: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_LIMIT", "5 per 15 minutes")
    owners_browser = _known_browser(app, lead)
    colleague = factories.make_user(Role.CONTRIBUTOR, city_name="Hull", name="Col League")
    db.session.commit()
    for n in range(5):
        assert sign_in(app.test_client(), f"nobody{n}@example.test", "whatever-it-is").status_code == 401

    # Everyone at this address without a device cookie of their account waits...
    assert sign_in(app.test_client(), colleague.email).status_code == 429
    # ...but not the owner of a known browser.
    assert sign_in(owners_browser, lead.email).status_code == 302
    assert is_signed_in(owners_browser)


def test_a_device_cookie_of_another_account_or_a_forged_one_is_no_way_round_the_limit(
        app: Flask, lead: User, other_lead: User) -> None:
    lead_browser = _known_browser(app, lead)
    for n in range(10):
        assert sign_in(app.test_client(), other_lead.email, f"a-guess-{n}").status_code == 401
    # Lena's browser is known for Lena, not for Omar.
    assert sign_in(lead_browser, other_lead.email).status_code == 429

    cookie = lead_browser.get_cookie(devices.COOKIE_NAME, path="/login")
    assert cookie is not None
    encoded, nonce, signature = cookie.value.split(".")
    omar = devices._b64(other_lead.email.encode())
    for forged in (f"{omar}.{nonce}.{signature}",  # Lena's signature on Omar's name
                   f"{omar}.{nonce}.{signature[:-4]}AAAA", "not-a-cookie", "a.b.c", "é.é.é"):
        browser = app.test_client()
        browser.set_cookie(devices.COOKIE_NAME, forged, path="/login")
        assert sign_in(browser, other_lead.email).status_code == 429, forged
    assert _sessions_of(other_lead) == 0


def _device_cookie_header(response) -> str:  # type: ignore[no-untyped-def]
    [cookie] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{devices.COOKIE_NAME}=")]
    return str(cookie)


def test_the_device_cookie_is_long_lived_httponly_lax_and_only_sent_to_the_sign_in_page(
        app: Flask, lead: User, monkeypatch: pytest.MonkeyPatch) -> None:
    cookie = _device_cookie_header(sign_in(app.test_client(), lead.email))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/login" in cookie
    assert f"Max-Age={int(timedelta(days=365).total_seconds())}" in cookie
    assert "Secure" not in cookie  # test and development run on plain http
    assert lead.email not in cookie  # the account is named, encoded: no address in the clear either

    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)  # as production sets it
    second = _device_cookie_header(sign_in(app.test_client(), lead.email))
    assert "Secure" in second
    # Each sign-in gives a new nonce, so each browser is counted on its own.
    first_device, second_device = (devices.read(c.split(";")[0].split("=", 1)[1]) for c in (cookie, second))
    assert first_device is not None and second_device is not None
    assert first_device.email == second_device.email == lead.email
    assert first_device.nonce != second_device.nonce


def test_a_device_cookie_signed_with_an_earlier_secret_key_still_counts(
        app: Flask, lead: User, monkeypatch: pytest.MonkeyPatch) -> None:
    owners_browser = _known_browser(app, lead)
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [app.config["SECRET_KEY"]])
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-new-secret-key-after-rotation")
    for n in range(10):
        assert sign_in(app.test_client(), lead.email, f"a-guess-{n}").status_code == 401
    assert sign_in(app.test_client(), lead.email).status_code == 429
    assert sign_in(owners_browser, lead.email).status_code == 302

    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [])  # a key no longer in use opens nothing
    stale = app.test_client()
    stale.set_cookie(devices.COOKIE_NAME, devices.issue(lead.email), path="/login")
    monkeypatch.setitem(app.config, "SECRET_KEY", "yet-another-secret-key-later")
    assert sign_in(stale, lead.email).status_code == 429
