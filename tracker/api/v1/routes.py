"""The operations of /api/v1. Reading only: every member may read everything (DESIGN.md), so any
live token reads all of it."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint

from tracker.api.tokens.services import rate_limit
from tracker.api.v1 import auth, queries
from tracker.api.v1.problems import problem
from tracker.api.v1.schemas import (
    CityListSchema,
    ConsultationListArgsSchema,
    ConsultationPageSchema,
    ConsultationSchema,
    WorkAreaListSchema,
)
from tracker.consultations import queries as consultation_queries

# The list page's reading of its filters, reused so that the API and the page agree on what a
# filter means and which values it refuses.
from tracker.consultations.routes.listing import _parse_filters
from tracker.extensions import limiter
from tracker.urls import external_url

blp = Blueprint("api_v1", __name__, url_prefix="/api/v1", description="Consultations, work areas and cities")
blp.before_request(auth.authenticate)
# One count per token across every operation (a plain limit would count each route apart).
limiter.shared_limit(rate_limit, scope="api-v1", key_func=auth.rate_limit_key)(blp)

# Every operation may answer these (the document says so for each).
_COMMON = (401, "UNAUTHORIZED"), (429, "TOO_MANY_REQUESTS")


def _documented(view: Any) -> Any:
    for status, name in _COMMON:
        view = blp.alt_response(status, response=name)(view)
    return view


@blp.get("/consultations")
@blp.doc(operationId="listConsultations")
@blp.arguments(ConsultationListArgsSchema, location="query", error_status_code=400)
@blp.response(200, ConsultationPageSchema)
@_documented
def consultations(args: dict[str, Any]) -> ResponseReturnValue:
    """The consultations, filtered as on the list page, a page at a time.

    In the list page's order: the ones still open first, the next to close at the top; then the
    closed ones, newest first."""
    work_areas, cities = consultation_queries.filter_choices()
    filters, errors = _parse_filters({k: str(v) for k, v in args.items()}, work_areas, cities)
    if errors:
        return problem(400, "Some filters were not understood.",
                       errors=[{"parameter": e["href"].lstrip("#"), "detail": e["text"]} for e in errors])
    per_page: int = args["per_page"]

    def href(number: int) -> str:
        return external_url("api_v1.consultations", **filters.as_args(), page=number, per_page=per_page)

    return queries.consultation_page(filters, args["page"], per_page, href)


@blp.get("/consultations/<int:consultation_id>")
@blp.doc(operationId="getConsultation")
@blp.response(200, ConsultationSchema)
@blp.alt_response(404, response="NOT_FOUND")
@_documented
def consultation(consultation_id: int) -> ResponseReturnValue:
    """One consultation.

    With its deadlines, assignment, response status (the current and approved version numbers,
    the submission) and outcome."""
    found = queries.consultation(consultation_id)
    if found is None:
        abort(404, f"There is no consultation number {consultation_id}.")
    return found


@blp.get("/work-areas")
@blp.doc(operationId="listWorkAreas")
@blp.response(200, WorkAreaListSchema)
@_documented
def work_areas() -> ResponseReturnValue:
    """The network's work areas and the city leading each."""
    return {"items": queries.work_areas()}


@blp.get("/cities")
@blp.doc(operationId="listCities")
@blp.response(200, CityListSchema)
@_documented
def cities() -> ResponseReturnValue:
    """The cities: the network's members (and any former ones, with is_member false)."""
    return {"items": queries.cities()}
