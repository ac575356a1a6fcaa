"""The account page: who you are, your account's pages, and your calendar addresses with their
copy and reset."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.account.conftest import feed_path
from tests.auth.conftest import csrf_token_from
from tests.drafts.test_templates_query_nothing import _statements_while_rendering
from tracker.account import tokens
from tracker.extensions import db
from tracker.models import ActivityLog, User
from tracker.models.feeds import CalendarFeed

FeedToken = Callable[[User], str]
ADDRESS = re.compile(r'value="(http://tracker\.test/calendar/[^"]+)"')


@pytest.fixture
def csrf_on(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def _addresses(page: str) -> list[str]:
    return [html.unescape(a) for a in ADDRESS.findall(page)]


def _path(address: str) -> str:
    return address.removeprefix("http://tracker.test")


def _feed_row(user: User) -> CalendarFeed | None:
    db.session.expire_all()
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def test_the_page_shows_who_you_are_and_links_to_your_accounts_pages(as_user, users: dict[str, User]) -> None:
    page = as_user("lead").get("/account")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for shown in ("Your account", "Lena Lead", users["lead"].email, "Policy lead", "Hull"):
        assert shown in text
    for link in ("/account/password", "/account/sessions", "/account/preferences", "/account/tokens"):
        assert f'href="{link}"' in text
    assert "API tokens" in text
    assert "Get calendar addresses" in text  # nothing set up until asked for
    assert _addresses(text) == []
    # A coordinator has no city.
    assert "No city (network staff)" in as_user("coordinator").get("/account").get_data(as_text=True)


def test_the_header_links_to_it_and_strangers_are_sent_to_sign_in(as_user, client: FlaskClient) -> None:
    assert 'href="/account">Your account</a>' in as_user("contributor").get("/").get_data(as_text=True)
    for path in ("/account", "/account/calendar/reset"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post("/account/calendar").status_code == 302


def test_getting_the_addresses_shows_them_and_they_work(
        app: Flask, as_user, users: dict[str, User], csrf_on: None) -> None:  # type: ignore[no-untyped-def]
    browser = as_user("lead")
    # Without the form's token nothing is made.
    assert browser.post("/account/calendar").status_code == 400
    assert _feed_row(users["lead"]) is None

    token = csrf_token_from(browser.get("/account").get_data(as_text=True))
    response = browser.post("/account/calendar", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account#calendar")
    page = browser.get("/account").get_data(as_text=True)
    assert "Your calendar addresses are ready" in page
    addresses = _addresses(page)
    assert [a.rsplit("/", 1)[0] for a in addresses] == [
        "http://tracker.test/calendar/mine", "http://tracker.test/calendar/city/hull",
        "http://tracker.test/calendar/network"]
    assert "Your deadlines" in page and "Hull&#39;s deadlines" in page and "All network deadlines" in page
    assert 'data-kc-module="copy"' in page and "Reset calendar addresses" in page
    row = _feed_row(users["lead"])
    assert row is not None
    secret = addresses[0].rsplit("/", 1)[-1].removesuffix(".ics")
    assert all(a.endswith(f"/{secret}.ics") for a in addresses)
    # Stored as its hash and a seal, never as itself.
    assert row.token_hash == tokens.token_hash(secret) and secret not in row.token_sealed
    anonymous = app.test_client()
    for address in addresses:
        assert anonymous.get(_path(address)).status_code == 200, address

    # Asking again (a second tab, a double click) keeps the addresses calendars already use.
    token = csrf_token_from(page)
    assert browser.post("/account/calendar", data={"csrf_token": token}).status_code == 302
    assert _addresses(browser.get("/account").get_data(as_text=True)) == addresses
    actions = db.session.scalars(select(ActivityLog.action).where(ActivityLog.subject_type == "user",
                                                                  ActivityLog.subject_id == users["lead"].id)).all()
    assert list(actions).count("calendar_feeds") == 1


def test_reset_asks_first_then_kills_the_old_addresses_at_once(
        app: Flask, as_user, users: dict[str, User], feed_token: FeedToken, csrf_on: None) -> None:  # type: ignore[no-untyped-def]
    old = feed_token(users["contributor"])
    browser = as_user("contributor")
    anonymous = app.test_client()
    old_addresses = _addresses(browser.get("/account").get_data(as_text=True))
    assert all(old in a for a in old_addresses) and len(old_addresses) == 3

    confirm = browser.get("/account/calendar/reset")
    assert confirm.status_code == 200
    text = confirm.get_data(as_text=True)
    assert "The old ones stop working at once" in text
    # Without the form's token nothing changes.
    assert browser.post("/account/calendar/reset").status_code == 400
    assert anonymous.get(_path(old_addresses[0])).status_code == 200

    response = browser.post("/account/calendar/reset", data={"csrf_token": csrf_token_from(text)})
    assert response.status_code == 302
    page = browser.get("/account").get_data(as_text=True)
    assert "The old ones no longer work" in page
    new_addresses = _addresses(page)
    assert len(new_addresses) == 3 and not any(old in a for a in new_addresses)
    for address in old_addresses:
        assert anonymous.get(_path(address)).status_code == 404, address
    for address in new_addresses:
        assert anonymous.get(_path(address)).status_code == 200, address


def test_a_seal_no_key_opens_is_said_plainly_and_the_address_still_works(
        app: Flask, as_user, users: dict[str, User], feed_token: FeedToken) -> None:  # type: ignore[no-untyped-def]
    token = feed_token(users["lead"])
    row = _feed_row(users["lead"])
    assert row is not None
    row.token_sealed = "sealed-with-a-key-long-gone"
    db.session.commit()
    page = as_user("lead").get("/account")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "can no longer be shown here" in text and _addresses(text) == []
    assert "Reset calendar addresses" in text
    assert app.test_client().get(feed_path(token, "mine")).status_code == 200


def test_an_old_secret_key_in_the_fallbacks_still_opens_the_seal(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    sealed = tokens.seal("the-token")
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-new-secret-key-after-rotation")
    assert tokens.unseal(sealed) is None
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", ["test-secret-key"])
    assert tokens.unseal(sealed) == "the-token"


def test_no_statement_runs_while_the_account_pages_render(
        app: Flask, as_user, users: dict[str, User], feed_token: FeedToken) -> None:  # type: ignore[no-untyped-def]
    browser = as_user("lead")
    lead_id = users["lead"].id
    for step in ("before", "after"):
        if step == "after":
            lead = db.session.get(User, lead_id)
            assert lead is not None
            feed_token(lead)
        for path in ("/account", "/account/calendar/reset"):
            db.session.expunge_all()
            with _statements_while_rendering(app) as seen:
                response = browser.get(path)
            assert response.status_code == 200, (step, path)
            assert seen == [], f"{path} ({step} set-up) queried while rendering:\n" + "\n".join(seen)


def test_every_other_member_citys_feed_is_offered_too(
        app: Flask, as_user, users: dict[str, User], feed_token: FeedToken) -> None:  # type: ignore[no-untyped-def]
    token = feed_token(users["lead"])
    text = as_user("lead").get("/account").get_data(as_text=True)
    assert "Another member city&#39;s deadlines" in text
    links = re.findall(r'href="(http://tracker\.test/calendar/city/[^"]+)">([^<]+)</a>', text)
    names = [name for _, name in links]
    assert "Salford" in names and "Hull" not in names and len(names) == 24  # the lead's own is above
    salford = dict((name, url) for url, name in links)["Salford"]
    assert salford == f"http://tracker.test/calendar/city/salford/{token}.ics"
    assert app.test_client().get(_path(salford)).status_code == 200

    # A coordinator has no city of their own: their addresses and all 25 cities'.
    feed_token(users["coordinator"])
    text = as_user("coordinator").get("/account").get_data(as_text=True)
    assert [a.rsplit("/", 1)[0].rsplit("/", 1)[-1] for a in _addresses(text)] == ["mine", "network"]
    assert len(re.findall(r'href="http://tracker\.test/calendar/city/', text)) == 25
