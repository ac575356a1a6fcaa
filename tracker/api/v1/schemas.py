"""The shapes of /api/v1: marshmallow schemas that both dump the responses and document them in
the OpenAPI document (flask-smorest builds it from these)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields
from marshmallow.validate import Length, OneOf, Range, Regexp

from tracker.consultations import queries as consultation_queries
from tracker.models import Decision, Source, Status
from tracker.models.drafts import ResponseMode, SubmissionMethod, TakenUp
from tracker.pagination import MAX_PAGE
from tracker.routing import MAX_ID

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 25
STATUS_FILTERS = [consultation_queries.OPEN_FILTER, *(s.value for s in Status)]


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details: every error of the API."""

    type = fields.String(required=True, metadata={"description": "Always about:blank: the status says it all"})
    title = fields.String(required=True, metadata={"description": "The HTTP status's phrase"})
    status = fields.Integer(required=True, metadata={"description": "The HTTP status code"})
    detail = fields.String(required=True, metadata={"description": "What went wrong, in words"})
    errors = fields.List(fields.Nested(lambda: ParameterErrorSchema()), metadata={
        "description": "For a 400: each query parameter that was not understood"})


class ParameterErrorSchema(ma.Schema):
    parameter = fields.String(required=True)
    detail = fields.String(required=True)


class RefSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


def _ref(description: str) -> fields.Nested:
    return fields.Nested(RefSchema, allow_none=True, required=True, metadata={"description": description})


class CitySchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    slug = fields.String(required=True)
    nation = fields.String(required=True, metadata={"description": "England or Wales"})
    is_member = fields.Boolean(required=True)


class CityListSchema(ma.Schema):
    items = fields.List(fields.Nested(CitySchema), required=True)


class WorkAreaSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    slug = fields.String(required=True)
    description = fields.String(required=True)
    lead_city = _ref("The member city that leads the area")


class WorkAreaListSchema(ma.Schema):
    items = fields.List(fields.Nested(WorkAreaSchema), required=True)


def _status() -> fields.String:
    return fields.String(required=True, validate=OneOf([s.value for s in Status]))

_INSTANT = {"description": "An instant in ISO 8601 with its UK offset (+00:00 in winter, +01:00 in summer)"}


class ConsultationSummarySchema(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    issuing_organisation = fields.String(required=True)
    status = _status()
    status_label = fields.String(required=True)
    closes_at = fields.DateTime(required=True, metadata={**_INSTANT, "description": "The government's deadline. "
                                                         + _INSTANT["description"]})
    internal_deadline = fields.Date(required=True, allow_none=True, metadata={
        "description": "The network's own deadline (a UK date)"})
    lead_city = _ref("The member city drafting the response")
    policy_lead = _ref("The officer leading the response")
    url = fields.String(required=True, metadata={"description": "This consultation in the API"})


class PageLinksSchema(ma.Schema):
    self = fields.String(required=True)
    first = fields.String(required=True)
    last = fields.String(required=True)
    prev = fields.String(required=True, allow_none=True)
    next = fields.String(required=True, allow_none=True)


class ConsultationPageSchema(ma.Schema):
    items = fields.List(fields.Nested(ConsultationSummarySchema), required=True)
    total = fields.Integer(required=True, metadata={"description": "How many consultations match the filters"})
    page = fields.Integer(required=True, metadata={"description": "This page's number (a page past the last is "
                                                                   "answered with the last)"})
    per_page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    links = fields.Nested(PageLinksSchema, required=True)


class ConsultationListArgsSchema(ma.Schema):
    """The consultation list's filters, as on the list page. An empty value means the filter is
    not set, as the list page's form sends it, so an address copied from the page works here."""

    class Meta:
        unknown = ma.EXCLUDE

    @ma.pre_load
    def _empty_is_unset(self, data: Any, **kwargs: Any) -> dict[str, Any]:
        return {key: data.get(key) for key in data if (data.get(key) or "").strip()}

    status = fields.String(validate=OneOf(STATUS_FILTERS), metadata={
        "description": "A status, or “open” for every status with work still to do. Empty: any"})
    work_area = fields.Integer(validate=Range(1, MAX_ID), metadata={"description": "A work area's id. Empty: any"})
    city = fields.Integer(validate=Range(1, MAX_ID), metadata={"description": "The lead city's id. Empty: any"})
    closing = fields.String(validate=OneOf(list(consultation_queries.WINDOWS)), metadata={
        "description": "; ".join(f"“{k}”: {v}" for k, v in consultation_queries.WINDOWS.items())
        + ". Empty: any time"})
    # No control characters (refused in any query string: tracker/routing.py).
    q = fields.String(validate=[Length(max=200), Regexp(r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$")],
                      metadata={"description": "Words in the title or organisation. Empty: no search"})
    page = fields.Integer(load_default=1, validate=Range(1, MAX_PAGE))
    per_page = fields.Integer(load_default=DEFAULT_PER_PAGE, validate=Range(1, MAX_PER_PAGE))


class DeadlinesSchema(ma.Schema):
    opened_at = fields.DateTime(required=True, allow_none=True, metadata=_INSTANT)
    closes_at = fields.DateTime(required=True, metadata={"description": "The government's deadline. "
                                                         + _INSTANT["description"]})
    internal_deadline = fields.Date(required=True, allow_none=True, metadata={
        "description": "The network's own deadline (a UK date)"})


class AssignmentSchema(ma.Schema):
    decision = fields.String(required=True, allow_none=True, validate=OneOf([d.value for d in Decision]))
    decision_reason = fields.String(required=True)
    lead_city = _ref("The member city drafting the response")
    policy_lead = _ref("The officer leading the response")


class SubmissionSchema(ma.Schema):
    submitted_at = fields.DateTime(required=True, metadata=_INSTANT)
    method = fields.String(required=True, validate=OneOf([m.value for m in SubmissionMethod]))
    reference = fields.String(required=True)
    version = fields.Integer(required=True, allow_none=True, metadata={
        "description": "The number of the frozen version that was submitted"})


class ResponseStatusSchema(ma.Schema):
    mode = fields.String(required=True, validate=OneOf([m.value for m in ResponseMode]))
    current_version = fields.Integer(required=True, metadata={
        "description": "The latest saved version's number (0 before the first save)"})
    approved_version = fields.Integer(required=True, allow_none=True)
    submission = fields.Nested(SubmissionSchema, required=True, allow_none=True)


class OutcomeSchema(ma.Schema):
    published_on = fields.Date(required=True)
    url = fields.String(required=True)
    taken_up = fields.String(required=True, validate=OneOf([t.value for t in TakenUp]), metadata={
        "description": "Did the government take up the network's asks"})
    notes = fields.String(required=True)


class QuestionSourceSchema(ma.Schema):
    title = fields.String(required=True, metadata={"description": "The document it was found in"})
    url = fields.String(required=True, metadata={"description": "That document's address"})
    where = fields.String(required=True, metadata={"description": "The heading or page it was found under"})


class QuestionSchema(ma.Schema):
    number = fields.String(required=True, metadata={
        "description": "As the document gives it (“4”, “2.1”); 1, 2, … in order where it gives none"})
    text = fields.String(required=True, metadata={"description": "With its sub-parts and follow-ups, plain text"})
    options = fields.List(fields.String(), required=True, metadata={
        "description": "The answers it offers (“Yes”, “No”, “Don't know”), if any"})
    source = fields.Nested(QuestionSourceSchema, required=True)


class WaysToRespondSchema(ma.Schema):
    """GOV.UK's details.ways_to_respond, as plain text; a field GOV.UK did not give is absent."""

    link_url = fields.String(metadata={"description": "The online form or survey"})
    email = fields.String(metadata={"description": "The address to send responses to"})
    postal_address = fields.String(metadata={"description": "Lines separated by newlines"})
    attachment_url = fields.String(metadata={"description": "The department's response form to download"})


class DocumentSchema(ma.Schema):
    title = fields.String(required=True)
    url = fields.String(required=True)
    status = fields.String(required=True, validate=OneOf(["read", "skipped"]))
    reason = fields.String(required=True, metadata={
        "description": "How many questions were found in it, or why it was not read"})


class ConsultationSchema(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    issuing_organisation = fields.String(required=True)
    summary = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "The consultation on GOV.UK (or elsewhere)"})
    source = fields.String(required=True, validate=OneOf([s.value for s in Source]))
    status = _status()
    status_label = fields.String(required=True)
    work_area = _ref("The network's work area")
    deadlines = fields.Nested(DeadlinesSchema, required=True)
    assignment = fields.Nested(AssignmentSchema, required=True)
    response = fields.Nested(ResponseStatusSchema, required=True, allow_none=True, metadata={
        "description": "The network's response; null before one is started"})
    outcome = fields.Nested(OutcomeSchema, required=True, allow_none=True)
    version = fields.Integer(required=True, metadata={"description": "Moves on with every change of state"})
    updated_at = fields.DateTime(required=True, metadata=_INSTANT)
    page_url = fields.String(required=True, metadata={"description": "The consultation's page in the tracker"})
    questions = fields.List(fields.Nested(QuestionSchema), required=True, metadata={
        "description": "The questions found in its documents, in order (none: an empty list)"})
    ways_to_respond = fields.Nested(WaysToRespondSchema, required=True, metadata={
        "description": "How the department asks for responses (empty when it said nothing or it was logged by hand)"})
    documents = fields.List(fields.Nested(DocumentSchema), required=True, metadata={
        "description": "Its documents on GOV.UK: read, or skipped and why (empty until they are read)"})


class ReportArgsSchema(ma.Schema):
    """Which period a report covers: as on the reports page."""

    class Meta:
        unknown = ma.EXCLUDE

    @ma.pre_load
    def _empty_is_unset(self, data: Any, **kwargs: Any) -> dict[str, Any]:
        return {key: data.get(key) for key in data if (data.get(key) or "").strip()}

    period = fields.String(load_default="last-12-months", validate=Regexp(r"^(last-12-months|custom|\d{4}-Q[1-4])$"),
                           metadata={"description": "“last-12-months” (the default), a calendar quarter in UK "
                                                    "time such as “2026-Q2”, or “custom” with start and end"})
    start = fields.Date(metadata={"description": "With period=custom: the first UK day counted"})
    end = fields.Date(metadata={"description": "With period=custom: the last UK day counted"})


def _count(description: str) -> fields.Integer:
    return fields.Integer(required=True, metadata={"description": description})


class ReportCountsSchema(ma.Schema):
    received = _count("Consultations logged or imported in the period (UK time)")
    respond = _count("Of those, decided: respond")
    monitor = _count("Decided: monitor only")
    no_response = _count("Decided: no response")
    submitted = _count("Responses submitted")
    by_internal_deadline = _count("Submitted on or before the internal deadline (UK day)")
    before_closing = _count("Submitted before the government's closing time")
    missed = _count("Closed before the network submitted")
    supporting_cities = _count("Member cities' support recorded on the submitted responses")
    outcome_published = _count("Government response published")
    taken_up_yes = _count("Outcomes whose asks were all taken up (the outcome's overall answer: yes)")
    taken_up_partly = _count("Outcomes with some asks taken up (partly)")
    taken_up_no = _count("Outcomes with no ask taken up (no)")
    average_supporting_cities = fields.Float(required=True, allow_none=True, metadata={
        "description": "Supporting cities per submitted response; null when nothing was submitted"})


class ReportRowSchema(ReportCountsSchema):
    key = fields.Raw(required=True, allow_none=True, metadata={
        "description": "A quarter (“2026-Q2”), a work area's or city's id, or null for none yet"})
    label = fields.String(required=True)


class ReportPeriodSchema(ma.Schema):
    first_day = fields.Date(required=True)
    last_day = fields.Date(required=True)
    label = fields.String(required=True)


class ReportCitySchema(ma.Schema):
    city_id = fields.Integer(required=True)
    name = fields.String(required=True)
    led = _count("Consultations the city leads")
    contributed = _count("Consultations an officer of the city contributed to")
    supported = _count("Responses the city supported")
    evidence = _count("Consultations the city gave local evidence for, asked by the lead city")


class ReportPartnerSchema(ma.Schema):
    partner_id = fields.Integer(required=True)
    name = fields.String(required=True)
    co_signed = _count("Consultations whose response it co-signed")
    partnered = _count("Consultations whose response it worked on as a partner")
    submitted = _count("Of those, submitted")


class ReportSchema(ma.Schema):
    period = fields.Nested(ReportPeriodSchema, required=True)
    scope = fields.String(required=True, validate=OneOf(["network", "city"]), metadata={
        "description": "network for coordinators and admins; city (the token's owner's) for others"})
    city = _ref("The city the report is limited to (scope city)")
    total = fields.Nested(ReportCountsSchema, required=True)
    by_quarter = fields.List(fields.Nested(ReportRowSchema), required=True)
    by_work_area = fields.List(fields.Nested(ReportRowSchema), required=True)
    by_lead_city = fields.List(fields.Nested(ReportRowSchema), required=True)
    member_cities = fields.List(fields.Nested(ReportCitySchema), required=True)
    partners = fields.List(fields.Nested(ReportPartnerSchema), required=True, metadata={
        "description": "Joint working: per partner network, the counted consultations it co-signed or partnered"})
