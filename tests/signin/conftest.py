"""Fixtures of the sign-in tests: the local OpenID providers, configured as the tracker's Entra ID
and Google, and a walk through a provider as a browser makes it."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.signin.provider import ENTRA_TENANT, GOOGLE_DOMAIN, LocalProvider, running


@pytest.fixture
def entra(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalProvider]:
    with running("entra") as provider:
        monkeypatch.setitem(app.config, "ENTRA_CLIENT_ID", provider.client_id)
        monkeypatch.setitem(app.config, "ENTRA_CLIENT_SECRET", provider.client_secret)
        monkeypatch.setitem(app.config, "ENTRA_ALLOWED_TENANTS", [ENTRA_TENANT])
        monkeypatch.setitem(app.config, "ENTRA_METADATA_URL", provider.metadata_url)
        yield provider


@pytest.fixture
def google(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalProvider]:
    with running("google") as provider:
        monkeypatch.setitem(app.config, "GOOGLE_CLIENT_ID", provider.client_id)
        monkeypatch.setitem(app.config, "GOOGLE_CLIENT_SECRET", provider.client_secret)
        monkeypatch.setitem(app.config, "GOOGLE_ALLOWED_DOMAINS", [GOOGLE_DOMAIN])
        monkeypatch.setitem(app.config, "GOOGLE_METADATA_URL", provider.metadata_url)
        yield provider


def local(url: str) -> str:
    """The path and query of an absolute address of the tracker (BASE_URL's host), for the test client."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def to_provider(client: FlaskClient, start: str) -> str:
    """Start a sign-in; returns where the tracker sends the browser back to (the callback with its
    code and state), after the provider signed in whoever it was told to."""
    response = client.get(start)
    assert response.status_code == 302, response.get_data(as_text=True)
    answer = requests.get(response.headers["Location"], allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return local(answer.headers["Location"])


def through_provider(client: FlaskClient, start: str) -> TestResponse:
    return client.get(to_provider(client, start))


from tests.reminders.conftest import _our_celery_app, eager, smtp, smtp_server  # noqa: E402,F401 - fixtures
