"""Intake fixtures: real local HTTP servers answering like GOV.UK and like Parliament's Committees
API, and the app pointed at them."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from tests.intake.committees_server import CommitteesFixtureServer, running_committees_server
from tests.intake.govuk_server import GovukFixtureServer, running_server
from tracker.extensions import db
from tracker.intake import importer, sources


@pytest.fixture(scope="session")
def govuk_server() -> Iterator[GovukFixtureServer]:
    with running_server() as server:
        yield server


@pytest.fixture
def govuk(app: Flask, govuk_server: GovukFixtureServer, monkeypatch: pytest.MonkeyPatch) -> GovukFixtureServer:
    """The server, emptied, with the app pointed at it: small pages, no politeness delays."""
    govuk_server.reset()
    for key, value in {
        "GOVUK_API_BASE_URL": govuk_server.url,
        "GOVUK_PAGE_SIZE": 3,
        "GOVUK_REQUESTS_PER_SECOND": 0,  # unlimited in tests
        "GOVUK_RETRY_BACKOFF_SECONDS": 0.01,
        "GOVUK_MAX_RETRIES": 3,
        "GOVUK_READ_TIMEOUT": 5,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return govuk_server


@pytest.fixture
def run_import(govuk: GovukFixtureServer) -> Callable[..., importer.ImportResult]:
    """Run the importer against the local server and commit, as the task does."""

    def _run(**kwargs: object) -> importer.ImportResult:
        result = importer.run_import(sources.make_api_source(), **kwargs)  # type: ignore[arg-type]
        db.session.commit()
        return result

    return _run


@pytest.fixture(scope="session")
def committees_server() -> Iterator[CommitteesFixtureServer]:
    with running_committees_server() as server:
        yield server


@pytest.fixture
def committees_api(app: Flask, committees_server: CommitteesFixtureServer,
                   monkeypatch: pytest.MonkeyPatch) -> CommitteesFixtureServer:
    """The Committees API server, emptied, the app pointed at it: pages of three (Take=3)."""
    committees_server.reset()
    for key, value in {
        "COMMITTEES_API_BASE_URL": committees_server.url,
        "COMMITTEES_PAGE_SIZE": 3,
        "GOVUK_REQUESTS_PER_SECOND": 0,
        "GOVUK_RETRY_BACKOFF_SECONDS": 0.01,
        "GOVUK_MAX_RETRIES": 3,
        "GOVUK_READ_TIMEOUT": 5,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return committees_server


@pytest.fixture
def import_committees(committees_api: CommitteesFixtureServer) -> Callable[..., importer.ImportResult]:
    """Run the committees import against the local server and commit, as the task does."""

    def _run(**kwargs: object) -> importer.ImportResult:
        result = importer.run_import(sources.make_committees_api_source(), **kwargs)  # type: ignore[arg-type]
        db.session.commit()
        return result

    return _run
