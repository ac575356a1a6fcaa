"""Helpers for the account and security tests: they use the real sign-in form."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.factories import PASSWORD


@pytest.fixture
def restore_celery_default(app: Flask) -> Iterator[None]:
    """For tests that build another app: create_app() makes that app's Celery the current and default
    one, and later tests' tasks (@shared_task) would run in the wrong Flask app. Put the session app's back."""
    yield
    app.extensions["celery"].set_current()
    app.extensions["celery"].set_default()


WRONG_LOGIN = "The email address or password is not right, or the account is disabled."


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD, next_url: str | None = None,
            csrf: bool = False) -> TestResponse:
    """Post the sign-in form as a browser would (with the page's CSRF token when asked)."""
    url = "/login" if next_url is None else f"/login?next={next_url}"
    data = {"email": email, "password": password}
    if csrf:
        data["csrf_token"] = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, data=data)


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def is_signed_in(client: FlaskClient) -> bool:
    response = client.get("/")
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True
