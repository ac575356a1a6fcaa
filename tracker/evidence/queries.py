"""Reading evidence requests: the panel beside the draft (the response page and the editor), the
reply page, and an attachment to download. Plain data out, in a fixed number of statements
(one when the consultation has no request), with what the pages say decided here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from markupsafe import Markup
from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import joinedload, selectinload

from tracker.drafts import queries as drafts_queries
from tracker.drafts.markdown import render
from tracker.errors import NotFound
from tracker.evidence import files, permissions
from tracker.extensions import db
from tracker.models import Consultation, User
from tracker.models.drafts import Response
from tracker.models.evidence import (
    EvidenceFile,
    EvidenceReply,
    EvidenceRequest,
    EvidenceRequestQuestion,
    ReplyState,
)

WHOLE = "The consultation as a whole, or anything else"


@dataclass(frozen=True)
class FileView:
    id: int
    filename: str
    size: str
    kind: str


@dataclass(frozen=True)
class AnswerView:
    id: int
    city: str
    html: Markup


@dataclass(frozen=True)
class Topic:
    """What a request asks about (a question, or the whole), with each city's answer on it."""

    label: str
    short: str
    question_id: int | None
    answers: list[AnswerView] = field(default_factory=list)


@dataclass(frozen=True)
class CityView:
    reply_id: int
    city: str
    state: str
    state_label: str
    replied_at: datetime | None
    replied_by: str
    files: list[FileView]
    is_mine: bool


@dataclass(frozen=True)
class RequestView:
    id: int
    version: int
    brief: str
    reply_by: date
    asked_by: str
    created_at: datetime
    closed_at: datetime | None
    is_open: bool
    scope: str
    cities: list[CityView]
    topics: list[Topic]
    awaited: list[str]
    counts: dict[str, int]
    # The viewer's own city's reply, when their city was asked and they may write it.
    mine: CityView | None


@dataclass(frozen=True)
class Panel:
    consultation_id: int
    requests: list[RequestView]
    can_ask: bool
    can_close: bool
    can_quote: bool
    # The draft's version the quote buttons save on top of; where they come back to.
    base_version: int
    back: str


# Built once, the consultation bound at each execution: building the loader options on every
# response page cost more than running the statement.
_REQUESTS = (
    select(EvidenceRequest)
    .options(
        joinedload(EvidenceRequest.asked_by).joinedload(User.city),
        selectinload(EvidenceRequest.questions).joinedload(EvidenceRequestQuestion.question),
        selectinload(EvidenceRequest.replies).options(
            joinedload(EvidenceReply.city),
            joinedload(EvidenceReply.replied_by).joinedload(User.city),
            selectinload(EvidenceReply.answers),
            selectinload(EvidenceReply.files),
        ),
    )
    .where(EvidenceRequest.consultation_id == bindparam("consultation_id"))
    .order_by(EvidenceRequest.id.desc())
)


# Whether evidence was asked for on the consultation: a page reads the requests only then.
ASKED = exists().where(EvidenceRequest.consultation_id == Consultation.id)


def _requests(consultation: Consultation) -> list[EvidenceRequest]:
    return list(db.session.scalars(_REQUESTS, {"consultation_id": consultation.id}))


def file_views(reply: EvidenceReply) -> list[FileView]:
    kinds = files.BY_CONTENT_TYPE
    return [FileView(f.id, f.filename, files.size_text(f.size),
                     kinds[f.content_type].label if f.content_type in kinds else f.content_type) for f in reply.files]


def scope_label(request: EvidenceRequest) -> str:
    numbers = [q.question.number for q in request.questions]
    if not numbers:
        return "The consultation as a whole"
    if len(numbers) == 1:
        return f"Question {numbers[0]}"
    return "Questions " + ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"


def _view(request: EvidenceRequest, consultation: Consultation, user: User) -> RequestView:
    replies = sorted(request.replies, key=lambda r: r.city.name)
    topics = [Topic(f"Question {q.question.number}: {q.question.text}", f"question {q.question.number}", q.question_id)
              for q in request.questions]
    whole = Topic(WHOLE if topics else "The consultation as a whole", "the consultation", None)
    by_question = {t.question_id: t for t in topics}
    cities: list[CityView] = []
    for reply in replies:
        mine = permissions.speaks_for(user, reply)
        cities.append(CityView(reply.id, reply.city.name, reply.state, reply.state_label, reply.replied_at,
                               reply.replied_by.display_name if reply.replied_by else "", file_views(reply), mine))
        if reply.state != ReplyState.REPLIED:
            continue
        for answer in reply.answers:
            topic = by_question.get(answer.question_id, whole) if answer.question_id is not None else whole
            topic.answers.append(AnswerView(answer.id, reply.city.name, render(answer.text, 4)))
    counts = {state.value: sum(1 for r in replies if r.state == state) for state in ReplyState}
    return RequestView(
        id=request.id, version=request.version, brief=request.brief, reply_by=request.reply_by,
        asked_by=request.asked_by.display_name if request.asked_by else "", created_at=request.created_at,
        closed_at=request.closed_at, is_open=permissions.is_open(request, consultation), scope=scope_label(request),
        cities=cities, topics=[*topics, whole] if whole.answers or not topics else topics,
        awaited=[c.city for c in cities if c.state == ReplyState.AWAITED], counts=counts,
        mine=next((c for c in cities if c.is_mine), None),
    )


def panel(user: User, consultation: Consultation, response: Response | None, *, back: str = "response",
          asked: bool = True) -> Panel:
    """The evidence panel beside the draft: each request, who was asked and how each city
    answered, the answers by question, and what the viewer may do (``asked`` False: the page
    knows there is no request)."""
    requests = _requests(consultation) if asked else []
    return Panel(
        consultation_id=consultation.id,
        requests=[_view(r, consultation, user) for r in requests],
        can_ask=permissions.can_ask(user, consultation),
        can_close=permissions.can_ask(user, consultation),
        can_quote=bool(requests) and permissions.can_quote(user, consultation),
        base_version=response.current_number if response else 0,
        back=back,
    )


def editor_panel(user: User, consultation: Consultation) -> Panel:
    return panel(user, consultation, drafts_queries.get_response(consultation), back="edit")


# --- the reply page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplyPage:
    request: RequestView
    reply: EvidenceReply
    city: str
    # (question id or None, label, the city's answer saved so far)
    fields: list[tuple[int | None, str, str]]
    files: list[FileView]
    is_open: bool


def reply_page(user: User, consultation: Consultation, request: EvidenceRequest, reply: EvidenceReply) -> ReplyPage:
    view = _view(request, consultation, user)
    saved = {a.question_id: a.text for a in reply.answers}
    fields: list[tuple[int | None, str, str]] = [(q.question_id, f"Question {q.question.number}: {q.question.text}", saved.get(q.question_id, ""))
              for q in request.questions]
    orphans = "\n\n".join(a.text for a in reply.answers
                          if a.question_id is not None and a.question_id not in {q.question_id for q in request.questions})
    whole = "\n\n".join(t for t in (saved.get(None, ""), orphans) if t)
    fields.append((None, WHOLE if fields else "Your city's evidence on the consultation", whole))
    return ReplyPage(view, reply, reply.city.name, fields, file_views(reply), view.is_open)


# --- downloads -----------------------------------------------------------------------------------


def get_file(consultation: Consultation, file_id: int) -> EvidenceFile:
    found = db.session.scalar(
        select(EvidenceFile)
        .join(EvidenceReply, EvidenceReply.id == EvidenceFile.reply_id)
        .join(EvidenceRequest, EvidenceRequest.id == EvidenceReply.request_id)
        .where(EvidenceFile.id == file_id, EvidenceRequest.consultation_id == consultation.id))
    if found is None:
        raise NotFound("There is no such attachment on this consultation.")
    return found
