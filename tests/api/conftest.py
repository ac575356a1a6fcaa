"""Personal access tokens for the /api/v1 tests: real rows made by the real service."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tracker.api.tokens import services
from tracker.extensions import db
from tracker.models import User


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def make_token() -> Callable[..., str]:
    """make_token(user, name="...", expiry="90") -> the token itself, committed."""

    def _make(user: User, name: str = "Power BI", expiry: str = "90") -> str:
        _row, secret = services.create(user, name, expiry)
        db.session.commit()
        return secret

    return _make


@pytest.fixture
def token(contributor: User, make_token: Callable[..., str]) -> str:
    """A live token of a contributor: every member reads everything."""
    return make_token(contributor)


def assert_problem(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    """An RFC 9457 problem with this status, and its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["type"] == "about:blank" and body["status"] == status
    assert body["title"] and body["detail"]
    return body


@pytest.fixture
def published(users: dict[str, User]) -> int:
    """A consultation through to its outcome: led by Hull (the `lead`), two versions, the second
    approved and submitted by email, an outcome that took up part of its asks. Its id."""
    from datetime import UTC, date, datetime

    from tests import factories
    from tracker.models import Status
    from tracker.models.drafts import Outcome, Response, ResponseVersion, Submission

    consultation = factories.make_consultation(
        Status.OUTCOME_PUBLISHED, title="Bus franchising", lead=users["lead"],
        closes_at=datetime(2026, 7, 10, 22, 59, tzinfo=UTC))  # 23:59 UK summer time
    response = Response(consultation_id=consultation.id, mode="free", current_number=2, approved_number=2)
    db.session.add(response)
    db.session.flush()
    versions = [ResponseVersion(response_id=response.id, number=n, author_id=users["lead"].id, body=f"Text {n}",
                                answers={}, search_text=f"Text {n}", note="") for n in (1, 2)]
    db.session.add_all(versions)
    db.session.flush()
    db.session.add(Submission(consultation_id=consultation.id, version_id=versions[1].id, method="email",
                              submitted_at=datetime(2026, 7, 9, 15, 30, tzinfo=UTC), reference="DfT-123",
                              recorded_by_id=users["coordinator"].id))
    db.session.add(Outcome(consultation_id=consultation.id, url="https://www.gov.uk/outcome/bus",
                           published_on=date(2026, 10, 1), taken_up="partly", notes="Two of five asks.",
                           recorded_by_id=users["coordinator"].id))
    db.session.commit()
    return consultation.id
