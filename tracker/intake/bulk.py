"""Triage in bulk: several items dismissed with one reason, or accepted one after another with
the decision and the assignment made on the item's own form. The rules are the existing ones:
accepting and dismissing are intake/services.py's, the decision and the assignment are
consultations/services.py's `triage` and `assign`. Like every service, they flush; the views commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import cast

from sqlalchemy import CursorResult, update

from tracker.auth.permissions import require
from tracker.consultations import services as consultation_services
from tracker.errors import DomainError, InvalidTransition
from tracker.extensions import db
from tracker.intake import services
from tracker.models import City, Consultation, Decision, User, WorkArea
from tracker.models.intake import IntakeItem, ItemState
from tracker.timeutil import utcnow


@dataclass
class Assignment:
    """What the accept-and-assign form chose (the work area also for monitor only and no response)."""

    work_area: WorkArea | None
    city: City | None = None
    policy_lead: User | None = None
    internal_deadline: date | None = None


@dataclass
class Dismissed:
    count: int = 0
    # Items someone else decided meanwhile, each in words.
    skipped: list[str] = field(default_factory=list)


def decided_meanwhile(item: IntakeItem) -> str:
    """Why an item is no longer to triage, in words (it was pending when the list was drawn)."""
    if item.state == ItemState.WITHDRAWN:
        return f"“{item.title}” was withdrawn by {item.source_label} meanwhile"
    who = f" by {item.decided_by.name}" if item.decided_by else ""
    return f"“{item.title}” was already {item.state_enum.label.lower()}{who} meanwhile"


def _claim(actor: User, item: IntakeItem) -> None:
    """Take a pending item for this transaction, or refuse it saying who decided it. The item's
    state is its version: a compare-and-set UPDATE makes a colleague deciding it at the same
    moment wait for this commit and then find it decided."""
    require(actor, "coordinators", "triage imported consultations")
    if item.state == ItemState.PENDING:
        result = cast(CursorResult[object], db.session.execute(
            update(IntakeItem)
            .where(IntakeItem.id == item.id, IntakeItem.state == ItemState.PENDING.value)
            .values(decided_at=utcnow())
            .execution_options(synchronize_session=False)
        ))
        if result.rowcount == 1:
            return
        db.session.refresh(item)
    raise InvalidTransition(decided_meanwhile(item) + ": skipped.")


def accept_and_assign(actor: User, item: IntakeItem, decision: Decision | str, reason: str,
                      assignment: Assignment) -> Consultation:
    """The item becomes a consultation, triaged and (to respond) assigned, in one step."""
    _claim(actor, item)
    decision = Decision(decision)
    if decision == Decision.RESPOND and assignment.work_area is None:
        raise DomainError("Choose the work area: its lead city is proposed to lead the response.",
                          field="work_area")
    consultation = services.accept_item(actor, item, work_area=assignment.work_area)
    consultation_services.triage(actor, consultation, decision, reason)
    if decision == Decision.RESPOND:
        assert assignment.work_area is not None
        consultation_services.assign(
            actor, consultation, work_area=assignment.work_area, city=assignment.city,
            policy_lead=assignment.policy_lead, internal_deadline=assignment.internal_deadline,
        )
    return consultation


def dismiss_items(actor: User, items: list[IntakeItem], reason: str) -> Dismissed:
    """Dismiss each item still to triage with the same reason; those decided meanwhile are skipped."""
    require(actor, "coordinators", "triage imported consultations")
    reason = services.checked_reason(reason)
    done = Dismissed()
    for item in items:
        try:
            _claim(actor, item)
        except InvalidTransition:
            done.skipped.append(decided_meanwhile(item))
            continue
        services.dismiss_item(actor, item, reason)
        done.count += 1
    return done
