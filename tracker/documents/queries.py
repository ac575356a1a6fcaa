"""The documents feature's reads: the questions, the documents panel and the submission checklist
that the consultation and response pages show, /api/v1's part, and what the catch-up queues."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select

from tracker.documents.reader import Question
from tracker.extensions import db
from tracker.models import OPEN_STATUSES, Consultation
from tracker.models.documents import ConsultationDocument, ConsultationQuestion, DocumentReading
from tracker.models.intake import IntakeItem, ItemSource
from tracker.urls import web_link

KIND_LABELS = {"attachment": "Document", "response_form": "Response form", "outcome": "Outcome",
               "scope": "Call for evidence"}
TYPE_LABELS = {"application/pdf": "PDF", "text/html": "HTML page", "application/msword": "Word document",
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
               "application/vnd.oasis.opendocument.spreadsheet": "Spreadsheet (ODS)",
               "application/vnd.ms-excel": "Spreadsheet", "text/csv": "CSV file",
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Spreadsheet"}
# An address someone could be sent to write to: a mailto link is made only of this.
EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


@dataclass(frozen=True)
class DocumentRow:
    title: str
    url: str
    kind: str
    status: str
    reason: str
    content_type: str
    size: int | None

    @property
    def is_read(self) -> bool:
        return self.status == "read"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind.replace("_", " ").capitalize())

    @property
    def href(self) -> str:
        return web_link(self.url)

    @property
    def type_label(self) -> str:
        """What kind of file it is, as people name it ("" when GOV.UK did not say)."""
        content_type = self.content_type.split(";")[0].strip().lower()
        return TYPE_LABELS.get(content_type, content_type)


@dataclass(frozen=True)
class Step:
    """One way to submit: what to do, with what (an address, a form), and a link when there is one."""

    method: str  # online_form | email | post | response_form
    instruction: str
    value: str
    href: str = ""


@dataclass
class DocumentsPanel:
    # not_imported: logged by hand, nothing to read; waiting: not read yet; read; failed: the item
    # could not be read (the last good reading, if any, is still shown).
    state: str
    documents: list[DocumentRow] = field(default_factory=list)
    ways_to_respond: list[Step] = field(default_factory=list)
    question_count: int = 0
    read_at: datetime | None = None
    problem: str = ""


def _question(row: ConsultationQuestion) -> Question:
    return Question(row.number, row.text, list(row.options or []), row.source_title, row.source_url, row.source_where)


# Whether the consultation's documents gave questions: a page reads them only then.
FOUND_QUESTIONS = exists().where(ConsultationQuestion.consultation_id == Consultation.id)


def questions_for(consultation_id: int) -> list[Question]:
    """The questions found in the consultation's documents, in document order (none: [])."""
    rows = db.session.scalars(select(ConsultationQuestion).where(ConsultationQuestion.consultation_id == consultation_id)
                              .order_by(ConsultationQuestion.position))
    return [_question(r) for r in rows]


def _documents(consultation_id: int) -> list[DocumentRow]:
    rows = db.session.scalars(select(ConsultationDocument).where(ConsultationDocument.consultation_id == consultation_id)
                              .order_by(ConsultationDocument.position))
    return [DocumentRow(r.title, r.url, r.kind, r.status, r.reason, r.content_type, r.size) for r in rows]


def steps(ways: dict[str, Any] | None, *, committee: bool = False) -> list[Step]:
    """GOV.UK's ways to respond as steps, in the order a lead would choose them."""
    ways = {key: str(value).strip() for key, value in (ways or {}).items() if value}
    found: list[Step] = []
    if ways.get("link_url"):
        found.append(Step("online_form", "Submit evidence on the committee's page" if committee
                          else "Use this online form", ways["link_url"], web_link(ways["link_url"])))
    if ways.get("email"):
        email = ways["email"].removeprefix("mailto:")
        found.append(Step("email", "Send the response to this address", email,
                          f"mailto:{email}" if EMAIL.fullmatch(email) else ""))
    if ways.get("postal_address"):
        found.append(Step("post", "Post it to this address", ways["postal_address"]))
    if ways.get("attachment_url"):
        found.append(Step("response_form", "Download the department's response form and fill it in",
                          ways["attachment_url"], web_link(ways["attachment_url"])))
    return found


def _reading(consultation_id: int) -> tuple[DocumentReading | None, int]:
    count = (select(func.count(ConsultationQuestion.id))
             .where(ConsultationQuestion.consultation_id == consultation_id).scalar_subquery())
    row = db.session.execute(select(DocumentReading, count)
                             .where(DocumentReading.consultation_id == consultation_id)).first()
    return (row[0], int(row[1])) if row else (None, 0)


def documents_panel(consultation: Consultation) -> DocumentsPanel:
    """The consultation's documents (read, or not and why) and its ways to respond."""
    if consultation.source not in (ItemSource.GOVUK.value, ItemSource.COMMITTEES.value):
        return DocumentsPanel("not_imported")
    record, count = _reading(consultation.id)
    if record is None or record.read_at is None:
        return DocumentsPanel("waiting")
    return DocumentsPanel(
        "failed" if record.problem else "read",
        documents=_documents(consultation.id),
        ways_to_respond=steps(record.ways_to_respond, committee=consultation.source == ItemSource.COMMITTEES),
        question_count=count,
        read_at=record.read_at,
        problem=record.problem,
    )


def submission_checklist(consultation: Consultation) -> list[Step]:
    """How the department asks for responses, as steps to tick off ([] when it said nothing)."""
    ways = db.session.scalar(select(DocumentReading.ways_to_respond)
                             .where(DocumentReading.consultation_id == consultation.id))
    return steps(ways, committee=consultation.source == ItemSource.COMMITTEES)


def _ways_and_documents(consultation_id: int) -> tuple[dict[str, Any], list[DocumentRow]]:
    """One statement: the reading's ways to respond, each row with one of its documents."""
    rows = db.session.execute(
        select(DocumentReading.ways_to_respond, ConsultationDocument)
        .outerjoin(ConsultationDocument, ConsultationDocument.consultation_id == DocumentReading.consultation_id)
        .where(DocumentReading.consultation_id == consultation_id)
        .order_by(ConsultationDocument.position)
    ).all()
    ways = dict(rows[0][0] or {}) if rows else {}
    return ways, [DocumentRow(d.title, d.url, d.kind, d.status, d.reason, d.content_type, d.size)
                  for _, d in rows if d is not None]


def api_view(consultation_id: int) -> dict[str, Any]:
    """/api/v1's questions, ways_to_respond and documents (the shapes of `read-documents --json`),
    in two statements."""
    ways, documents = _ways_and_documents(consultation_id)
    return {
        "questions": [q.as_json() for q in questions_for(consultation_id)],
        "ways_to_respond": ways,
        "documents": [{"title": d.title, "url": d.url, "status": d.status, "reason": d.reason} for d in documents],
    }


def unread_consultations(limit: int) -> list[int]:
    """Open imported consultations whose documents were never read completely for their item's
    current version, the soonest to close first."""
    version = case(
        (and_(IntakeItem.source == ItemSource.GOVUK.value, IntakeItem.public_updated_at.is_not(None)),
         IntakeItem.public_updated_at),
        else_=IntakeItem.last_changed_at,
    )
    query = (
        select(Consultation.id)
        .join(IntakeItem, IntakeItem.consultation_id == Consultation.id)
        .outerjoin(DocumentReading, DocumentReading.consultation_id == Consultation.id)
        .where(Consultation.status.in_([s.value for s in OPEN_STATUSES]),
               or_(DocumentReading.id.is_(None), DocumentReading.documents_read_for.is_(None),
                   DocumentReading.documents_read_for != version))
        .order_by(Consultation.closes_at, Consultation.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))
