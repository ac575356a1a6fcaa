"""The OpenAPI document of /api/v1 is valid OpenAPI 3.1 and describes what the API does:
schemathesis calls every operation on the live app with a token and checks each answer against
it (no 5xx, statuses, content types, bodies and headers as documented). The reference page is
drawn from the same document."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from flask import Flask
from openapi_spec_validator import OpenAPIV31SpecValidator
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from sqlalchemy import select

from tests import factories
from tests.api.conftest import bearer
from tests.drafts.test_templates_query_nothing import _statements_while_rendering
from tracker.api.tokens import services as tokens
from tracker.extensions import db
from tracker.models import Status, User
from tracker.models.api import ApiToken

OPERATIONS = {("get", "/api/v1/consultations"), ("get", "/api/v1/consultations/{consultation_id}"),
              ("get", "/api/v1/work-areas"), ("get", "/api/v1/cities"), ("get", "/api/v1/reports")}


@pytest.fixture
def spec(client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/openapi.json")  # no token: the document shows no data
    assert response.status_code == 200 and response.mimetype == "application/json"
    document: dict[str, Any] = response.get_json()
    return document


def test_the_document_is_valid_openapi_3_1(spec) -> None:
    assert spec["openapi"] == "3.1.0"
    OpenAPIV31SpecValidator(spec).validate()
    assert {(m, p) for p, item in spec["paths"].items() for m in item if m != "parameters"} == OPERATIONS


def test_every_operation_needs_a_token_and_documents_its_problems(spec) -> None:
    assert spec["security"] == [{"bearerAuth": []}]
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "A personal access token from /account/tokens"}
    problem = spec["components"]["responses"]["UNAUTHORIZED"]["content"]
    assert list(problem) == ["application/problem+json"]
    for path, item in spec["paths"].items():
        responses = item["get"]["responses"]
        assert {"200", "401", "429", "default"} <= set(responses), path
        assert item["get"]["operationId"] and item["get"]["summary"]
    assert "400" in spec["paths"]["/api/v1/consultations"]["get"]["responses"]
    assert "404" in spec["paths"]["/api/v1/consultations/{consultation_id}"]["get"]["responses"]


def test_the_reference_page_shows_every_operation_and_schema(client, spec) -> None:
    page = client.get("/api/reference")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for method, path in OPERATIONS:
        assert f"{method.upper()} {path}" in html
    for name in ("Consultation", "ConsultationPage", "Problem", "WorkArea", "City"):
        assert f'id="schema-{name}"' in html
    assert "integer: 1 to 100; default 25" in html  # per_page, from the document
    assert "600 requests per hour" in html and 'href="/api/v1/openapi.json"' in html
    assert "<script" not in html.split("</main>")[0].split("<main")[1]  # nothing the CSP would refuse


def test_the_pages_templates_run_no_sql(app: Flask, as_user, contributor: User,
                                         make_token: Callable[..., str]) -> None:
    make_token(contributor, name="Used one")
    used = db.session.scalar(select(ApiToken.id).where(ApiToken.name == "Used one"))
    client = as_user("contributor")
    with _statements_while_rendering(app) as seen:
        assert client.get("/account/tokens").status_code == 200
        made = client.post("/account/tokens", data={"name": "Another", "expiry": "30"})
        assert made.status_code == 200
        assert client.get("/api/reference").status_code == 200
        assert client.get(f"/account/tokens/{used}/revoke").status_code == 200
        assert client.post(f"/account/tokens/{used}/revoke", follow_redirects=True).status_code == 200
        assert client.get(f"/account/tokens/{used}/revoke").status_code == 200  # already revoked
    assert seen == []


@pytest.mark.committed  # schemathesis calls the live server, whose requests read committed rows
def test_schemathesis_finds_every_operation_answering_as_documented(
        live_server: str, app: Flask, lead: User, coordinator: User, published: int,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`schemathesis run` against the live app with a live token, as its engine: the examples,
    coverage and fuzzing phases of every operation, with its default checks (no 5xx; status
    codes, content types, bodies and headers as documented; bad input refused, good accepted)."""
    for n, status in enumerate([Status.NEW, Status.DRAFTING, Status.MISSED, Status.TRIAGED]):
        factories.make_consultation(status, title=f"Schemathesis {n}", closes_in_days=10 - 7 * n, lead=lead)
    _row, secret = tokens.create(coordinator, "schemathesis", "30")
    db.session.commit()
    # Hundreds of requests: the rate limit has its own test (test_v1_rate_limit).
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "100000 per hour")
    config = SchemathesisConfig.from_dict({
        "base-url": live_server,
        "headers": bearer(secret),
        "seed": 20261201,  # the same cases on every run: a failure here is reproducible
        "generation": {"max-examples": 25},
        "phases": {"stateful": {"enabled": False}},
        "suppress-health-check": ["too_slow", "filter_too_much"],
        # The list reads its filters as the list page does, which the document cannot say in
        # full: a work area's or city's id the schema allows may name none (refused with a 400
        # naming it), and an empty value means "not set" (as the page's form sends it). Both are
        # checked in test_v1 (test_filters_..., test_bad_query_parameters_...); every other check
        # runs on the list too. Likewise a report's period: its parts depend on each other (custom
        # needs start and end, in order; no quarter before 2000), refused with a 400 naming the
        # period, and an empty value means "not set" (test_v1_reports).
        "operations": [{"include-operation-id": operation,
                        "checks": {"positive_data_acceptance": {"enabled": False},
                                   "negative_data_rejection": {"enabled": False}}}
                       for operation in ("listConsultations", "getReport")],
    })
    schema = schemathesis.openapi.from_url(live_server + "/api/v1/openapi.json", config=config)

    tested: set[str] = set()
    problems: list[str] = []
    finished = None
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            tested.add(event.recorder.label)
            for checks in event.recorder.checks.values():
                problems += [f"{event.recorder.label}: {check.name}: {check.failure_info.failure.title}"
                             f" ({check.failure_info.failure.message[:300]})"
                             for check in checks if check.failure_info is not None]
        elif isinstance(event, events.NonFatalError | events.FatalError):
            problems.append(f"error: {event}")
        elif isinstance(event, events.EngineFinished):
            finished = event
    assert finished is not None
    assert problems == [], "\n".join(sorted(set(problems)))
    assert {label.replace("GET ", "") for label in tested} >= {p for _m, p in OPERATIONS}, tested
