"""Sign out everywhere, a password change, an admin's reset and disabling an account also revoke the
person's API tokens and change their calendar addresses, said before they confirm; enabling the account
again revives none of them."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests import factories
from tests.auth.conftest import sign_in
from tests.conftest import login
from tracker.account import services as feeds
from tracker.account import tokens as feed_tokens
from tracker.api.tokens import services as api_tokens
from tracker.extensions import db
from tracker.models import ActivityLog, User
from tracker.models.api import ApiToken
from tracker.models.feeds import CalendarFeed

NEW_PASSWORD = "moorland ferry lantern orchard"  # noqa: S105 - a test passphrase


def _hand_out(user: User, tokens: int = 2) -> tuple[list[str], str]:
    """``tokens`` API tokens and the calendar addresses, as the person would have made them."""
    secrets = [api_tokens.create(user, f"Script {n}", "90")[1] for n in range(tokens)]
    feed = feeds.set_up_feeds(user)
    db.session.commit()
    token = feed_tokens.unseal(feed.token_sealed)
    assert token is not None
    return secrets, token


def _works(client: FlaskClient, secrets: list[str], feed: str) -> list[int]:
    """The statuses of each API token and of the calendar address: 200s while they work."""
    statuses = [client.get("/api/v1/cities", headers={"Authorization": f"Bearer {s}"}).status_code for s in secrets]
    return [*statuses, client.get(f"/calendar/mine/{feed}.ics").status_code]


def _log(action: str, user: User) -> list[ActivityLog]:
    return list(db.session.scalars(select(ActivityLog).where(
        ActivityLog.action == action, ActivityLog.subject_id == user.id).order_by(ActivityLog.id)))


def _live_tokens(user: User) -> int:
    db.session.expire_all()
    return sum(1 for t in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id))
               if t.revoked_at is None)


def test_sign_out_everywhere_says_so_first_then_revokes_the_tokens_and_changes_the_addresses(
        app: Flask, lead: User) -> None:
    secrets, feed = _hand_out(lead)
    client = app.test_client()
    sign_in(client, lead.email)
    assert _works(app.test_client(), secrets, feed) == [200, 200, 200]

    page = client.get("/account/sessions").get_data(as_text=True)
    assert "Your 2 API tokens will be revoked and your calendar subscription addresses will change" in page

    done = client.post("/account/sessions/sign-out-everywhere", follow_redirects=True).get_data(as_text=True)
    assert "You have signed out on every device and browser." in done
    assert "Your 2 API tokens have been revoked and your calendar subscription addresses have changed." in done
    assert _works(app.test_client(), secrets, feed) == [401, 401, 404]
    assert _live_tokens(lead) == 0
    [revoked] = _log("api_tokens_revoked", lead)
    assert revoked.actor_id == lead.id and "Revoked 2 API tokens" in revoked.message
    assert "signed out everywhere" in revoked.message
    [reset] = _log("calendar_feeds_reset", lead)
    assert reset.actor_id == lead.id and "signed out everywhere" in reset.message

    # The new addresses work.
    new_feed = feed_tokens.unseal(db.session.scalar(select(CalendarFeed.token_sealed).where(
        CalendarFeed.user_id == lead.id)) or "")
    assert new_feed and new_feed != feed
    assert app.test_client().get(f"/calendar/mine/{new_feed}.ics").status_code == 200


def test_a_password_change_says_so_first_then_ends_them_and_this_session_goes_on(app: Flask, lead: User) -> None:
    secrets, feed = _hand_out(lead, tokens=1)
    client = app.test_client()
    sign_in(client, lead.email)
    page = client.get("/account/password").get_data(as_text=True)
    assert "Your 1 API token will be revoked and your calendar subscription addresses will change" in page

    response = client.post("/account/password", data={"current_password": factories.PASSWORD,
                                                      "new_password": NEW_PASSWORD}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Your password has been changed." in html
    assert "Your 1 API token has been revoked and your calendar subscription addresses have changed." in html
    assert response.request.path == "/"  # still signed in here
    assert _works(app.test_client(), secrets, feed) == [401, 404]
    assert [e.actor_id for e in _log("api_tokens_revoked", lead)] == [lead.id]
    assert "password changed" in _log("calendar_feeds_reset", lead)[0].message


def test_an_admins_reset_says_so_first_then_ends_them(app: Flask, admin: User, lead: User) -> None:
    secrets, feed = _hand_out(lead)
    admin_client = login(app.test_client(), admin)
    page = admin_client.get(f"/admin/users/{lead.id}/password").get_data(as_text=True)
    assert "Their 2 API tokens will be revoked and their calendar subscription addresses will change" in page

    done = admin_client.post(f"/admin/users/{lead.id}/password", data={"password": NEW_PASSWORD})
    assert done.status_code == 200
    assert "Their 2 API tokens have been revoked and their calendar subscription addresses have changed." in (
        done.get_data(as_text=True))
    assert _works(app.test_client(), secrets, feed) == [401, 401, 404]
    [revoked] = _log("api_tokens_revoked", lead)
    assert revoked.actor_id == admin.id and "password reset by an admin" in revoked.message
    assert _log("calendar_feeds_reset", lead)[0].actor_id == admin.id


def _edit(client: FlaskClient, user: User, *, enabled: bool, confirmed: bool = True):  # type: ignore[no-untyped-def]
    data = {"name": user.name, "role": user.role, "city": str(user.city_id or ""),
            "is_enabled": "yes" if enabled else "no"}
    if confirmed:
        data["confirmed"] = "yes"
    return client.post(f"/admin/users/{user.id}", data=data, follow_redirects=True)


def test_disabling_says_so_first_and_enabling_again_revives_nothing(app: Flask, admin: User, lead: User) -> None:
    secrets, feed = _hand_out(lead)
    admin_client = login(app.test_client(), admin)
    ask = _edit(admin_client, lead, enabled=False, confirmed=False).get_data(as_text=True)
    assert "Their 2 API tokens will be revoked and their calendar subscription addresses will change" in ask
    assert "Enabling the account again will not bring them back." in ask
    assert _works(app.test_client(), secrets, feed) == [200, 200, 200]  # nothing yet

    disabled = _edit(admin_client, lead, enabled=False).get_data(as_text=True)
    assert "Their 2 API tokens have been revoked" in disabled
    assert _live_tokens(lead) == 0

    enabled = _edit(admin_client, lead, enabled=True).get_data(as_text=True)
    assert "account is active again" in enabled
    assert _works(app.test_client(), secrets, feed) == [401, 401, 404]
    assert [e.message.endswith("(account disabled)") for e in _log("api_tokens_revoked", lead)] == [True]


def test_enabling_an_account_disabled_before_this_rule_ends_what_it_still_held(
        app: Flask, admin: User, lead: User) -> None:
    secrets, feed = _hand_out(lead, tokens=1)
    lead.is_enabled = False  # disabled by an earlier version, which left the tokens and addresses
    db.session.commit()
    assert _works(app.test_client(), secrets, feed) == [401, 404]

    enabled = _edit(login(app.test_client(), admin), lead, enabled=True).get_data(as_text=True)
    assert "Their 1 API token has been revoked and their calendar subscription addresses have changed." in enabled
    assert _works(app.test_client(), secrets, feed) == [401, 404]
    assert sign_in(app.test_client(), lead.email).status_code == 302
    assert "account enabled again" in _log("api_tokens_revoked", lead)[0].message


def test_with_nothing_handed_out_the_pages_promise_nothing(app: Flask, lead: User) -> None:
    client = app.test_client()
    sign_in(client, lead.email)
    for path in ("/account/sessions", "/account/password"):
        page = client.get(path).get_data(as_text=True)
        assert "API token" not in page and "calendar subscription addresses" not in page, path
    done = client.post("/account/sessions/sign-out-everywhere", follow_redirects=True).get_data(as_text=True)
    assert "You have signed out on every device and browser." in done and "revoked" not in done
    assert _log("api_tokens_revoked", lead) == [] and _log("calendar_feeds_reset", lead) == []
