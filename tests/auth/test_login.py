"""Sign-in and sign-out through the real form, and what a refused sign-in looks like."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests import factories
from tests.auth.conftest import WRONG_LOGIN, is_signed_in, sign_in
from tracker.extensions import db
from tracker.models import Role, User


def test_login_and_logout_with_the_form(client, lead):
    response = sign_in(client, lead.email)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "Lena Lead" in page.get_data(as_text=True)
    assert db.session.get(User, lead.id).last_login_at is not None

    response = client.post("/logout", follow_redirects=True)
    assert "You have signed out." in response.get_data(as_text=True)
    assert not is_signed_in(client)


def test_email_is_matched_without_case_or_spaces(client, lead):
    response = sign_in(client, f"  {lead.email.upper()} ")
    assert response.status_code == 302
    assert is_signed_in(client)


def test_wrong_password_is_refused(client, lead):
    response = sign_in(client, lead.email, "not-the-password")
    assert response.status_code == 401
    assert WRONG_LOGIN in response.get_data(as_text=True)
    assert not is_signed_in(client)
    assert db.session.get(User, lead.id).last_login_at is None


def test_unknown_email_gets_the_same_message(client):
    response = sign_in(client, "nobody@example.test")
    assert response.status_code == 401
    assert WRONG_LOGIN in response.get_data(as_text=True)
    assert not is_signed_in(client)


def test_empty_form_gets_field_errors_not_a_500(client):
    response = client.post("/login", data={})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Enter your email address" in text
    assert "Enter your password" in text


def test_disabled_user_is_refused_at_login(client):
    user = factories.make_user(Role.COORDINATOR, is_enabled=False)
    db.session.commit()
    response = sign_in(client, user.email)
    assert response.status_code == 401
    assert WRONG_LOGIN in response.get_data(as_text=True)
    assert not is_signed_in(client)


def test_user_disabled_while_signed_in_is_signed_out_at_next_request(app, client, admin, lead):
    sign_in(client, lead.email)
    assert is_signed_in(client)

    admin_client = app.test_client()
    sign_in(admin_client, admin.email)
    data = {"name": lead.name, "role": "policy_lead", "city": str(lead.city_id), "is_enabled": "no",
            "confirmed": "yes"}
    assert admin_client.post(f"/admin/users/{lead.id}", data=data).status_code == 302

    assert not is_signed_in(client)
    # Still refused at the form afterwards.
    assert sign_in(client, lead.email).status_code == 401


@pytest.mark.parametrize("target", ["/consultations/", "/admin/?tab=1"])
def test_next_to_our_own_path_is_followed(client, admin, target):
    response = sign_in(client, admin.email, next_url=target)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.netloc in ("", "localhost")
    assert location.path == urlsplit(target).path


@pytest.mark.parametrize(
    "target",
    ["//evil.com", "https://evil.com", "/\\evil", "javascript:alert(1)", "http://localhost.evil.com/",
     "%2F%2Fevil.com", "///evil.com", "/%09/evil.com", "%5C%5Cevil.com"],
)
def test_next_elsewhere_is_ignored(client, admin, target):
    response = sign_in(client, admin.email, next_url=target)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.netloc in ("", "localhost"), response.headers["Location"]
    assert location.path == "/"
    assert "evil" not in response.headers["Location"]


def test_next_is_checked_when_already_signed_in(client, admin):
    sign_in(client, admin.email)
    response = client.get("/login?next=//evil.com")
    assert response.status_code == 302
    assert "evil" not in response.headers["Location"]


def test_passwords_are_stored_as_argon2id(client, admin):
    # A fresh hash made by the app, not the factory's cached one.
    response = client.post("/account/password", data={}, follow_redirects=False)
    assert response.status_code == 302  # not signed in yet
    sign_in(client, admin.email)
    client.post("/account/password", data={"current_password": factories.PASSWORD,
                                           "new_password": "a-brand-new-passphrase"})
    stored = db.session.scalar(db.select(User.password_hash).where(User.id == admin.id))
    assert stored.startswith("$argon2id$")
    assert "a-brand-new-passphrase" not in stored


def test_the_first_visit_asks_nothing_before_anyone_did_anything(client):
    response = client.get("/", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.request.path == "/login"
    assert "Sign in" in html
    assert "govuk-notification-banner" not in html  # no "Important: ..." on arrival


def test_a_deep_link_says_why_and_comes_back_after_sign_in(client, lead):
    response = client.get("/consultations/?status=open", follow_redirects=True)
    assert "Sign in to see that page." in response.get_data(as_text=True)
    signed_in = sign_in(client, lead.email, next_url="/consultations/?status=open")
    assert signed_in.headers["Location"] == "/consultations/?status=open"
