"""Personal access tokens: made on /account/tokens and shown once, only their hash at rest, the
last use shown in UK time, revoked with a confirmation and dead at once, dead with a disabled
account or past their expiry; the session cookie never opens /api/v1."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from tests.api.conftest import assert_problem, bearer
from tests.auth.conftest import csrf_token_from
from tracker.api.tokens import services
from tracker.extensions import db
from tracker.models import User
from tracker.models.api import ApiToken
from tracker.templating import uk_datetime
from tracker.timeutil import utcnow

TOKEN_RE = re.compile(r"kct_[A-Za-z0-9_-]{43}")


def _tokens_of(user: User) -> list[ApiToken]:
    db.session.expire_all()
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))


def test_a_new_token_is_shown_once_and_only_its_hash_is_kept(as_user, contributor) -> None:
    client = as_user("contributor")
    page = client.post("/account/tokens", data={"name": "Power BI deadlines", "expiry": "90"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    shown = TOKEN_RE.findall(html)
    assert shown, html
    secret = shown[0]
    assert "Copy the token now" in html and "Power BI deadlines" in html

    [row] = _tokens_of(contributor)
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert row.name == "Power BI deadlines" and row.prefix == secret[:10]
    stored = " ".join(str(v) for v in (row.name, row.token_hash, row.prefix))
    assert secret not in stored and secret[10:] not in stored
    assert row.expires_at is not None and abs(row.expires_at - (row.created_at + timedelta(days=90))) < timedelta(seconds=5)

    # The list names it and shows its start, never the token again.
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "Power BI deadlines" in listing and f"{secret[:10]}…" in listing
    assert secret not in listing and "Never used" in listing
    # It works at once.
    assert client.get("/api/v1/work-areas", headers=bearer(secret)).status_code == 200


def test_a_token_with_no_name_is_refused_on_its_field_and_nothing_is_made(as_user, contributor) -> None:
    response = as_user("contributor").post("/account/tokens", data={"name": "   ", "expiry": "90"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Enter a name for the token" in html and 'href="#name"' in html
    assert not TOKEN_RE.search(html)
    assert _tokens_of(contributor) == []


def test_an_unknown_expiry_is_refused_keeping_the_name_typed(as_user, contributor) -> None:
    response = as_user("contributor").post("/account/tokens", data={"name": "Excel", "expiry": "forever"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="Excel"' in html and "Not a valid choice" in html
    assert _tokens_of(contributor) == []


def test_never_expiring_token(as_user, contributor) -> None:
    as_user("contributor").post("/account/tokens", data={"name": "Script", "expiry": "never"})
    [row] = _tokens_of(contributor)
    assert row.expires_at is None
    assert "Never" in as_user("contributor").get("/account/tokens").get_data(as_text=True)


def test_creating_needs_the_csrf_token(as_user, contributor, app, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client = as_user("contributor")
    refused = client.post("/account/tokens", data={"name": "Forged", "expiry": "90"})
    assert refused.status_code == 400
    assert _tokens_of(contributor) == []
    form = client.get("/account/tokens").get_data(as_text=True)
    made = client.post("/account/tokens", data={"name": "Mine", "expiry": "90",
                                                "csrf_token": csrf_token_from(form)})
    assert made.status_code == 200 and TOKEN_RE.search(made.get_data(as_text=True))


def test_the_page_needs_a_sign_in(client) -> None:
    response = client.get("/account/tokens")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post("/account/tokens", data={"name": "x", "expiry": "90"}).status_code == 302


def test_at_most_twenty_live_tokens(as_user, contributor, make_token) -> None:
    for n in range(services.MAX_LIVE_TOKENS):
        make_token(contributor, name=f"Token {n}")
    response = as_user("contributor").post("/account/tokens", data={"name": "One more", "expiry": "90"})
    assert response.status_code == 400
    assert "You already have 20 tokens" in response.get_data(as_text=True)
    assert len(_tokens_of(contributor)) == services.MAX_LIVE_TOKENS


def test_last_use_is_recorded_at_most_once_a_minute_and_shown_in_uk_time(as_user, contributor, token) -> None:
    client = as_user("contributor")
    # Summer, when UK time is an hour ahead (the sign-in is not under the travel: it would not be
    # live in the past).
    start = utcnow().replace(month=7, day=1, hour=11, minute=0, second=0, microsecond=0)
    with time_machine.travel(start, tick=False):
        assert client.get("/api/v1/cities", headers=bearer(token)).status_code == 200
    [row] = _tokens_of(contributor)
    assert row.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        client.get("/api/v1/cities", headers=bearer(token))
    assert _tokens_of(contributor)[0].last_used_at == start  # no write within the minute
    later = start + timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        client.get("/api/v1/cities", headers=bearer(token))
    assert _tokens_of(contributor)[0].last_used_at == later  # (and the test's session sees it)
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert uk_datetime(later, "%-d %b %Y, %H:%M") in listing and "12:01" in listing


def test_revoking_asks_first_then_the_token_stops_working_at_once(as_user, contributor, token) -> None:
    client = as_user("contributor")
    assert client.get("/api/v1/consultations", headers=bearer(token)).status_code == 200
    [row] = _tokens_of(contributor)
    confirm = client.get(f"/account/tokens/{row.id}/revoke")
    assert confirm.status_code == 200
    assert "stops working at once" in confirm.get_data(as_text=True)
    assert _tokens_of(contributor)[0].revoked_at is None  # asking changes nothing

    done = client.post(f"/account/tokens/{row.id}/revoke", follow_redirects=True)
    assert done.status_code == 200
    html = done.get_data(as_text=True)
    assert "has been revoked" in html and "Revoked" in html
    assert _tokens_of(contributor)[0].revoked_at is not None

    body = assert_problem(client.get("/api/v1/consultations", headers=bearer(token)), 401)
    assert "revoked" in body["detail"]
    again = client.get(f"/account/tokens/{row.id}/revoke").get_data(as_text=True)
    assert "was revoked on" in again


def test_nobody_revokes_or_sees_another_persons_token(as_user, lead, contributor, make_token) -> None:
    make_token(contributor, name="Ledger script")
    [row] = _tokens_of(contributor)
    other = as_user("lead")
    assert other.get(f"/account/tokens/{row.id}/revoke").status_code == 404
    assert other.post(f"/account/tokens/{row.id}/revoke").status_code == 404
    assert "Ledger script" not in other.get("/account/tokens").get_data(as_text=True)
    assert _tokens_of(contributor)[0].revoked_at is None
    assert as_user("admin").post(f"/account/tokens/{row.id}/revoke").status_code == 404


def test_a_disabled_account_s_tokens_stop_working(client, contributor, token) -> None:
    assert client.get("/api/v1/cities", headers=bearer(token)).status_code == 200
    contributor.is_enabled = False
    db.session.commit()
    assert_problem(client.get("/api/v1/cities", headers=bearer(token)), 401)


def test_an_expired_token_stops_working(client, contributor, make_token) -> None:
    secret = make_token(contributor, expiry="30")
    with time_machine.travel(utcnow() + timedelta(days=31), tick=False):
        assert_problem(client.get("/api/v1/cities", headers=bearer(secret)), 401)
    with time_machine.travel(utcnow() + timedelta(days=29), tick=False):
        assert client.get("/api/v1/cities", headers=bearer(secret)).status_code == 200


def test_a_signed_in_browser_s_session_does_not_open_the_api(as_user) -> None:
    client = as_user("coordinator")
    assert client.get("/").status_code == 200  # signed in
    for path in ("/api/v1/consultations", "/api/v1/work-areas", "/api/v1/cities", "/api/v1/consultations/1"):
        body = assert_problem(client.get(path), 401)
        assert "Authorization" in body["detail"]


@pytest.mark.parametrize("role", ["admin", "coordinator", "lead", "contributor"])
def test_every_role_may_make_a_token(as_user, users, role) -> None:
    response = as_user(role).post("/account/tokens", data={"name": f"{role} token", "expiry": "30"})
    assert response.status_code == 200
    assert [t.name for t in _tokens_of(users[role])] == [f"{role} token"]


def test_admins_see_tokens_made_and_revoked_in_the_activity(as_user, admin, contributor, make_token) -> None:
    make_token(contributor, name="Nightly export")
    [row] = _tokens_of(contributor)
    as_user("contributor").post(f"/account/tokens/{row.id}/revoke")
    html = as_user("admin").get("/admin/activity").get_data(as_text=True)
    assert "Made the API token “Nightly export” (" in html and "Revoked the API token “Nightly export” (" in html
    assert row.token_hash not in html
