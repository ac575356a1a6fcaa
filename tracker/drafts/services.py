"""Drafting rules: who may do what to a response, and the verbs that do it.

Every verb checks the actor against the consultation it is given (never against
anything the request says), changes the rows, writes the activity log and flushes.
None of them commits: the view or task that called it owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from tracker import activity
from tracker.consultations import locking, notifications, workflow
from tracker.drafts.limits import MAX_COMMENT, MAX_TEXT
from tracker.errors import Change, DomainError, NotFound, PermissionDenied, Stale
from tracker.extensions import db
from tracker.models import City, Consultation, Role, Status, User
from tracker.models.drafts import (
    CitySupport,
    Comment,
    Contributor,
    Outcome,
    Question,
    Response,
    ResponseMode,
    ResponseVersion,
    Submission,
    SubmissionMethod,
    TakenUp,
)
from tracker.timeutil import utcnow

# A draft's text can change only while the work is with the drafting team.
EDITABLE_STATUSES = frozenset({Status.ASSIGNED, Status.DRAFTING, Status.IN_REVIEW})
# Cities can sign off on a text that exists and is not yet sent.
SUPPORT_STATUSES = frozenset({Status.DRAFTING, Status.IN_REVIEW, Status.APPROVED})


class StaleVersion(DomainError):
    """Someone saved since the editor's base version; carries their version for the page."""

    status_code = 409

    def __init__(self, theirs: ResponseVersion | None) -> None:
        number = theirs.number if theirs else 0
        who = theirs.author.display_name if theirs and theirs.author else "someone else"
        super().__init__(
            f"{who} saved version {number} while you were editing, so your changes were not saved. "
            "Their text and yours are shown side by side below: copy what you need into the form "
            "and save again."
        )
        self.theirs = theirs


# --- permissions ------------------------------------------------------------------------


def _is_lead_city_lead(user: User, consultation: Consultation) -> bool:
    return (
        user.role == Role.POLICY_LEAD
        and consultation.lead_city_id is not None
        and user.city_id == consultation.lead_city_id
    )


def is_contributor(user: User, response: Response | None) -> bool:
    if response is None or response.id is None:
        return False
    return (
        db.session.scalar(
            select(Contributor.id).where(
                Contributor.response_id == response.id, Contributor.user_id == user.id
            )
        )
        is not None
    )


def may_edit_people(user: User | None, consultation: Consultation) -> bool:
    """The consultation's own policy lead, any lead of the lead city, coordinators."""
    if user is None or not user.is_enabled:
        return False
    if user.is_coordinator or _is_lead_city_lead(user, consultation):
        return True
    return consultation.policy_lead_id is not None and consultation.policy_lead_id == user.id


# "The caller did not look the response up": None means it did, and there is none.
_NOT_LOOKED_UP: Any = object()


def can_edit(user: User | None, consultation: Consultation, response: Response | None = _NOT_LOOKED_UP) -> bool:
    if user is None or Status(consultation.status) not in EDITABLE_STATUSES:
        return False
    if may_edit_people(user, consultation):
        return True
    # A response the caller already looked up (even none) is not looked up again.
    return is_contributor(user, get_response(consultation) if response is _NOT_LOOKED_UP else response)


def can_comment(user: User | None, consultation: Consultation) -> bool:
    return user is not None and user.is_enabled


def can_manage_contributors(user: User | None, consultation: Consultation) -> bool:
    if user is None or Status(consultation.status) not in EDITABLE_STATUSES:
        return False
    return user.is_coordinator or _is_lead_city_lead(user, consultation)


def can_manage_questions(user: User | None, consultation: Consultation) -> bool:
    return can_manage_contributors(user, consultation)


def support_cities_for(user: User | None, consultation: Consultation) -> bool:
    """Whether the user may record a city's support at all (own city, or any for coordinators)."""
    if user is None or Status(consultation.status) not in SUPPORT_STATUSES:
        return False
    return user.is_coordinator or (user.role == Role.POLICY_LEAD and user.city_id is not None)


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise PermissionDenied(message)


# --- reading ----------------------------------------------------------------------------


def get_consultation(consultation_id: int) -> Consultation:
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        raise NotFound("There is no consultation with that number.")
    return consultation


def get_response(consultation: Consultation) -> Response | None:
    return db.session.scalar(select(Response).where(Response.consultation_id == consultation.id))


def ensure_response(consultation: Consultation) -> Response:
    response = get_response(consultation)
    if response is None:
        response = Response(consultation=consultation, mode=ResponseMode.FREE.value, current_number=0)
        try:
            with db.session.begin_nested():
                db.session.add(response)
                db.session.flush()
        except IntegrityError:
            # Two first saves at once: the other one created it (unique consultation_id).
            response = get_response(consultation)
            assert response is not None
    return response


def questions(consultation: Consultation) -> list[Question]:
    return list(
        db.session.scalars(
            select(Question).where(Question.consultation_id == consultation.id).order_by(Question.number)
        )
    )


def get_version(response: Response | None, number: int) -> ResponseVersion:
    version = None
    if response is not None:
        version = db.session.scalar(
            select(ResponseVersion)
            .options(selectinload(ResponseVersion.author).selectinload(User.city))
            .where(ResponseVersion.response_id == response.id, ResponseVersion.number == number)
        )
    if version is None:
        raise NotFound(f"There is no version {number} of this response.")
    return version


def current_version(response: Response | None) -> ResponseVersion | None:
    if response is None or not response.current_number:
        return None
    return get_version(response, response.current_number)


def list_versions(response: Response | None) -> list[ResponseVersion]:
    """Newest first, authors and their cities loaded in one go (constant queries)."""
    if response is None:
        return []
    return list(
        db.session.scalars(
            select(ResponseVersion)
            .options(selectinload(ResponseVersion.author).selectinload(User.city))
            .where(ResponseVersion.response_id == response.id)
            .order_by(ResponseVersion.number.desc())
        )
    )


def list_comments(response: Response | None) -> list[Comment]:
    if response is None:
        return []
    return list(
        db.session.scalars(
            select(Comment)
            .options(selectinload(Comment.author).selectinload(User.city))
            .where(Comment.response_id == response.id)
            .order_by(Comment.created_at, Comment.id)
        )
    )


def list_contributors(response: Response | None) -> list[Contributor]:
    if response is None:
        return []
    return list(
        db.session.scalars(
            select(Contributor)
            .options(selectinload(Contributor.user).selectinload(User.city))
            .where(Contributor.response_id == response.id)
            .order_by(Contributor.created_at, Contributor.id)
        )
    )


def supporting_cities(consultation: Consultation) -> list[CitySupport]:
    return list(
        db.session.scalars(
            select(CitySupport)
            .options(selectinload(CitySupport.city))
            .join(City, City.id == CitySupport.city_id)
            .where(CitySupport.consultation_id == consultation.id)
            .order_by(City.name)
        )
    )


def get_submission(consultation: Consultation) -> Submission | None:
    return db.session.scalar(
        select(Submission)
        .options(selectinload(Submission.version), selectinload(Submission.recorded_by))
        .where(Submission.consultation_id == consultation.id)
    )


def get_outcome(consultation: Consultation) -> Outcome | None:
    return db.session.scalar(select(Outcome).where(Outcome.consultation_id == consultation.id))


# --- saving versions (optimistic locking) ----------------------------------------------


@dataclass
class DraftText:
    body: str = ""
    answers: dict[str, str] = field(default_factory=dict)
    note: str = ""


def _search_text(consultation: Consultation, body: str, answers: dict[str, str]) -> str:
    parts = [body, *(answers[k] for k in sorted(answers, key=lambda k: int(k) if k.isdigit() else 0))]
    return "\n\n".join(p for p in parts if p)


def _clean_text(text: DraftText, consultation: Consultation) -> DraftText:
    valid = {str(q.id) for q in questions(consultation)}
    answers = {k: v.replace("\r\n", "\n") for k, v in text.answers.items() if k in valid and v.strip()}
    body = text.body.replace("\r\n", "\n")
    if len(body) + sum(len(v) for v in answers.values()) > MAX_TEXT:
        raise DomainError(f"The response is too long: keep it under {MAX_TEXT:,} characters.")
    note = text.note.strip()
    if len(note) > 300:
        raise DomainError("Keep the version note under 300 characters.")
    return DraftText(body=body, answers=answers, note=note)


def save_version(
    actor: User, consultation: Consultation, text: DraftText, base_number: int, *, action: str = "save_draft"
) -> ResponseVersion:
    """Save ``text`` as the version after ``base_number``, or raise StaleVersion.

    Two saves on the same base cannot both win: the conditional UPDATE of the
    response's counter lets one through, and the unique (response, number)
    constraint stops the other even if both read the counter at the same time.
    The same UPDATE refuses a save once a version is approved, so a save racing an
    approval either lands before it (and the approval is refused) or not at all.
    """
    response = ensure_response(consultation)
    _require(can_edit(actor, consultation, response), "You cannot edit this draft.")
    text = _clean_text(text, consultation)
    if base_number != response.current_number:
        raise StaleVersion(current_version(response))
    if Status(consultation.status) == Status.ASSIGNED:
        # An added contributor may write first; the status change is then the system's. Done
        # before the response's UPDATE: locks are taken consultation first, then response.
        starter = actor if workflow.allowed(actor, consultation, "start_drafting") else None
        workflow.apply(
            consultation, "start_drafting", starter,
            message="Drafting started" if starter else f"Drafting started by {actor.display_name}'s first save",
        )
    number = base_number + 1
    # Conditional UPDATE: on PostgreSQL the second of two concurrent saves waits for the
    # first's row lock, re-reads the counter and matches no row; SQLite serialises writers.
    result = db.session.execute(
        update(Response)
        .where(Response.id == response.id, Response.current_number == base_number,
               Response.approved_number.is_(None))
        .values(current_number=number, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(response)
        if response.approved_number is not None:
            raise _approved_meanwhile(consultation, response)
        raise StaleVersion(current_version(response))
    version = ResponseVersion(
        response_id=response.id,
        number=number,
        author_id=actor.id,
        note=text.note,
        body=text.body,
        answers=text.answers,
        search_text=_search_text(consultation, text.body, text.answers),
        created_at=utcnow(),
    )
    db.session.add(version)
    try:
        db.session.flush()
    except IntegrityError:
        # The unique (response, number) constraint: the last line of defence.
        db.session.rollback()
        raise StaleVersion(current_version(get_response(consultation))) from None
    db.session.refresh(response)
    activity.record(
        action,
        actor=actor,
        consultation=consultation,
        message=f"Saved version {number}" + (f": {text.note}" if text.note else ""),
        after={"version": number},
        subject_type="response",
        subject_id=response.id,
    )
    db.session.flush()
    return version


def _approved_meanwhile(consultation: Consultation, response: Response) -> Stale:
    """A save refused because a version was approved while the editor had the page open."""
    changes = locking.changes_since(consultation.id, consultation.version)
    return Stale(
        f"{locking.who_changed(changes)} approved version {response.approved_number} while you were "
        "editing, so your changes were not saved. An approved draft can no longer be edited unless a "
        "coordinator reopens it. Your text is still in the form below: copy what you need.",
        changes=changes,
    )


def restore_version(actor: User, consultation: Consultation, number: int, base_number: int) -> ResponseVersion:
    response = get_response(consultation)
    old = get_version(response, number)
    return save_version(
        actor,
        consultation,
        DraftText(body=old.body, answers=dict(old.answers or {}), note=f"Restored version {number}"),
        base_number,
        action="restore_version",
    )


# --- structure --------------------------------------------------------------------------
# The response's structure (how it is organised, its questions) moves the consultation's
# version like any change of state: an editor or reviewer on an older page is told.


def set_mode(actor: User, consultation: Consultation, mode: str, *, seen_version: int | None = None) -> Response:
    # The structure is the lead city's decision: contributors write within it.
    _require(can_manage_questions(actor, consultation),
             "Only the lead city's policy leads and coordinators can change how this draft is organised.")
    locking.check_seen(consultation, seen_version)
    try:
        new = ResponseMode(mode)
    except ValueError:
        raise DomainError("Choose free text or by questions.", field="mode") from None
    locking.claim(consultation)
    response = ensure_response(consultation)
    old = response.mode
    response.mode = new.value
    activity.record(
        "response_mode", actor=actor, consultation=consultation, message=f"Response organised as: {new.label}",
        before={"mode": old}, after={"mode": new.value}, subject_type="response", subject_id=response.id,
    )
    db.session.flush()
    return response


def add_question(actor: User, consultation: Consultation, text: str, *, seen_version: int | None = None) -> Question:
    _require(can_manage_questions(actor, consultation), "Only the lead city's policy leads and coordinators can add questions.")
    locking.check_seen(consultation, seen_version)
    text = text.strip()
    if not text:
        raise DomainError("Enter the question's text.", field="text")
    if len(text) > 5000:
        raise DomainError("Keep the question under 5,000 characters.", field="text")
    locking.claim(consultation)
    last = db.session.scalar(
        select(func.max(Question.number)).where(Question.consultation_id == consultation.id)
    )
    question = Question(consultation_id=consultation.id, number=(last or 0) + 1, text=text)
    db.session.add(question)
    response = ensure_response(consultation)
    response.mode = ResponseMode.QUESTIONS.value
    db.session.flush()
    activity.record(
        "add_question", actor=actor, consultation=consultation, message=f"Added question {question.number}",
        after={"number": question.number, "text": text}, subject_type="question", subject_id=question.id,
    )
    return question


def remove_question(
    actor: User, consultation: Consultation, question_id: int, *, seen_version: int | None = None
) -> None:
    _require(can_manage_questions(actor, consultation), "Only the lead city's policy leads and coordinators can remove questions.")
    locking.check_seen(consultation, seen_version)
    question = db.session.get(Question, question_id)
    if question is None or question.consultation_id != consultation.id:
        raise NotFound("There is no such question on this consultation.")
    locking.claim(consultation)
    activity.record(
        "remove_question", actor=actor, consultation=consultation, message=f"Removed question {question.number}",
        before={"number": question.number, "text": question.text}, subject_type="question", subject_id=question.id,
    )
    db.session.delete(question)
    db.session.flush()


# --- people -----------------------------------------------------------------------------


def add_contributor(actor: User, consultation: Consultation, user_id: int) -> Contributor:
    _require(can_manage_contributors(actor, consultation), "Only the lead city's policy leads and coordinators can add contributors.")
    user = db.session.get(User, user_id)
    if user is None or not user.is_enabled or user.city_id is None:
        raise DomainError("Choose an officer of a member city.")
    response = ensure_response(consultation)
    if is_contributor(user, response):
        raise DomainError(f"{user.display_name} is already a contributor.")
    contributor = Contributor(response_id=response.id, user_id=user.id, added_by_id=actor.id)
    db.session.add(contributor)
    db.session.flush()
    activity.record(
        "add_contributor", actor=actor, consultation=consultation, message=f"Added {user.display_name} as a contributor",
        after={"user_id": user.id}, subject_type="response", subject_id=response.id,
    )
    return contributor


def remove_contributor(actor: User, consultation: Consultation, contributor_id: int) -> None:
    _require(can_manage_contributors(actor, consultation), "Only the lead city's policy leads and coordinators can remove contributors.")
    response = get_response(consultation)
    contributor = db.session.get(Contributor, contributor_id)
    if contributor is None or response is None or contributor.response_id != response.id:
        raise NotFound("That person is not a contributor to this draft.")
    activity.record(
        "remove_contributor", actor=actor, consultation=consultation,
        message=f"Removed {contributor.user.display_name} as a contributor",
        before={"user_id": contributor.user_id}, subject_type="response", subject_id=response.id,
    )
    db.session.delete(contributor)
    db.session.flush()


def eligible_contributors(consultation: Consultation) -> list[User]:
    response = get_response(consultation)
    taken = set()
    if response is not None:
        taken = set(db.session.scalars(select(Contributor.user_id).where(Contributor.response_id == response.id)))
    users = db.session.scalars(
        select(User)
        .options(selectinload(User.city))
        .where(User.is_enabled.is_(True), User.city_id.is_not(None))
        .order_by(User.name)
    )
    return [u for u in users if u.id not in taken]


def add_comment(actor: User, consultation: Consultation, body: str, *, kind: str = "comment") -> Comment:
    _require(can_comment(actor, consultation), "Sign in to comment.")
    body = body.strip()
    if not body:
        raise DomainError("Enter your comment.")
    if len(body) > MAX_COMMENT:
        raise DomainError(f"Keep comments under {MAX_COMMENT:,} characters.")
    response = ensure_response(consultation)
    comment = Comment(response_id=response.id, author_id=actor.id, body=body, kind=kind, created_at=utcnow())
    db.session.add(comment)
    db.session.flush()
    activity.record(
        "comment", actor=actor, consultation=consultation, message="Commented on the draft",
        after={"comment_id": comment.id}, subject_type="comment", subject_id=comment.id,
    )
    return comment


# --- review -----------------------------------------------------------------------------


def send_for_review(actor: User, consultation: Consultation, *, seen_version: int | None = None) -> None:
    locking.check_seen(consultation, seen_version)
    workflow.check(actor, consultation, "send_for_review")
    response = get_response(consultation)
    if current_version(response) is None:
        raise DomainError("Save a first version of the draft before sending it for review.")
    assert response is not None
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
    locking.check_seen(consultation, seen_version)
    workflow.check(actor, consultation, "approve")
    response = get_response(consultation)
    if current_version(response) is None:
        raise DomainError("There is no text to approve yet.")
    assert response is not None
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
    locking.check_seen(consultation, seen_version)
    workflow.check(actor, consultation, "return_to_drafting")
    if not comment.strip():
        raise DomainError("Say what needs to change: the comment goes to the drafting team.", field="comment")
    locking.claim(consultation)
    add_comment(actor, consultation, comment, kind="return")
    workflow.apply(consultation, "return_to_drafting", actor, message="Returned for changes")
    notifications.returned(actor, consultation, comment)
    db.session.flush()


def reopen(actor: User, consultation: Consultation, reason: str, *, seen_version: int | None = None) -> None:
    locking.check_seen(consultation, seen_version)
    workflow.check(actor, consultation, "reopen")
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


# --- city sign-off ----------------------------------------------------------------------


def record_support(actor: User, consultation: Consultation, city_id: int) -> CitySupport:
    _require(support_cities_for(actor, consultation), "You cannot record support for this response now.")
    if not actor.is_coordinator and actor.city_id != city_id:
        raise PermissionDenied("You can record support only for your own city.")
    city = db.session.get(City, city_id)
    if city is None or not city.is_member:
        raise DomainError("Choose a member city.")
    exists = db.session.scalar(
        select(CitySupport.id).where(CitySupport.consultation_id == consultation.id, CitySupport.city_id == city.id)
    )
    if exists is not None:
        raise DomainError(f"{city.name} already supports this response.")
    support = CitySupport(consultation_id=consultation.id, city_id=city.id, recorded_by_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(support)
            db.session.flush()
    except IntegrityError:
        raise DomainError(f"{city.name} already supports this response.") from None
    activity.record(
        "city_support", actor=actor, consultation=consultation, message=f"{city.name} supports this response",
        after={"city_id": city.id}, subject_type="city_support", subject_id=support.id,
    )
    return support


def withdraw_support(actor: User, consultation: Consultation, city_id: int) -> None:
    _require(support_cities_for(actor, consultation), "You cannot change support for this response now.")
    if not actor.is_coordinator and actor.city_id != city_id:
        raise PermissionDenied("You can withdraw support only for your own city.")
    support = db.session.scalar(
        select(CitySupport).where(CitySupport.consultation_id == consultation.id, CitySupport.city_id == city_id)
    )
    if support is None:
        raise NotFound("That city has not recorded support.")
    activity.record(
        "city_support_withdrawn", actor=actor, consultation=consultation,
        message=f"{support.city.name} withdrew its support", before={"city_id": city_id},
        subject_type="city_support", subject_id=support.id,
    )
    db.session.delete(support)
    db.session.flush()


# --- submission and outcome ------------------------------------------------------------


def record_submission(
    actor: User, consultation: Consultation, *, method: str, submitted_at: datetime, reference: str,
    seen_version: int | None = None,
) -> Submission:
    """Record how the approved version went to the government; that version is frozen."""
    locking.check_seen(consultation, seen_version)
    workflow.check(actor, consultation, "submit")
    try:
        method_enum = SubmissionMethod(method)
    except ValueError:
        raise DomainError("Choose how the response was submitted.", field="method") from None
    if submitted_at.tzinfo is None:
        raise DomainError("The submission time must have a time zone.", field="submitted_time")
    if submitted_at > utcnow():
        raise DomainError("The submission time cannot be in the future.", field="submitted_on")
    locking.claim(consultation)
    response = get_response(consultation)
    # An approved draft cannot change, so its latest version is the approved one even if the
    # approval was recorded elsewhere (the consultation page's generic transition).
    number = (response.approved_number or response.current_number) if response else 0
    if response is None or not number:
        raise DomainError("There is no approved version to submit.")
    version = get_version(response, number)
    if get_submission(consultation) is not None:
        raise DomainError("A submission is already recorded for this consultation.")
    submission = Submission(
        consultation_id=consultation.id, version_id=version.id, method=method_enum.value,
        submitted_at=submitted_at, reference=reference.strip()[:200], recorded_by_id=actor.id,
    )
    db.session.add(submission)
    workflow.apply(
        consultation, "submit", actor, message=f"Submitted version {version.number} by {method_enum.label.lower()}",
        after={"version": version.number, "method": method_enum.value, "submitted_at": submitted_at.isoformat(),
               "reference": submission.reference},
    )
    db.session.flush()
    notifications.submitted(actor, consultation, submission, version.number)
    return submission


def record_outcome(
    actor: User, consultation: Consultation, *, url: str, published_on: date, taken_up: str, notes: str,
    seen_version: int | None = None,
) -> Outcome:
    locking.check_seen(consultation, seen_version)
    workflow.check(actor, consultation, "publish_outcome")
    try:
        taken = TakenUp(taken_up)
    except ValueError:
        raise DomainError("Say whether the network's asks were taken up: yes, partly or no.", field="taken_up") from None
    url = url.strip()
    if url and not url.lower().startswith(("http://", "https://")):
        raise DomainError("The link must start with http:// or https://.", field="url")
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


def is_frozen(consultation: Consultation) -> bool:
    return Status(consultation.status) in (Status.SUBMITTED, Status.OUTCOME_PUBLISHED)
