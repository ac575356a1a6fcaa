"""The account tests' helpers: a person's feed addresses, read as a calendar app reads them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from icalendar import Calendar, Event

from tracker.account import services, tokens
from tracker.extensions import db
from tracker.models import User


@pytest.fixture
def feed_token() -> Callable[[User], str]:
    """feed_token(user) -> the user's feed token, set up (and committed) as the account page does."""

    def _token(user: User) -> str:
        feed = services.set_up_feeds(user)
        db.session.commit()
        token = tokens.unseal(feed.token_sealed)
        assert token is not None
        return token

    return _token


def feed_path(token: str, feed: str) -> str:
    """feed_path(token, "mine" | "network" | "city/hull") -> the feed's path."""
    return f"/calendar/{feed}/{token}.ics"


def read_feed(client: FlaskClient, path: str) -> tuple[Calendar, dict[str, Event]]:
    """The calendar at ``path`` (no sign-in) and its events by UID."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert response.mimetype == "text/calendar"
    cal = Calendar.from_ical(response.data)
    return cal, {str(e["uid"]): e for e in cal.walk("VEVENT")}
