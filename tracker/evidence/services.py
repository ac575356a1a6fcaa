"""Asking member cities for local evidence, and closing a request.

A request names the cities asked (all member cities but the lead city, or chosen ones), what it is
about (chosen questions of the draft, or the consultation as a whole), a short brief and a reply-by
date: proposed WORKING_DAYS_BEFORE working days before the internal deadline, never after it.
Asking is a change to the consultation, made on the page's version (refused when stale) and logged;
each asked city's policy leads (and its contributors, if the lead chose) are told in the app and by
email, once. The verbs flush, never commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult

from tracker import activity, locking
from tracker.errors import DomainError, Stale
from tracker.evidence import permissions
from tracker.extensions import db, get_where
from tracker.messaging.notify import notify
from tracker.models import City, Consultation, Role, User
from tracker.models.drafts import Question
from tracker.models.evidence import EvidenceReply, EvidenceRequest, EvidenceRequestQuestion
from tracker.models.messages import Event
from tracker.timeutil import add_working_days, to_uk, uk_today, utcnow, working_days_before
from tracker.urls import external_url

WORKING_DAYS_BEFORE = 5
MAX_BRIEF = 2000


@dataclass
class AskInput:
    brief: str = ""
    reply_by: date | None = None
    all_cities: bool = False
    city_ids: list[int] = field(default_factory=list)
    # None of them: the consultation as a whole.
    question_ids: list[int] = field(default_factory=list)
    include_contributors: bool = False


def latest_reply_by(consultation: Consultation) -> date:
    """The last day a reply-by date may be: the internal deadline (or, without one, the closing day)."""
    return consultation.internal_deadline or to_uk(consultation.closes_at).date()


def proposed_reply_by(consultation: Consultation, today: date | None = None) -> date:
    """WORKING_DAYS_BEFORE working days before the internal deadline; a working day from today when
    that has passed; never after the internal deadline."""
    today = today or uk_today()
    latest = latest_reply_by(consultation)
    return min(max(working_days_before(latest, WORKING_DAYS_BEFORE), add_working_days(today, 1)), latest)


def member_cities() -> list[City]:
    return list(db.session.scalars(select(City).where(City.is_member.is_(True)).order_by(City.name)))


def askable_cities(consultation: Consultation) -> list[City]:
    """The cities a request may go to: every member city but the lead city."""
    return [c for c in member_cities() if c.id != consultation.lead_city_id]


def _cities(consultation: Consultation, data: AskInput) -> list[City]:
    askable = askable_cities(consultation)
    if data.all_cities:
        return askable
    chosen = set(data.city_ids)
    if not chosen:
        raise DomainError("Choose the cities to ask, or ask all member cities.", field="cities")
    by_id = {c.id: c for c in askable}
    if not chosen <= set(by_id):
        raise DomainError("Choose member cities other than the lead city.", field="cities")
    return [c for c in askable if c.id in chosen]


def _questions(consultation: Consultation, question_ids: list[int]) -> list[Question]:
    if not question_ids:
        return []
    found = list(db.session.scalars(
        select(Question).where(Question.consultation_id == consultation.id, Question.id.in_(set(question_ids)))
        .order_by(Question.number)))
    if len(found) != len(set(question_ids)):
        raise DomainError("Choose from the draft's questions.", field="questions")
    return found


def _reply_by(consultation: Consultation, value: date | None, today: date) -> date:
    if value is None:
        raise DomainError("Enter the date cities should reply by", field="reply_by")
    if value < today:
        raise DomainError("The reply-by date must be today or later", field="reply_by")
    latest = latest_reply_by(consultation)
    if value > latest:
        what = "the internal deadline" if consultation.internal_deadline else "the day the consultation closes"
        raise DomainError(f"The reply-by date must be on or before {what}, {latest:%A %-d %B %Y}", field="reply_by")
    return value


def _brief(value: str) -> str:
    brief = value.strip().replace("\r\n", "\n")
    if not brief:
        raise DomainError("Enter a short brief: what evidence you need, and what it is for", field="brief")
    if len(brief) > MAX_BRIEF:
        raise DomainError(f"The brief must be {MAX_BRIEF:,} characters or fewer", field="brief")
    return brief


def ask(actor: User, consultation: Consultation, data: AskInput, *, seen_version: int | None,
        today: date | None = None) -> EvidenceRequest:
    """Ask the chosen cities for their evidence; each city's officers are told once."""
    permissions.require(permissions.is_asker(actor, consultation), permissions.ASK_REFUSAL)
    # A page older than a change (the draft approved meanwhile, say) is told what changed, its
    # entries kept, before anything else is said.
    locking.check_seen(consultation, seen_version)
    if not permissions.can_ask(actor, consultation):
        raise DomainError("The draft is no longer being written, so cities can no longer be asked for evidence.")
    cities = _cities(consultation, data)
    questions = _questions(consultation, data.question_ids)
    brief = _brief(data.brief)
    reply_by = _reply_by(consultation, data.reply_by, today or uk_today())
    locking.claim(consultation)
    request = EvidenceRequest(consultation_id=consultation.id, brief=brief, reply_by=reply_by,
                              include_contributors=data.include_contributors, asked_by_id=actor.id,
                              created_at=utcnow())
    db.session.add(request)
    db.session.flush()
    db.session.add_all([EvidenceRequestQuestion(request_id=request.id, question_id=q.id) for q in questions])
    db.session.add_all([EvidenceReply(request_id=request.id, city_id=c.id) for c in cities])
    db.session.flush()
    names = ", ".join(c.name for c in cities)
    activity.record(
        "evidence_request", actor=actor, consultation=consultation,
        message=f"Asked {len(cities)} {'city' if len(cities) == 1 else 'cities'} for evidence by "
                f"{reply_by:%-d %B %Y}: {names}",
        after={"reply_by": reply_by.isoformat(),
               "questions": ", ".join(str(q.number) for q in questions) or "the consultation as a whole",
               "contributors_told": data.include_contributors},
        subject_type="evidence_request", subject_id=request.id,
    )
    _tell_asked(actor, consultation, request, cities, questions)
    return request


def get_request(consultation: Consultation, request_id: int) -> EvidenceRequest:
    return get_where(EvidenceRequest, request_id, "There is no such request for evidence on this consultation.",
                     consultation_id=consultation.id)


def close(actor: User, consultation: Consultation, request_id: int, *, seen_version: int | None) -> EvidenceRequest:
    """Stop taking replies (and reminding the cities that have not answered)."""
    permissions.require(permissions.can_ask(actor, consultation), permissions.CLOSE_REFUSAL)
    request = get_request(consultation, request_id)
    if request.closed_at is not None:
        raise DomainError("This request is already closed.")
    if seen_version != request.version:
        raise Stale("This request changed after you opened the page, so it was not closed: check it as it is now.",
                    version=request.version)
    result = db.session.execute(
        update(EvidenceRequest).where(EvidenceRequest.id == request.id, EvidenceRequest.version == seen_version)
        .values(version=request.version + 1, closed_at=utcnow(), closed_by_id=actor.id)
        .execution_options(synchronize_session=False))
    assert isinstance(result, CursorResult)
    if result.rowcount != 1:
        raise Stale("Someone closed this request while you had the page open.", version=request.version + 1)
    db.session.refresh(request)
    activity.record("evidence_request_closed", actor=actor, consultation=consultation,
                    message="Closed a request for evidence", subject_type="evidence_request", subject_id=request.id)
    return request


# --- who is told -------------------------------------------------------------------------------


def officers(city_ids: Iterable[int], *, include_contributors: bool) -> dict[int, list[User]]:
    """The enabled policy leads (and, if asked for, contributors) of each city (one query)."""
    ids = sorted(set(city_ids))
    roles = [Role.POLICY_LEAD.value] + ([Role.CONTRIBUTOR.value] if include_contributors else [])
    found: dict[int, list[User]] = {i: [] for i in ids}
    if not ids:
        return found
    for user in db.session.scalars(select(User).where(User.city_id.in_(ids), User.role.in_(roles),
                                                      User.is_enabled.is_(True)).order_by(User.id)):
        found[user.city_id or 0].append(user)
    return found


def scope_text(questions: list[Question]) -> str:
    if not questions:
        return "The consultation as a whole."
    return "\n".join(f"Question {q.number}: {q.text}" for q in questions)


def _tell_asked(actor: User, consultation: Consultation, request: EvidenceRequest, cities: list[City],
                questions: list[Question]) -> None:
    people = officers([c.id for c in cities], include_contributors=request.include_contributors)
    lead_city = consultation.lead_city.name if consultation.lead_city else "The lead city"
    link = external_url("evidence.reply", consultation_id=consultation.id, request_id=request.id)
    for city in cities:
        body = (
            f"{actor.display_name} asks {city.name} for its local evidence on “{consultation.title}”: "
            f"{lead_city} leads the network's response.\n\n"
            f"What is needed:\n{request.brief}\n\n"
            f"About:\n{scope_text(questions)}\n\n"
            f"Please reply by {request.reply_by:%A %-d %B %Y}, with text and any files (PDF, Word, Excel, CSV or "
            f"images): {link}\n\n"
            f"If {city.name} has nothing to add, say so on the same page: then nobody there is reminded."
        )
        notify([u for u in people[city.id] if u.id != actor.id], kind=Event.EVIDENCE_REQUESTED.value,
               subject=f"Evidence requested from {city.name} by {request.reply_by:%-d %B}: {consultation.title}",
               body=body, consultation=consultation, key=f"evidence-request-{request.id}")
