"""Signing in with a council account, against a local OpenID provider (signed ID tokens, a
discovery document, JWKS, a token endpoint with PKCE) in each flavour."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask
from sqlalchemy import select

from tests import factories
from tests.auth.conftest import is_signed_in
from tests.signin.conftest import through_provider, to_provider
from tests.signin.provider import ENTRA_TENANT, GOOGLE_DOMAIN, OTHER_TENANT, LocalProvider
from tracker.extensions import db
from tracker.models import ActivityLog, Role, User
from tracker.models.signin import ExternalIdentity


def _linked(user: User, provider: str, tenant: str, subject: str) -> None:
    db.session.add(ExternalIdentity(user_id=user.id, provider=provider, tenant=tenant, subject=subject,
                                    email=user.email))
    db.session.commit()


def _entra_person(email: str = "officer@hull.gov.uk", tid: str = ENTRA_TENANT) -> dict[str, str]:
    return {"tid": tid, "oid": str(uuid.uuid4()), "email": email, "name": "Olu Officer",
            "preferred_username": email}


def test_the_sign_in_page_offers_the_enabled_providers_only(client, entra: LocalProvider) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with Microsoft" in page
    assert "Sign in with Google" not in page
    assert client.get("/sign-in/google").status_code == 404


def test_an_allowed_tenant_signs_in_its_linked_account_without_our_second_factor(
        app: Flask, client, entra: LocalProvider, monkeypatch: pytest.MonkeyPatch) -> None:
    # Coordinators must use a second factor after a password; the council's own stands for it.
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", ["admin", "coordinator"])
    user = factories.make_user(Role.COORDINATOR, email="cora@hull.gov.uk")
    person = _entra_person(user.email)
    _linked(user, "entra", ENTRA_TENANT, person["oid"])
    entra.sign_in_as(**person)
    response = through_provider(client, "/sign-in/entra?next=/consultations/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/consultations/"
    assert is_signed_in(client)
    assert "kc_device" in response.headers.get("Set-Cookie", "")
    sent = entra.token_requests[-1]
    assert sent["code_verifier"] and sent["grant_type"] == "authorization_code"  # PKCE went with the code


def test_another_tenant_is_refused_even_with_a_linked_subject(client, entra: LocalProvider) -> None:
    user = factories.make_user(Role.CONTRIBUTOR)
    person = _entra_person(user.email, tid=OTHER_TENANT)
    _linked(user, "entra", OTHER_TENANT, person["oid"])
    entra.sign_in_as(**person)
    response = through_provider(client, "/sign-in/entra")
    assert response.status_code == 403
    assert "not one this tracker accepts" in response.get_data(as_text=True)
    assert not is_signed_in(client)
    refused = db.session.scalar(select(ActivityLog).where(ActivityLog.action == "sign_in_refused"))
    assert refused is not None and "Microsoft" in refused.message


@pytest.mark.parametrize("issuer", [
    f"https://login.microsoftonline.com/{OTHER_TENANT}/v2.0",  # another tenant's issuer, this tenant's tid
    f"https://login.example.com/{ENTRA_TENANT}/v2.0",
    "https://login.microsoftonline.com/common/v2.0",
])
def test_a_forged_issuer_is_refused(client, entra: LocalProvider, issuer: str) -> None:
    user = factories.make_user(Role.CONTRIBUTOR)
    person = _entra_person(user.email)
    _linked(user, "entra", ENTRA_TENANT, person["oid"])
    entra.sign_in_as(**person)
    entra.next_token = {"iss": issuer}
    response = through_provider(client, "/sign-in/entra")
    assert response.status_code == 403
    assert "issuer" in response.get_data(as_text=True)
    assert not is_signed_in(client)


def test_a_token_for_another_client_or_another_nonce_is_refused(client, entra: LocalProvider) -> None:
    user = factories.make_user(Role.CONTRIBUTOR)
    person = _entra_person(user.email)
    _linked(user, "entra", ENTRA_TENANT, person["oid"])
    entra.sign_in_as(**person)
    entra.next_token = {"aud": "someone-elses-app"}
    assert through_provider(client, "/sign-in/entra").status_code == 400
    entra.next_token = {"nonce": "not-the-one-we-sent"}
    assert through_provider(client, "/sign-in/entra").status_code == 400
    assert not is_signed_in(client)


def test_a_replayed_state_is_refused(app: Flask, client, entra: LocalProvider) -> None:
    user = factories.make_user(Role.CONTRIBUTOR)
    person = _entra_person(user.email)
    _linked(user, "entra", ENTRA_TENANT, person["oid"])
    entra.sign_in_as(**person)
    callback = to_provider(client, "/sign-in/entra")
    assert client.get(callback).status_code == 302
    client.post("/logout")
    again = client.get(callback)  # the same code and state, a second time
    assert again.status_code == 400
    assert "did not work" in again.get_data(as_text=True)
    assert not is_signed_in(client)
    # And in a browser that never started it.
    stranger = app.test_client()
    assert stranger.get(callback).status_code == 400
    assert not is_signed_in(stranger)


def test_an_account_is_never_found_by_its_email_alone(client, entra: LocalProvider) -> None:
    user = factories.make_user(Role.ADMIN, email="ada@hull.gov.uk")
    db.session.commit()
    entra.sign_in_as(**_entra_person(user.email))
    response = through_provider(client, "/sign-in/entra")
    assert response.status_code == 403
    assert "No account in the tracker is linked" in response.get_data(as_text=True)
    assert not is_signed_in(client)
    assert db.session.scalar(select(ExternalIdentity.id)) is None


def test_google_with_an_allowed_domain_and_verified_email_signs_in(client, google: LocalProvider) -> None:
    user = factories.make_user(Role.CONTRIBUTOR, city_name="Newport", email=f"cai@{GOOGLE_DOMAIN}")
    _linked(user, "google", GOOGLE_DOMAIN, "google-sub-1")
    google.sign_in_as(sub="google-sub-1", hd=GOOGLE_DOMAIN, email=user.email, email_verified=True, name="Cai")
    assert through_provider(client, "/sign-in/google").status_code == 302
    assert is_signed_in(client)


@pytest.mark.parametrize("claims, said", [
    ({"email_verified": False}, "has not verified"),
    ({"email_verified": "true"}, "has not verified"),  # a string is not a verified flag
    ({"hd": "gmail.com", "email": "someone@gmail.com"}, "not one of a council"),
    ({"hd": None}, "not one of a council"),  # a personal Google account has no hosted domain
])
def test_google_unverified_or_outside_the_domains_is_refused(client, google: LocalProvider, claims, said) -> None:
    user = factories.make_user(Role.CONTRIBUTOR, city_name="Newport", email=f"cai@{GOOGLE_DOMAIN}")
    _linked(user, "google", GOOGLE_DOMAIN, "google-sub-2")
    person = {"sub": "google-sub-2", "hd": GOOGLE_DOMAIN, "email": user.email, "email_verified": True}
    person.update(claims)
    google.sign_in_as(**{k: v for k, v in person.items() if v is not None})
    response = through_provider(client, "/sign-in/google")
    assert response.status_code == 403
    assert said in response.get_data(as_text=True)
    assert not is_signed_in(client)


def test_a_disabled_account_is_refused(client, entra: LocalProvider) -> None:
    user = factories.make_user(Role.CONTRIBUTOR, is_enabled=False)
    person = _entra_person(user.email)
    _linked(user, "entra", ENTRA_TENANT, person["oid"])
    entra.sign_in_as(**person)
    assert through_provider(client, "/sign-in/entra").status_code == 403
    assert not is_signed_in(client)


def test_a_signed_in_person_links_their_council_account_and_signs_in_with_it(
        app: Flask, entra: LocalProvider) -> None:
    from tests.conftest import login

    user = factories.make_user(Role.POLICY_LEAD, city_name="Hull", email="lena@hull.gov.uk")
    db.session.commit()
    browser = login(app.test_client(), user)
    person = _entra_person(user.email)
    entra.sign_in_as(**person)
    linked = through_provider(browser, "/sign-in/entra?link=1")
    assert linked.headers["Location"].endswith("/account/sign-in")
    page = browser.get("/account/sign-in").get_data(as_text=True)
    assert "Microsoft: lena@hull.gov.uk" in page
    row = db.session.scalar(select(ExternalIdentity).where(ExternalIdentity.user_id == user.id))
    assert row is not None and (row.tenant, row.subject) == (ENTRA_TENANT, person["oid"])
    other = app.test_client()
    entra.sign_in_as(**person)
    assert through_provider(other, "/sign-in/entra").status_code == 302
    assert is_signed_in(other)


def test_the_provider_unreachable_is_said_not_a_500(app: Flask, client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "ENTRA_CLIENT_ID", "x")
    monkeypatch.setitem(app.config, "ENTRA_CLIENT_SECRET", "y")
    monkeypatch.setitem(app.config, "ENTRA_ALLOWED_TENANTS", [ENTRA_TENANT])
    monkeypatch.setitem(app.config, "ENTRA_METADATA_URL", "http://127.0.0.1:9/.well-known/openid-configuration")
    monkeypatch.setitem(app.config, "OIDC_TIMEOUT", 2)
    response = client.get("/sign-in/entra")
    assert response.status_code == 503
    assert "could not be reached" in response.get_data(as_text=True)
