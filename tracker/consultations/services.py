"""Consultation verbs: they check, change, log and flush; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from tracker import activity, locking
from tracker.auth.permissions import require
from tracker.consultations import notifications, workflow
from tracker.errors import AlreadyThere, DomainError, Stale
from tracker.extensions import db
from tracker.models import (
    OPEN_STATUSES,
    City,
    Consultation,
    Decision,
    IssuerType,
    Role,
    Source,
    Status,
    User,
    WorkArea,
)
from tracker.models.consultation import MAX_SUMMARY
from tracker.timeutil import default_internal_deadline, to_uk, uk_today, utcnow
from tracker.urls import is_web_address

EDITABLE_FIELDS = ("title", "issuing_organisation", "issuer_type", "url", "summary", "opened_at", "closes_at")
ASSIGNMENT_FIELDS = ("work_area_id", "lead_city_id", "policy_lead_id", "internal_deadline")


IMPORTED_MESSAGES = {Source.GOVUK: "Imported from GOV.UK",
                     Source.COMMITTEES: "Imported from a Parliament select committee"}


@dataclass
class ConsultationData:
    title: str
    issuing_organisation: str
    closes_at: datetime
    url: str = ""
    summary: str = ""
    opened_at: datetime | None = None
    # None: a government department for a new one, unchanged for an edit (the importer's).
    issuer_type: IssuerType | None = None


def _validate(data: ConsultationData, *, now: datetime | None = None, allow_past: bool = False) -> None:
    if not data.title.strip():
        raise DomainError("Enter the consultation's title.", field="title")
    if len(data.title.strip()) > 300:
        raise DomainError("The title must be 300 characters or fewer.", field="title")
    if len(data.summary.strip()) > MAX_SUMMARY:
        raise DomainError(f"The summary must be {MAX_SUMMARY:,} characters or fewer.", field="summary")
    if not data.issuing_organisation.strip():
        raise DomainError("Enter the organisation that issued the consultation.", field="issuing_organisation")
    if data.closes_at.tzinfo is None:
        raise DomainError("The closing time must have a time zone.", field="closes_time")
    if not allow_past and data.closes_at <= (now or utcnow()):
        raise DomainError("The closing date must be in the future.", field="closes_on")
    if data.opened_at and data.opened_at > data.closes_at:
        raise DomainError("The opening date must be before the closing date.", field="opened_on")
    if data.url and not is_web_address(data.url):
        raise DomainError("The link must start with http:// or https://.", field="url")


def _refuse_a_second_copy(url: str, consultation: Consultation | None = None) -> None:
    """Logging by hand a consultation the tracker already has (same link) would split its work."""
    if not url:
        return
    stmt = select(Consultation.id, Consultation.title).where(Consultation.url == url)
    if consultation is not None:
        stmt = stmt.where(Consultation.id != consultation.id)
    existing = db.session.execute(stmt.limit(1)).first()
    if existing is not None:
        raise AlreadyThere(f"This link is already in the tracker, as “{existing.title}”. Open that "
                           "consultation instead of logging it again.", "url", existing_id=existing.id)


def create_consultation(
    actor: User | None,
    data: ConsultationData,
    *,
    source: Source = Source.MANUAL,
    external_id: str | None = None,
    work_area: WorkArea | None = None,
) -> Consultation:
    """Log a consultation by hand (actor is a coordinator) or from an import (actor None)."""
    if actor is not None:
        require(actor, "coordinators")
    _validate(data, allow_past=actor is None)
    if actor is not None:
        _refuse_a_second_copy(data.url.strip())
    consultation = Consultation(
        title=data.title.strip(),
        issuing_organisation=data.issuing_organisation.strip(),
        issuer_type=(data.issuer_type or IssuerType.GOVERNMENT_DEPARTMENT).value,
        url=data.url.strip(),
        summary=data.summary.strip(),
        opened_at=data.opened_at,
        closes_at=data.closes_at,
        source=source.value,
        external_id=external_id,
        status=Status.NEW.value,
        work_area=work_area,
        created_by=actor,
    )
    db.session.add(consultation)
    db.session.flush()
    activity.record(
        "create",
        actor=actor,
        consultation=consultation,
        message=IMPORTED_MESSAGES.get(source, "Logged the consultation"),
        after=activity.snapshot(consultation, EDITABLE_FIELDS),
    )
    return consultation


def update_consultation(
    actor: User | None, consultation: Consultation, data: ConsultationData, *, seen_version: int | None = None
) -> bool:
    """Edit the facts of a consultation. Returns whether anything changed.

    ``seen_version``: the version the edit page showed (None for the importer)."""
    if actor is not None:
        require(actor, "coordinators")
    # First: an edit made on an older page must not put back what someone else changed since.
    locking.check_seen(consultation, seen_version)
    closes_changed = data.closes_at != consultation.closes_at
    # A closing date already in the past may be kept as it is; a new one must be in the future.
    _validate(data, allow_past=actor is None or not closes_changed)
    if actor is not None and data.url.strip() != consultation.url:
        _refuse_a_second_copy(data.url.strip(), consultation)
    fields = (*EDITABLE_FIELDS, "internal_deadline")
    before = activity.snapshot(consultation, fields)
    consultation.title = data.title.strip()
    consultation.issuing_organisation = data.issuing_organisation.strip()
    if data.issuer_type is not None:
        consultation.issuer_type = data.issuer_type.value
    consultation.url = data.url.strip()
    consultation.summary = data.summary.strip()
    consultation.opened_at = data.opened_at
    consultation.closes_at = data.closes_at
    moved_deadline = ""
    if consultation.internal_deadline and consultation.internal_deadline > to_uk(data.closes_at).date():
        # Brought forward past our own deadline: the internal one cannot stay after closing.
        consultation.internal_deadline = proposed_internal_deadline(consultation)
        moved_deadline = f"; internal deadline moved to {consultation.internal_deadline:%-d %B %Y}"
    old, new = activity.changes(before, activity.snapshot(consultation, fields))
    if not new:
        return False
    locking.claim(consultation)
    message = "Edited the details"
    if "closes_at" in new:
        message = f"Closing date changed to {to_uk(data.closes_at):%-d %B %Y %H:%M}{moved_deadline}"
    activity.record("edit", actor=actor, consultation=consultation, message=message, before=old, after=new)
    return True


def triage(
    actor: User, consultation: Consultation, decision: Decision | str, reason: str, *, seen_version: int | None = None
) -> Status:
    locking.check_seen(consultation, seen_version)
    decision = Decision(decision)
    reason = reason.strip()
    if decision != Decision.RESPOND and not reason:
        raise DomainError("Give a reason for not responding, so members can see why.", field="reason")
    workflow.check(actor, consultation, "triage")
    locking.claim(consultation)
    before = {"decision": consultation.decision, "decision_reason": consultation.decision_reason}
    consultation.decision = decision.value
    consultation.decision_reason = reason
    return workflow.apply(
        consultation,
        "triage",
        actor,
        target=workflow.TRIAGE_TARGETS[decision.value],
        message=f"Triaged: {decision.label.lower()}" + (f" ({reason})" if reason else ""),
        before=before,
        after={"decision": decision.value, "decision_reason": reason},
    )


def proposed_city(work_area: WorkArea | None) -> City | None:
    return work_area.lead_city if work_area else None


def proposed_internal_deadline(consultation: Consultation) -> date:
    return proposed_deadline_for(consultation.closes_at)


def proposed_deadline_for(closes_at: datetime) -> date:
    """The internal deadline proposed for a closing time (also before the consultation exists:
    the inbox's accept-and-assign page proposes it for an imported item)."""
    days = current_app.config["INTERNAL_DEADLINE_WORKING_DAYS"]
    standard = default_internal_deadline(closes_at, days)
    closing_day = to_uk(closes_at).date()
    if closing_day < uk_today():
        return standard  # closed already (recorded after the event): nothing left to chase
    # Never a day already passed (it would be escalated as overdue at once), never after closing.
    return min(max(standard, uk_today()), closing_day)


def assign(
    actor: User,
    consultation: Consultation,
    *,
    work_area: WorkArea,
    city: City | None,
    policy_lead: User | None,
    internal_deadline: date | None,
    seen_version: int | None = None,
) -> Status:
    """Hand the consultation to a lead city and one of its policy leads, and tell them (and, on a
    reassignment, the previous lead)."""
    locking.check_seen(consultation, seen_version)
    workflow.check(actor, consultation, "assign")
    city = city or proposed_city(work_area)
    if city is None:
        raise DomainError(f"{work_area.name} has no lead city yet: choose the city that will lead.", field="city")
    if policy_lead is not None:
        if policy_lead.role != Role.POLICY_LEAD or not policy_lead.is_enabled:
            raise DomainError(f"{policy_lead.name} is not an active policy lead.", field="policy_lead")
        if policy_lead.city_id != city.id:
            raise DomainError(f"{policy_lead.name} is not a policy lead of {city.name}.", field="policy_lead")
    deadline = internal_deadline or proposed_internal_deadline(consultation)
    if internal_deadline is not None and deadline < uk_today() and deadline != consultation.internal_deadline:
        # A typed deadline already passed would be escalated at once as overdue; one set
        # earlier and now passed may stay as it is on a reassignment.
        raise DomainError("The internal deadline must be today or in the future.", field="internal_deadline")
    if deadline > to_uk(consultation.closes_at).date():
        raise DomainError("The internal deadline must be on or before the government's closing date.",
                          field="internal_deadline")
    locking.claim(consultation)
    before = activity.snapshot(consultation, ASSIGNMENT_FIELDS)
    consultation.work_area = work_area
    consultation.work_area_id = work_area.id
    consultation.lead_city = city
    consultation.lead_city_id = city.id
    consultation.policy_lead = policy_lead
    consultation.policy_lead_id = policy_lead.id if policy_lead else None
    consultation.internal_deadline = deadline
    old, new = activity.changes(before, activity.snapshot(consultation, ASSIGNMENT_FIELDS))
    lead_text = f", policy lead {policy_lead.name}" if policy_lead else ""
    status = workflow.apply(
        consultation,
        "assign",
        actor,
        target=Status.ASSIGNED if consultation.status == Status.TRIAGED else None,
        message=f"Assigned to {city.name}{lead_text}, internal deadline {deadline:%-d %B %Y}",
        before=old,
        after=new,
    )
    if new:
        notifications.assigned(actor, consultation, before=before)
    return status


def simple_transition(
    actor: User | None, consultation: Consultation, name: str, message: str = "", *, seen_version: int | None = None
) -> Status:
    """Transitions that carry no data of their own (start drafting, mark missed, withdraw)."""
    if name in {"triage", "assign"}:
        raise DomainError(f"“{name}” needs its form.")
    return workflow.apply(consultation, name, actor, message=message, seen_version=seen_version)


def mark_missed_consultations(now: datetime | None = None) -> list[int]:
    """Consultations whose closing time has passed with no submission become missed."""
    now = now or utcnow()
    rows = db.session.scalars(
        select(Consultation).where(
            Consultation.status.in_([s.value for s in OPEN_STATUSES]),
            Consultation.closes_at < now,
        )
    ).all()
    missed = []
    for consultation in rows:
        try:
            workflow.apply(consultation, "mark_missed", None, message="Closed without a submitted response")
        except Stale:
            # Someone changed it since this query read it (submitted it, say): the next sweep
            # looks again at the row as it is then.
            continue
        missed.append(consultation.id)
    return missed
