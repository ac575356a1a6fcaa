"""What /api/v1 reads, as plain data for its schemas: the list's and the consultation page's own
queries (consultations/queries.py, drafts/queries.py), put into the API's words."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from tracker.consultations import queries as consultation_queries
from tracker.documents import queries as document_queries
from tracker.drafts import queries as draft_queries
from tracker.models import STATUS_LABELS, Status
from tracker.timeutil import to_uk
from tracker.urls import external_url


def _uk(value: datetime | None) -> datetime | None:
    return to_uk(value) if value is not None else None


def _ref(id_: int | None, name: str | None) -> dict[str, Any] | None:
    return {"id": id_, "name": name} if id_ is not None else None


def consultation_page(filters: consultation_queries.ListFilters, page: int, per_page: int,
                      href: Callable[[int], str]) -> dict[str, Any]:
    """One page of the list, in the list page's order, with its links (``href`` makes a page's)."""
    found = consultation_queries.list_consultations(filters, page, per_page)
    item_url = external_url("api_v1.consultation", consultation_id=0).rsplit("/", 1)[0]
    return {
        "items": [{
            "id": row.id, "title": row.title, "issuing_organisation": row.issuing_organisation,
            "status": row.status, "status_label": STATUS_LABELS[Status(row.status)],
            "closes_at": to_uk(row.closes_at), "internal_deadline": row.internal_deadline,
            "lead_city": _ref(row.lead_city_id, row.lead_city_name),
            "policy_lead": _ref(row.policy_lead_id, row.policy_lead_name),
            "url": f"{item_url}/{row.id}",
        } for row in found.items],
        "total": found.total, "page": found.number, "per_page": found.size, "pages": found.pages,
        "links": {
            "self": href(found.number), "first": href(1), "last": href(found.pages),
            "prev": href(found.number - 1) if found.number > 1 else None,
            "next": href(found.number + 1) if found.number < found.pages else None,
        },
    }


def consultation(consultation_id: int) -> dict[str, Any] | None:
    """One consultation with its deadlines, assignment, response status and outcome (two
    statements: the consultation with its people, then its draft, submission and outcome), and
    what was read of its documents (two more: its ways to respond and documents, its questions)."""
    c = consultation_queries.get_consultation(consultation_id)
    if c is None:
        return None
    draft = draft_queries.draft_of(c)
    submission = draft.submission
    response = draft.response
    return {
        "id": c.id, "title": c.title, "issuing_organisation": c.issuing_organisation, "summary": c.summary,
        "url": c.url, "source": c.source, "status": c.status, "status_label": c.status_label,
        "work_area": _ref(c.work_area.id, c.work_area.name) if c.work_area else None,
        "deadlines": {"opened_at": _uk(c.opened_at), "closes_at": to_uk(c.closes_at),
                      "internal_deadline": c.internal_deadline},
        "assignment": {
            "decision": c.decision, "decision_reason": c.decision_reason,
            "lead_city": _ref(c.lead_city.id, c.lead_city.name) if c.lead_city else None,
            "policy_lead": _ref(c.policy_lead.id, c.policy_lead.name) if c.policy_lead else None,
        },
        "response": None if response is None else {
            "mode": response.mode, "current_version": response.current_number,
            "approved_version": response.approved_number,
            "submission": None if submission is None else {
                "submitted_at": to_uk(submission.submitted_at), "method": submission.method,
                "reference": submission.reference,
                "version": submission.version.number if submission.version else None,
            },
        },
        "outcome": None if draft.outcome is None else {
            "published_on": draft.outcome.published_on, "url": draft.outcome.url,
            "taken_up": draft.outcome.taken_up, "notes": draft.outcome.notes,
        },
        "version": c.version, "updated_at": to_uk(c.updated_at),
        "page_url": external_url("consultations.detail", consultation_id=c.id),
        **document_queries.api_view(c.id),
    }


def work_areas() -> list[dict[str, Any]]:
    return [{"id": a.id, "name": a.name, "slug": a.slug, "description": a.description,
             "lead_city": _ref(a.lead_city.id, a.lead_city.name) if a.lead_city else None}
            for a in consultation_queries.work_areas()]


def cities() -> list[dict[str, Any]]:
    return [{"id": c.id, "name": c.name, "slug": c.slug, "nation": c.nation, "is_member": c.is_member}
            for c in consultation_queries.cities()]
