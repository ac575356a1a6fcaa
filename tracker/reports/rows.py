"""One row per consultation, for downloads: the consultation list's (with its filters) and the
consultations a report counts. The rows are plain tuples read in batches from one statement,
never a whole table of ORM objects.

The columns, in this order (names stable: spreadsheets and scripts refer to them):

- ``consultation_id``, ``title``, ``issuing_organisation``
- ``status`` (as the pages name it: "Submitted", "Monitor only", ...), ``decision``
  ("Respond", "Monitor only", "No response", or empty before triage)
- ``work_area``, ``lead_city``, ``policy_lead``
- ``received_at`` (logged or imported, UK time), ``opened_at``, ``closes_at`` (UK time),
  ``internal_deadline`` (a UK date)
- ``submitted_at`` (UK time), ``submitted_by_internal_deadline`` and ``submitted_before_closing``
  ("Yes"/"No", empty when not submitted), ``supporting_cities`` (a number)
- ``outcome_published_on`` (a UK date), ``taken_up`` ("Yes", "Partly", "No")
- ``govuk_url``, ``tracker_url``
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import aliased

from tracker.exports import Cell
from tracker.extensions import db
from tracker.models import STATUS_LABELS, City, Consultation, Decision, Status, User, WorkArea
from tracker.models.drafts import CitySupport, Outcome, Submission, TakenUp
from tracker.timeutil import to_uk
from tracker.urls import external_url

COLUMNS: tuple[str, ...] = (
    "consultation_id", "title", "issuing_organisation", "status", "decision",
    "work_area", "lead_city", "policy_lead",
    "received_at", "opened_at", "closes_at", "internal_deadline",
    "submitted_at", "submitted_by_internal_deadline", "submitted_before_closing", "supporting_cities",
    "outcome_published_on", "taken_up", "govuk_url", "tracker_url",
)
# Rows fetched from the database at a time.
BATCH = 1000

_LeadCity = aliased(City, name="export_lead_city")
_PolicyLead = aliased(User, name="export_policy_lead")
_supporters = (select(func.count()).where(CitySupport.consultation_id == Consultation.id)
               .correlate(Consultation).scalar_subquery())


def _statement(where: Sequence[ColumnElement[bool]]) -> Any:
    return (
        select(
            Consultation.id, Consultation.title, Consultation.issuing_organisation, Consultation.status,
            Consultation.decision, WorkArea.name, _LeadCity.name, _PolicyLead.name,
            Consultation.created_at, Consultation.opened_at, Consultation.closes_at,
            Consultation.internal_deadline, Submission.submitted_at, _supporters,
            Outcome.published_on, Outcome.taken_up, Consultation.url,
        )
        .outerjoin(WorkArea, WorkArea.id == Consultation.work_area_id)
        .outerjoin(_LeadCity, _LeadCity.id == Consultation.lead_city_id)
        .outerjoin(_PolicyLead, _PolicyLead.id == Consultation.policy_lead_id)
        .outerjoin(Submission, Submission.consultation_id == Consultation.id)
        .outerjoin(Outcome, Outcome.consultation_id == Consultation.id)
        .where(*where)
        .order_by(Consultation.closes_at, Consultation.id)
    )


def count(where: Sequence[ColumnElement[bool]], params: dict[str, Any] | None = None) -> int:
    """How many rows consultation_rows() would give."""
    return int(db.session.scalar(select(func.count()).select_from(Consultation).where(*where), params or {}) or 0)


def consultation_rows(where: Sequence[ColumnElement[bool]], params: dict[str, Any] | None = None
                      ) -> Iterator[tuple[Cell, ...]]:
    """The download's rows of the consultations matching ``where`` (bound with ``params``), in
    closing order, read ``BATCH`` at a time."""
    # The consultation page's address is the list's and the id (consultations/routes): built once.
    pages = external_url("consultations.index")
    result = db.session.execute(_statement(where).execution_options(yield_per=BATCH), params or {})
    for (cid, title, organisation, status, decision, area, city, lead, received, opened, closes,
         deadline, submitted, supporters, outcome_on, taken_up, url) in result:
        by_deadline: bool | None = None
        before_closing: bool | None = None
        if submitted is not None:
            # The same rules as the reports' counts (reports/queries.py).
            by_deadline = deadline is not None and to_uk(submitted).date() <= deadline
            before_closing = submitted <= closes
        yield (
            cid, title, organisation, STATUS_LABELS[Status(status)],
            Decision(decision).label if decision else None,
            area, city, lead, received, opened, closes, deadline,
            submitted, by_deadline, before_closing, int(supporters or 0),
            outcome_on, TakenUp(taken_up).label if taken_up else None,
            url or None, f"{pages}{cid}",
        )
