"""/api/v1 issues a fixed number of SQL statements whatever the number of rows (the list's,
with each row's city and policy lead, and the tokens page's)."""

from __future__ import annotations

from flask_sqlalchemy.record_queries import get_recorded_queries

from tests.api.conftest import bearer
from tests.consultations.test_query_counts import _fill
from tracker.extensions import db


def _count_queries(client, path: str) -> int:  # type: ignore[no-untyped-def]
    """As tests/consultations/test_query_counts.py counts, but expiring the test's objects rather
    than detaching them (the test goes on using its fixtures): a lazy load per row still shows."""
    client.get(path)
    db.session.expire_all()
    start = len(get_recorded_queries())
    response = client.get(path)
    assert response.status_code == 200, path
    return len(get_recorded_queries()) - start


class _WithToken:
    """A test client that sends the token with every request."""

    def __init__(self, client, token: str) -> None:  # type: ignore[no-untyped-def]
        self.client, self.token = client, token

    def get(self, path: str):  # type: ignore[no-untyped-def]
        return self.client.get(path, headers=bearer(self.token))


def test_the_list_and_one_consultation_cost_the_same_for_few_and_many(client, token, lead, coordinator) -> None:
    api = _WithToken(client, token)
    last = _fill(3, lead.id, coordinator.id)
    few = {path: _count_queries(api, path) for path in (
        "/api/v1/consultations?per_page=100", "/api/v1/consultations?status=open&per_page=100",
        f"/api/v1/consultations/{last}", "/api/v1/work-areas", "/api/v1/cities")}
    last = _fill(40, lead.id, coordinator.id)
    many = {path.replace(str(last), "x"): _count_queries(api, path) for path in (
        "/api/v1/consultations?per_page=100", "/api/v1/consultations?status=open&per_page=100",
        f"/api/v1/consultations/{last}", "/api/v1/work-areas", "/api/v1/cities")}
    assert list(many.values()) == list(few.values()), (few, many)
    assert max(few.values()) <= 5, few


def test_the_tokens_page_costs_the_same_for_one_token_and_many(as_user, contributor, make_token) -> None:
    client = as_user("contributor")
    make_token(contributor)
    one = _count_queries(client, "/account/tokens")
    for n in range(10):
        make_token(contributor, name=f"Token {n}")
    assert _count_queries(client, "/account/tokens") == one
