"""The operations of /api/v1. Reading only: every member may read everything
(docs/roles-and-permissions.md), so any live token reads all of it."""

from __future__ import annotations

from typing import Any

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
    ReportArgsSchema,
    ReportSchema,
    WorkAreaListSchema,
)
from tracker.consultations import queries as consultation_queries
from tracker.consultations.filters import parse_filters
from tracker.consultations.routes.page import no_such_consultation
from tracker.extensions import limiter
from tracker.reports import periods
from tracker.reports import queries as report_queries
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
    filters, errors = parse_filters({k: str(v) for k, v in args.items()}, work_areas, cities)
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
    the submission) and outcome; and, for one imported from GOV.UK or a select committee, the
    questions found in its documents, its ways to respond and its documents (read, or skipped and
    why), in the shapes of `flask read-documents --json`."""
    found = queries.consultation(consultation_id)
    if found is None:
        no_such_consultation(consultation_id)
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


@blp.get("/reports")
@blp.doc(operationId="getReport")
@blp.arguments(ReportArgsSchema, location="query", error_status_code=400)
@blp.response(200, ReportSchema)
@_documented
def report(args: dict[str, Any]) -> ResponseReturnValue:
    """The reports page's numbers for a period.

    By calendar quarter, work area and lead city, and per member city; the network's for
    coordinators and admins, the consultations their city leads for others."""
    period = _period(args)
    if isinstance(period, str):
        return problem(400, "The period was not understood.", errors=[{"parameter": "period", "detail": period}])
    data = report_queries.report(period, auth.api_user()).as_dict()
    # The schema writes the dates itself.
    data["period"] |= {"first_day": period.first_day, "last_day": period.last_day}
    return data


def _period(args: dict[str, Any]) -> periods.Period | str:
    """The period asked for, or why it cannot be reported on."""
    if args["period"] == "last-12-months":
        return periods.last_12_months()
    if args["period"] == "custom":
        first, last = args.get("start"), args.get("end")
        if first is None or last is None:
            return "A custom period needs both start and end (YYYY-MM-DD)."
        problem_found = periods.range_problem(first, last)
        return problem_found[1] if problem_found else periods.custom_period(first, last)
    quarter = periods.Quarter.parse(args["period"])
    return periods.quarter_period(quarter) if quarter else f"There is no quarter {args['period']} to report on."
