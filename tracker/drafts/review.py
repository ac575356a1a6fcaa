"""A draft's way out: send for review, return, approve, reopen, then the submission and outcome.

Each step checks the page's version (locking.check_seen) and the workflow's rules, changes rows,
logs, notifies and flushes; the caller commits.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from tracker import activity, locking
from tracker.auth.permissions import require
from tracker.consultations import notifications, workflow
from tracker.drafts.conversation import add_comment
from tracker.drafts.queries import (
    approved_version,
    current_version,
    get_outcome,
    get_response,
    get_submission,
)
from tracker.errors import Change, DomainError, InvalidTransition, NotFound, Stale
from tracker.extensions import db
from tracker.models import Consultation, User
from tracker.models.drafts import Outcome, Response, ResponseVersion, Submission, SubmissionMethod, TakenUp
from tracker.models.policy import ResponseAsk
from tracker.timeutil import format_date, to_uk, utcnow

E = TypeVar("E", bound=enum.Enum)


def _begin(actor: User, consultation: Consultation, step: str, seen_version: int | None) -> None:
    """Every step: refused if the page was older than the consultation, or the step not possible now."""
    locking.check_seen(consultation, seen_version)
    workflow.check(actor, consultation, step)


def _choice(enum: type[E], value: str, message: str, field: str) -> E:
    try:
        return enum(value)
    except ValueError:
        raise DomainError(message, field=field) from None


def send_for_review(actor: User, consultation: Consultation, *, seen_version: int | None = None) -> None:
    _begin(actor, consultation, "send_for_review", seen_version)
    response = get_response(consultation)
    if response is None or current_version(response) is None:
        raise DomainError("Save a first version of the draft before sending it for review.")
    workflow.apply(consultation, "send_for_review", actor, after={"version": response.current_number})
    notifications.sent_for_review(actor, consultation, response.current_number)
    db.session.flush()


def _saves_since(response: Response, number: int) -> list[Change]:
    versions = db.session.scalars(
        select(ResponseVersion)
        .options(selectinload(ResponseVersion.author).selectinload(User.city))
        .where(ResponseVersion.response_id == response.id, ResponseVersion.number > number)
        .order_by(ResponseVersion.number)
    ).all()
    return [
        Change(who=v.author.display_name if v.author else "A former user", when=v.created_at,
               what=f"Saved version {v.number}" + (f": {v.note}" if v.note else ""))
        for v in versions
    ]


def _newer_version(consultation: Consultation, response: Response, number: int) -> Stale:
    db.session.refresh(response)
    changes = _saves_since(response, number)
    return Stale(
        f"{locking.who_changed(changes)} saved version {response.current_number} after the version you "
        f"were reading (version {number}), so nothing was approved. Read version "
        f"{response.current_number} below and approve it if it is ready.",
        changes=changes,
        version=consultation.version,
    )


def approve(
    actor: User, consultation: Consultation, *, seen_version: int | None = None, number: int | None = None
) -> int:
    """Approve version ``number``, the one the coordinator read (None: the latest, for the system).

    Refused if a newer version exists or is saved at the same moment: the approval is a
    conditional UPDATE of the response on the version number, as saves are.
    """
    _begin(actor, consultation, "approve", seen_version)
    response = get_response(consultation)
    if response is None or current_version(response) is None:
        raise DomainError("There is no text to approve yet.")
    number = response.current_number if number is None else number
    if number != response.current_number:
        if number > response.current_number or number < 1:
            raise NotFound(f"There is no version {number} of this response.")
        raise _newer_version(consultation, response, number)
    locking.claim(consultation)
    result = db.session.execute(
        update(Response)
        .where(Response.id == response.id, Response.current_number == number, Response.approved_number.is_(None))
        .values(approved_number=number, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)  # an UPDATE's result: it has a rowcount
    if result.rowcount != 1:
        raise _newer_version(consultation, response, number)
    set_committed_value(response, "approved_number", number)
    workflow.apply(consultation, "approve", actor, message=f"Approved version {number}", after={"version": number})
    notifications.approved(actor, consultation, number)
    db.session.flush()
    return number


def return_for_changes(
    actor: User, consultation: Consultation, comment: str, *, seen_version: int | None = None
) -> None:
    _begin(actor, consultation, "return_to_drafting", seen_version)
    if not comment.strip():
        raise DomainError("Say what needs to change: the comment goes to the drafting team.", field="comment")
    locking.claim(consultation)
    add_comment(actor, consultation, comment, kind="return", field="comment")
    workflow.apply(consultation, "return_to_drafting", actor, message="Returned for changes")
    notifications.returned(actor, consultation, comment)
    db.session.flush()


def reopen(actor: User, consultation: Consultation, reason: str, *, seen_version: int | None = None) -> None:
    _begin(actor, consultation, "reopen", seen_version)
    if not reason.strip():
        raise DomainError("Give a reason for reopening the approved draft.", field="reason")
    locking.claim(consultation)
    response = get_response(consultation)
    before = {"approved_version": response.approved_number if response else None}
    if response is not None:
        response.approved_number = None
    workflow.apply(consultation, "reopen", actor, message=f"Reopened: {reason.strip()}", before=before)
    notifications.reopened(actor, consultation, reason)
    db.session.flush()


# --- submission and outcome ------------------------------------------------------------


def record_submission(
    actor: User, consultation: Consultation, *, method: str, submitted_at: datetime, reference: str,
    seen_version: int | None = None,
) -> Submission:
    """Record how the approved version went to the government; that version is frozen."""
    _begin(actor, consultation, "submit", seen_version)
    method_enum = _choice(SubmissionMethod, method, "Choose how the response was submitted.", "method")
    if submitted_at.tzinfo is None:
        raise DomainError("The submission time must have a time zone.", field="submitted_time")
    problem = submission_time_problem(submitted_at)
    if problem:
        raise DomainError(problem, field="submitted_on")
    locking.claim(consultation)
    # Approved on this page or by the consultation page's generic transition: either way the
    # latest version is the approved one.
    version = approved_version(get_response(consultation))
    if version is None:
        raise DomainError("There is no approved version to submit.")
    if get_submission(consultation) is not None:
        raise DomainError("A submission is already recorded for this consultation.")
    submission = Submission(
        consultation_id=consultation.id, version_id=version.id, method=method_enum.value,
        submitted_at=submitted_at, reference=reference.strip()[:200], recorded_by_id=actor.id,
    )
    db.session.add(submission)
    # The asks the response made are paged on their ask's page by when it went in (ResponseAsk).
    db.session.execute(update(ResponseAsk).where(ResponseAsk.consultation_id == consultation.id)
                       .values(submitted_at=submitted_at))
    workflow.apply(
        consultation, "submit", actor, message=f"Submitted version {version.number} by {method_enum.label.lower()}",
        after={"version": version.number, "method": method_enum.value, "submitted_at": submitted_at.isoformat(),
               "reference": submission.reference},
    )
    db.session.flush()
    notifications.submitted(actor, consultation, submission, version.number)
    return submission


def submission_time_problem(submitted_at: datetime) -> str | None:
    """Why the submission cannot have been made then, or None (the form shows it beside the
    form's other errors; record_submission refuses it too)."""
    if submitted_at > utcnow():
        return "Date and time submitted must be now or in the past"
    return None


def outcome_date_problem(consultation: Consultation, published_on: date) -> str | None:
    """Why the government cannot have answered on that day, or None: not before the network's
    response went in."""
    submission = get_submission(consultation)
    if submission is None:
        return None
    submitted_on = to_uk(submission.submitted_at).date()
    if published_on < submitted_on:
        return (f"Date published must be the same as or after {format_date(submitted_on)}, "
                "when the response was submitted")
    return None


def _outcome_facts(consultation: Consultation, url: str, published_on: date, taken_up: str) -> tuple[str, TakenUp]:
    """An outcome's link and overall take-up, checked (the date too)."""
    taken = _choice(TakenUp, taken_up, "Say whether the network's asks were taken up: yes, partly or no.", "taken_up")
    url = url.strip()
    if url and not url.lower().startswith(("http://", "https://")):
        raise DomainError("The link must start with http:// or https://.", field="url")
    problem = outcome_date_problem(consultation, published_on)
    if problem:
        raise DomainError(problem, field="published_on")
    return url, taken


def correct_outcome(
    actor: User, consultation: Consultation, *, url: str, published_on: date, taken_up: str, notes: str,
    seen_version: int | None,
) -> bool:
    """A coordinator corrects the recorded outcome (a wrong date, link or take-up), on the version
    the page showed; what changed goes to the history. Returns whether anything changed."""
    require(actor, "coordinators", "correct an outcome")
    locking.check_seen(consultation, seen_version)
    outcome = get_outcome(consultation)
    if outcome is None:
        raise InvalidTransition("No outcome is recorded yet: record it first.")
    url, taken = _outcome_facts(consultation, url, published_on, taken_up)

    def facts() -> dict[str, str]:
        return {"url": outcome.url, "published_on": outcome.published_on.isoformat(), "taken_up": outcome.taken_up,
                "notes": outcome.notes}

    before = facts()
    outcome.url, outcome.published_on, outcome.taken_up, outcome.notes = url[:500], published_on, taken.value, notes.strip()
    old, new = activity.changes(before, facts())
    if not new:
        return False
    locking.claim(consultation)
    activity.record("outcome_corrected", actor=actor, consultation=consultation,
                    message=f"Outcome corrected: asks taken up: {taken.label.lower()}, published "
                            f"{format_date(published_on)}", before=old, after=new)
    db.session.flush()
    return True


def record_outcome(
    actor: User, consultation: Consultation, *, url: str, published_on: date, taken_up: str, notes: str,
    seen_version: int | None = None,
) -> Outcome:
    _begin(actor, consultation, "publish_outcome", seen_version)
    url, taken = _outcome_facts(consultation, url, published_on, taken_up)
    locking.claim(consultation)
    if get_outcome(consultation) is not None:
        raise DomainError("An outcome is already recorded for this consultation.")
    outcome = Outcome(
        consultation_id=consultation.id, url=url[:500], published_on=published_on, taken_up=taken.value,
        notes=notes.strip(), recorded_by_id=actor.id,
    )
    db.session.add(outcome)
    workflow.apply(
        consultation, "publish_outcome", actor, message=f"Outcome published: asks taken up: {taken.label.lower()}",
        after={"url": url, "published_on": published_on.isoformat(), "taken_up": taken.value},
    )
    db.session.flush()
    notifications.outcome_published(actor, consultation, outcome)
    return outcome
