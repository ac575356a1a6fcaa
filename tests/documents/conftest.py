"""Documents fixtures: the local servers answering like GOV.UK (API and assets) and the Committees
API, with the app pointed at them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from tests.documents.server import FIXTURES, Sites, running_sites


@pytest.fixture(scope="session")
def sites_server() -> Iterator[Sites]:
    with running_sites() as sites:
        yield sites


@pytest.fixture
def sites(app: Flask, sites_server: Sites, monkeypatch: pytest.MonkeyPatch) -> Sites:
    """The servers, their scripts emptied, the app pointed at them: no politeness delay, one retry."""
    sites_server.reset()
    for key, value in {
        "GOVUK_API_BASE_URL": sites_server.api.url,
        "GOVUK_ASSETS_BASE_URLS": f"https://assets.publishing.service.gov.uk, {sites_server.assets.url}",
        "COMMITTEES_API_BASE_URL": sites_server.api.url,
        "GOVUK_REQUESTS_PER_SECOND": 0,
        "GOVUK_RETRY_BACKOFF_SECONDS": 0.01,
        "GOVUK_MAX_RETRIES": 1,
        "GOVUK_READ_TIMEOUT": 5,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return sites_server


def expected(name: str) -> list[dict[str, Any]]:
    return json.loads((FIXTURES / "expected" / f"{name}.json").read_text(encoding="utf-8"))
