"""Documents fixtures: the local servers answering like GOV.UK (API and assets) and the Committees
API, with the app pointed at them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
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


@pytest.fixture
def published() -> Iterator[list[tuple[str, list[Any]]]]:
    """The tasks sent to the broker (name, arguments), as Celery publishes them."""
    from celery.signals import before_task_publish

    seen: list[tuple[str, list[Any]]] = []

    def record(sender: str | None = None, body: Any = None, **kwargs: Any) -> None:
        seen.append((str(sender), list(body[0]) if body else []))

    before_task_publish.connect(record, weak=False)
    yield seen
    before_task_publish.disconnect(record)


def imported(coordinator: Any, base_path: str, *, source: str = "govuk", content_id: str | None = None,
             updated: datetime | None = None) -> Any:
    """An imported item for one of the recorded consultations, accepted by a coordinator (as from
    the inbox): its consultation, committed."""
    from tracker.extensions import db
    from tracker.intake import services
    from tracker.models.intake import IntakeItem
    from tracker.timeutil import utcnow

    now = utcnow()
    item = IntakeItem(
        source=source, content_id=content_id or f"00000000-0000-4000-9000-{abs(hash(base_path)) % 10**12:012d}",
        base_path=base_path, document_type="open_consultation" if source == "govuk" else "committee_inquiry",
        title=f"Recorded {base_path.rsplit('/', 2)[-2]}", summary="Seeking views.", organisations=["DfT"],
        opened_at=now - timedelta(days=3), closes_at=now + timedelta(days=40),
        public_updated_at=updated or (now - timedelta(days=3) if source == "govuk" else None),
        first_seen_at=now, last_seen_at=now, last_changed_at=now,
    )
    db.session.add(item)
    db.session.flush()
    consultation = services.accept_item(coordinator, item)
    db.session.commit()
    return consultation
