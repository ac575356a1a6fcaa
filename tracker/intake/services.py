"""Triage: a coordinator accepts an imported item (it becomes a consultation) or dismisses it.
Like every service here they check, change, log and flush; the views commit."""

from __future__ import annotations

from sqlalchemy import select

from tracker import activity
from tracker.auth.permissions import require
from tracker.consultations import services as consultation_services
from tracker.consultations.services import ConsultationData
from tracker.documents.queue import read_after_commit
from tracker.errors import InvalidTransition, one_line
from tracker.extensions import db
from tracker.intake.sources import item_url
from tracker.models import Consultation, IssuerType, User, WorkArea
from tracker.models import Source as ConsultationSource
from tracker.models.intake import IntakeItem, ItemSource, ItemState
from tracker.timeutil import utcnow

# Per item source: the consultation's source, its issuer type, the inbox's name in the log.
CONSULTATION_FROM = {
    ItemSource.GOVUK: (ConsultationSource.GOVUK, IssuerType.GOVERNMENT_DEPARTMENT, "GOV.UK"),
    ItemSource.COMMITTEES: (ConsultationSource.COMMITTEES, IssuerType.SELECT_COMMITTEE, "select committee"),
}


def _require_coordinator(actor: User) -> None:
    require(actor, "coordinators", "triage imported consultations")


def accept_item(actor: User, item: IntakeItem, work_area: WorkArea | None = None) -> Consultation:
    """The item becomes a consultation in status `new`, in the chosen (or suggested) work area."""
    _require_coordinator(actor)
    if item.state != ItemState.PENDING:
        raise InvalidTransition(f"This item is already {item.state_enum.label.lower()}.")
    source, issuer_type, label = CONSULTATION_FROM[item.source_enum]
    if item.closes_at is None:
        raise InvalidTransition(f"{item.source_label} gave no closing date for this item, so it cannot be tracked.")
    area = work_area or item.suggested_work_area
    existing = db.session.scalar(
        select(Consultation).where(
            Consultation.source == source.value, Consultation.external_id == item.content_id
        )
    )
    if existing is not None:
        consultation = existing
    else:
        data = ConsultationData(
            title=item.title,
            issuing_organisation=(item.organisation_text or item.source_label)[:200],
            issuer_type=issuer_type,
            closes_at=item.closes_at,
            url=item_url(item)[:500],
            summary=item.summary,
            opened_at=item.opened_at,
        )
        # The importer is the author of the facts (actor None): a closed item may still be
        # tracked, e.g. to follow its outcome. Who accepted it is logged just below.
        consultation = consultation_services.create_consultation(
            None, data, source=source, external_id=item.content_id, work_area=area
        )
    item.state = ItemState.ACCEPTED.value
    item.consultation = consultation
    item.decided_by = actor
    item.decided_at = utcnow()
    activity.record(
        "govuk_accept", actor=actor, consultation=consultation,
        message=f"Accepted from the inbox: a {label} item ({area.name if area else 'no work area'})",
        after={("govuk_content_id" if item.source == ItemSource.GOVUK else "committee_business_id"): item.content_id,
               "work_area": area.name if area else None},
    )
    db.session.flush()
    # Its documents are read in the background once this is committed (tracker/documents/).
    read_after_commit(db.session(), consultation.id)
    return consultation


def checked_reason(reason: str) -> str:
    """A dismissal's reason, on one line, or refused on the reason field."""
    return one_line(reason, field="reason", limit=1000,
                    missing="Give a reason for dismissing it, so colleagues can see why.",
                    too_long="Keep the reason to 1,000 characters or fewer.")


def dismiss_item(actor: User, item: IntakeItem, reason: str) -> None:
    _require_coordinator(actor)
    reason = checked_reason(reason)
    if item.state != ItemState.PENDING:
        raise InvalidTransition(f"This item is already {item.state_enum.label.lower()}.")
    item.state = ItemState.DISMISSED.value
    item.dismissal_reason = reason
    item.decided_by = actor
    item.decided_at = utcnow()
    activity.record(
        "govuk_dismiss", actor=actor, subject_type="intake_item", subject_id=item.id,
        message=f"Dismissed “{item.title}” ({item.source_label}) from the inbox: {reason}",
        after={"state": item.state, "reason": reason},
    )
    db.session.flush()

