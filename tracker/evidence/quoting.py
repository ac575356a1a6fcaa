"""Quoting a city's evidence into the draft, in one click: the reply's text becomes a quotation
with its attribution ("Evidence from Wolverhampton: ..."), added to the end of the answer to its
question (question by question) or of the text, and saved as the draft's next version through
drafts' own versioned save, on the version the page showed: refused like any save when someone
saved since.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.drafts import queries as drafts_queries
from tracker.drafts import versions
from tracker.errors import DomainError, NotFound
from tracker.extensions import db
from tracker.models import Consultation, User
from tracker.models.drafts import ResponseVersion
from tracker.models.evidence import EvidenceAnswer, EvidenceReply, EvidenceRequest, ReplyState


def quotation(city: str, text: str) -> str:
    """The text as a Markdown quotation, its first line attributed to the city."""
    lines = text.strip().replace("\r\n", "\n").split("\n")
    lines[0] = f"Evidence from {city}: {lines[0]}"
    return "\n".join(f"> {line}" if line.strip() else ">" for line in lines)


def _after(text: str, addition: str) -> str:
    return f"{text.rstrip()}\n\n{addition}" if text.strip() else addition


def get_answer(consultation: Consultation, answer_id: int) -> EvidenceAnswer:
    answer = db.session.scalar(
        select(EvidenceAnswer)
        .join(EvidenceReply, EvidenceReply.id == EvidenceAnswer.reply_id)
        .join(EvidenceRequest, EvidenceRequest.id == EvidenceReply.request_id)
        .options(joinedload(EvidenceAnswer.reply).joinedload(EvidenceReply.city))
        .where(EvidenceAnswer.id == answer_id, EvidenceRequest.consultation_id == consultation.id))
    if answer is None:
        raise NotFound("There is no such evidence on this consultation.")
    return answer


def quote(actor: User, consultation: Consultation, answer_id: int, base_number: int) -> ResponseVersion:
    """Save the draft's next version with the evidence quoted in it (or raise StaleVersion)."""
    answer = get_answer(consultation, answer_id)
    if answer.reply.state != ReplyState.REPLIED:
        raise DomainError("That city has withdrawn this evidence.")
    response = drafts_queries.get_response(consultation)
    current = drafts_queries.current_version(response)
    body = current.body if current else ""
    answers = dict(current.answers or {}) if current else {}
    city = answer.reply.city.name
    quoted = quotation(city, answer.text)
    own_question = {q.id for q in drafts_queries.questions(consultation)}
    if drafts_queries.by_questions(response) and answer.question_id in own_question:
        key = str(answer.question_id)
        answers[key] = _after(answers.get(key, ""), quoted)
    else:
        body = _after(body, quoted)
    return versions.save_version(actor, consultation,
                                 versions.DraftText(body=body, answers=answers, note=f"Quoted evidence from {city}"),
                                 base_number, action="quote_evidence")
