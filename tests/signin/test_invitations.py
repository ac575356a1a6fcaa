"""Invitations: sent through messaging to a real SMTP server, accepted once by their link (with a
password or a council account), resent, revoked, expired, and written in the activity log."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests import factories
from tests.auth.conftest import is_signed_in, sign_in
from tests.conftest import login
from tests.reminders.conftest import Inbox
from tests.signin.conftest import through_provider
from tests.signin.provider import ENTRA_TENANT, OTHER_TENANT, LocalProvider
from tracker.extensions import db
from tracker.invitations import tokens
from tracker.models import ActivityLog, Role, Status, User
from tracker.models.drafts import Contributor
from tracker.models.invitations import Invitation
from tracker.models.messages import Message
from tracker.timeutil import utcnow

NEW_PASSWORD = "lantern orchard velvet 42"  # noqa: S105


def _link(inbox: Inbox, address: str) -> str:
    message = inbox.to(address)[-1]
    text = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"http://tracker\.test(/invitations/accept/\S+)", text)
    assert found, text
    return found.group(1)


def _invite(admin_client: FlaskClient, email: str, role: str = "contributor", city: str = "") -> None:
    response = admin_client.post("/admin/invitations/new", data={"email": email, "name": "Nia Newcomer",
                                                                "role": role, "city": city})
    assert response.status_code == 302, response.get_data(as_text=True)


def _city_id(name: str) -> str:
    return str(factories.city(name).id)


@pytest.fixture
def admin_client(app: Flask, admin: User) -> FlaskClient:
    return login(app.test_client(), admin)


def test_an_invitation_is_emailed_and_accepted_once(app: Flask, admin_client, smtp: Inbox, eager) -> None:
    _invite(admin_client, "nia@newport.gov.uk", city=_city_id("Newport"))
    invitation = db.session.scalar(select(Invitation))
    assert invitation is not None and invitation.user.is_enabled is False and invitation.user.password_hash == ""
    link = _link(smtp, "nia@newport.gov.uk")
    token = link.rsplit("/", 1)[1]
    # Only the token's hash is kept: neither the invitation nor its message holds the token.
    assert invitation.token_hash == tokens.token_hash(token)
    message = db.session.scalar(select(Message).where(Message.recipient_id == invitation.user_id))
    assert message is not None and message.state == "sent" and token not in message.body
    assert token not in repr([invitation.nonce, invitation.token_hash])

    browser = app.test_client()
    page = browser.get(link)
    assert page.status_code == 200
    assert "Ada Admin invited you" in page.get_data(as_text=True)
    done = browser.post(link, data={"name": "Nia Newcomer", "password": NEW_PASSWORD})
    assert done.status_code == 302
    assert is_signed_in(browser)
    db.session.expire_all()
    user = db.session.get(User, invitation.user_id)
    assert user is not None and user.is_enabled and user.city is not None and user.city.name == "Newport"
    assert invitation.accepted_at is not None and invitation.accepted_with == "password"

    # Spent: the same link again is refused, with the reason.
    again = app.test_client().get(link)
    assert again.status_code == 410
    assert "used already" in again.get_data(as_text=True)
    assert app.test_client().post(link, data={"name": "X", "password": NEW_PASSWORD}).status_code == 410
    # And the password it set signs in.
    assert sign_in(app.test_client(), "nia@newport.gov.uk", NEW_PASSWORD).status_code == 302
    actions = set(db.session.scalars(select(ActivityLog.action).where(ActivityLog.subject_type == "invitation")))
    assert {"invitation_sent", "invitation_accepted"} <= actions


def test_the_password_rules_apply_and_what_was_typed_is_kept(app: Flask, admin_client, smtp: Inbox, eager) -> None:
    _invite(admin_client, "weak@newport.gov.uk", city=_city_id("Newport"))
    link = _link(smtp, "weak@newport.gov.uk")
    response = app.test_client().post(link, data={"name": "Wendy Weak", "password": "password123"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Wendy Weak" in page and "There is a problem" in page
    assert db.session.scalar(select(Invitation.accepted_at)) is None


def test_an_expired_invitation_is_refused(app: Flask, admin_client, smtp: Inbox, eager) -> None:
    _invite(admin_client, "late@newport.gov.uk", city=_city_id("Newport"))
    link = _link(smtp, "late@newport.gov.uk")
    invitation = db.session.scalar(select(Invitation))
    assert invitation is not None
    assert invitation.expires_at - invitation.sent_at == timedelta(days=7)
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = app.test_client().get(link)
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)
    assert app.test_client().post(link, data={"name": "L", "password": NEW_PASSWORD}).status_code == 410
    assert db.session.get(User, invitation.user_id).is_enabled is False  # type: ignore[union-attr]


def test_resending_kills_the_old_link_and_revoking_the_new(app: Flask, admin_client, smtp: Inbox, eager) -> None:
    _invite(admin_client, "twice@newport.gov.uk", city=_city_id("Newport"))
    first = _link(smtp, "twice@newport.gov.uk")
    invitation = db.session.scalar(select(Invitation))
    assert invitation is not None
    listing = admin_client.get("/admin/invitations").get_data(as_text=True)
    assert "twice@newport.gov.uk" in listing and "Waiting" in listing
    version = invitation.version
    resent = admin_client.post(f"/invitations/{invitation.id}/resend", data={"version": version})
    assert resent.status_code == 302
    second = _link(smtp, "twice@newport.gov.uk")
    assert second != first
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200
    # A page drawn before the resend is refused, clearly.
    stale = admin_client.post(f"/invitations/{invitation.id}/resend", data={"version": version},
                              follow_redirects=True)
    assert "changed since you opened the page" in stale.get_data(as_text=True)
    db.session.expire_all()
    revoked = admin_client.post(f"/invitations/{invitation.id}/revoke", data={"version": invitation.version})
    assert revoked.status_code == 302
    gone = app.test_client().get(second)
    assert gone.status_code == 410 and "withdrawn" in gone.get_data(as_text=True)
    actions = list(db.session.scalars(select(ActivityLog.action).where(ActivityLog.subject_type == "invitation")
                                      .order_by(ActivityLog.id)))
    assert actions == ["invitation_sent", "invitation_resent", "invitation_revoked"]
    # The admin activity page shows them.
    assert "Revoked the invitation for twice@newport.gov.uk" in admin_client.get("/admin/activity").get_data(as_text=True)


def test_an_existing_account_or_an_open_invitation_is_not_invited_again(admin_client, contributor: User, smtp,
                                                                       eager) -> None:
    response = admin_client.post("/admin/invitations/new", data={
        "email": contributor.email.upper(), "name": "Again", "role": "contributor", "city": _city_id("Newport")})
    assert response.status_code == 400
    assert "There is already an account" in response.get_data(as_text=True)
    _invite(admin_client, "open@newport.gov.uk", city=_city_id("Newport"))
    again = admin_client.post("/admin/invitations/new", data={
        "email": "open@newport.gov.uk", "name": "Again", "role": "contributor", "city": _city_id("Newport")})
    assert again.status_code == 400
    assert "still open" in again.get_data(as_text=True)


def test_only_admins_invite_people(as_user) -> None:
    assert as_user("coordinator").get("/admin/invitations/new").status_code == 403
    assert as_user("lead").get("/admin/invitations").status_code == 403
    assert as_user(None).get("/admin/invitations").status_code == 302
    assert as_user("lead").post("/admin/invitations/new", data={"email": "x@y.gov.uk", "name": "X",
                                                               "role": "admin"}).status_code == 403


def test_a_lead_invites_a_contributor_from_another_city_who_joins_the_response_and_comments(
        app: Flask, lead: User, smtp: Inbox, eager) -> None:
    consultation = factories.make_consultation(Status.DRAFTING, lead=lead)
    db.session.commit()
    lead_client = login(app.test_client(), lead)
    form = lead_client.get(f"/consultations/{consultation.id}/response/invite")
    assert form.status_code == 200
    sent = lead_client.post(f"/consultations/{consultation.id}/response/invite", data={
        "email": "sam@salford.gov.uk", "name": "Sam Salford", "city": _city_id("Salford")})
    assert sent.status_code == 302
    link = _link(smtp, "sam@salford.gov.uk")
    assert consultation.title in smtp.to("sam@salford.gov.uk")[-1].get_body(preferencelist=("plain",)).get_content()
    browser = app.test_client()
    accepted = browser.post(link, data={"name": "Sam Salford", "password": NEW_PASSWORD})
    assert accepted.headers["Location"] == f"/consultations/{consultation.id}/response"
    user = db.session.scalar(select(User).where(User.email == "sam@salford.gov.uk"))
    assert user is not None and user.role == Role.CONTRIBUTOR.value and user.city.name == "Salford"  # type: ignore[union-attr]
    assert db.session.scalar(select(Contributor).where(Contributor.user_id == user.id)) is not None
    commented = browser.post(f"/consultations/{consultation.id}/response/comments", data={"body": "Salford agrees."})
    assert commented.status_code in (302, 303)
    assert "Salford agrees." in browser.get(f"/consultations/{consultation.id}/response").get_data(as_text=True)


def test_who_may_invite_to_a_response(as_user, lead: User, smtp, eager) -> None:
    consultation = factories.make_consultation(Status.DRAFTING, lead=lead)
    db.session.commit()
    url = f"/consultations/{consultation.id}/response/invite"
    assert as_user("contributor").get(url).status_code == 403
    assert as_user("other_lead").post(url, data={"email": "z@z.gov.uk", "name": "Z", "city": "1"}).status_code == 403
    refused = as_user("lead").post(url, data={"email": "nobody@z.gov.uk", "name": "Z", "city": ""})
    assert refused.status_code == 400 and "Choose the member city" in refused.get_data(as_text=True)


def test_an_invitation_accepted_with_the_council_account_through_its_link(
        app: Flask, admin_client, smtp: Inbox, eager, entra: LocalProvider) -> None:
    _invite(admin_client, "olu@hull.gov.uk", role="policy_lead", city=_city_id("Hull"))
    link = _link(smtp, "olu@hull.gov.uk")
    browser = app.test_client()
    page = browser.get(link).get_data(as_text=True)
    assert "Sign in with Microsoft" in page
    entra.sign_in_as(tid=ENTRA_TENANT, oid="0d3c8f6e-1111-4a4a-8b8b-333333333333", email="o.olu@hull.gov.uk",
                     name="Olu")
    response = through_provider(browser, "/sign-in/entra?invitation=1")
    assert response.status_code == 302
    assert is_signed_in(browser)
    invitation = db.session.scalar(select(Invitation))
    assert invitation is not None and invitation.accepted_with == "entra"
    assert invitation.user.is_enabled and invitation.user.password_hash == ""
    # The link is spent, and the same council account now signs in by itself.
    assert app.test_client().get(link).status_code == 410
    entra.sign_in_as(tid=ENTRA_TENANT, oid="0d3c8f6e-1111-4a4a-8b8b-333333333333", email="o.olu@hull.gov.uk")
    assert through_provider(app.test_client(), "/sign-in/entra").status_code == 302


def test_a_first_sign_in_is_matched_to_an_invitation_when_the_city_lists_the_tenant(
        app: Flask, admin_client, smtp: Inbox, eager, entra: LocalProvider, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "ENTRA_ALLOWED_TENANTS", [ENTRA_TENANT, OTHER_TENANT])
    _invite(admin_client, "kim@hull.gov.uk", city=_city_id("Hull"))
    person = {"tid": ENTRA_TENANT, "oid": "9a1b2c3d-4e5f-4a6b-8c7d-444444444444", "email": "kim@hull.gov.uk"}
    # Hull lists no tenant yet: the email alone matches nothing.
    entra.sign_in_as(**person)
    assert through_provider(app.test_client(), "/sign-in/entra").status_code == 403
    hull = factories.city("Hull")
    hull.entra_tenant_id = ENTRA_TENANT
    db.session.commit()
    # Another allowed tenant claiming the same address is not Hull's.
    entra.sign_in_as(**{**person, "tid": OTHER_TENANT})
    assert through_provider(app.test_client(), "/sign-in/entra").status_code == 403
    entra.sign_in_as(**person)
    browser = app.test_client()
    assert through_provider(browser, "/sign-in/entra").status_code == 302
    assert is_signed_in(browser)
    assert db.session.scalar(select(Invitation.accepted_with)) == "entra"


def test_an_invitation_for_a_city_is_not_taken_by_another_councils_account(
        app: Flask, admin_client, smtp: Inbox, eager, entra: LocalProvider, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "ENTRA_ALLOWED_TENANTS", [ENTRA_TENANT, OTHER_TENANT])
    factories.city("Hull").entra_tenant_id = ENTRA_TENANT
    db.session.commit()
    _invite(admin_client, "lee@hull.gov.uk", city=_city_id("Hull"))
    link = _link(smtp, "lee@hull.gov.uk")
    browser = app.test_client()
    browser.get(link)
    entra.sign_in_as(tid=OTHER_TENANT, oid="5e6f7a8b-9c0d-4e1f-8a2b-555555555555", email="lee@elsewhere.gov.uk")
    response = through_provider(browser, "/sign-in/entra?invitation=1")
    assert response.status_code == 403
    assert "This invitation is for Hull" in response.get_data(as_text=True)
    assert db.session.scalar(select(Invitation.accepted_at)) is None


def test_an_invitation_email_planned_before_a_revocation_is_not_sent(app: Flask, admin: User, smtp: Inbox) -> None:
    from tracker.invitations import services
    from tracker.messaging.delivery import deliver

    invitation = services.invite(admin, email="gone@newport.gov.uk", name="G", role="contributor",
                                 city=factories.city("Newport"))
    db.session.commit()
    services.revoke(admin, invitation, invitation.version)
    db.session.commit()
    message = db.session.scalar(select(Message).where(Message.recipient_id == invitation.user_id))
    assert message is not None
    outcome = deliver(message.id)
    assert outcome.status == "skipped" and "revoked" in outcome.reason
    assert smtp.to("gone@newport.gov.uk") == []


def test_the_accept_page_for_a_made_up_link_is_a_clear_404(client) -> None:
    response = client.get("/invitations/accept/not-a-real-token")
    assert response.status_code == 404
    assert "not right" in response.get_data(as_text=True)
    assert client.get("/invitations/accept/" + "x" * 300).status_code == 404
