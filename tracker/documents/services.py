"""The documents feature's writes: what is due for reading, and storing a reading (flush, never
commit: the task owns the transaction); and its rule about a submission: was it sent a way the
department asks for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from tracker.documents.reader import Reading
from tracker.extensions import db
from tracker.models import Consultation
from tracker.models.documents import ConsultationDocument, ConsultationQuestion, DocumentReading
from tracker.models.drafts import SubmissionMethod
from tracker.models.intake import IntakeItem, ItemSource
from tracker.timeutil import utcnow


@dataclass(frozen=True)
class Due:
    """A consultation whose documents are to be read, and how."""

    consultation_id: int
    source: ItemSource
    locator: str  # a GOV.UK base path, or a committee business id
    page_url: str
    read_for: datetime | None


def version_of(item: IntakeItem) -> datetime | None:
    """Which version of the item a reading is of: GOV.UK's public_updated_at; a committee call
    has none, so its last change."""
    if item.source == ItemSource.GOVUK and item.public_updated_at is not None:
        return item.public_updated_at
    return item.last_changed_at


def _record(consultation_id: int, *, lock: bool = False) -> DocumentReading | None:
    query = select(DocumentReading).where(DocumentReading.consultation_id == consultation_id)
    return db.session.scalar(query.with_for_update() if lock else query)


def due(consultation_id: int, *, force: bool = False) -> Due | None:
    """What to read for the consultation, or None: not imported, or already read for this version.
    Makes its reading record when it has none (so that two runs share one)."""
    consultation = db.session.get(Consultation, consultation_id)
    item = consultation.intake_item if consultation is not None else None
    if item is None or item.source == ItemSource.FEED:
        return None  # a feed's entry links to pages on any host: not read (see docs/intake.md)
    read_for = version_of(item)
    record = _record(consultation_id)
    if record is None:
        savepoint = db.session.begin_nested()
        try:
            db.session.add(DocumentReading(consultation_id=consultation_id))
            savepoint.commit()
        except IntegrityError:
            savepoint.rollback()  # another run made it first
    elif not force and record.documents_read_for is not None and record.documents_read_for == read_for:
        return None
    config = current_app.config
    if item.source == ItemSource.COMMITTEES:
        page_url = config["COMMITTEES_SITE_URL"].rstrip("/") + item.base_path
        return Due(consultation_id, ItemSource.COMMITTEES, item.content_id, page_url, read_for)
    return Due(consultation_id, ItemSource.GOVUK, item.base_path,
               config["GOVUK_API_BASE_URL"].rstrip("/") + item.base_path, read_for)


def store(due: Due, reading: Reading, *, now: datetime | None = None) -> bool:
    """Replace the consultation's documents and questions with the reading's. False (and nothing
    written) when another run already stored a complete reading of this version. A reading whose
    item could not be read keeps what an earlier reading found, with the problem noted."""
    now = now or utcnow()
    record = _record(due.consultation_id, lock=True)
    if record is None:
        record = DocumentReading(consultation_id=due.consultation_id)
        db.session.add(record)
    elif due.read_for is not None and record.documents_read_for == due.read_for:
        return False
    record.read_at = now
    if reading.problem:
        record.problem = reading.problem[:2000]
        record.documents_read_for = None
        db.session.flush()
        return True
    for model in (ConsultationDocument, ConsultationQuestion):
        db.session.execute(delete(model).where(model.consultation_id == due.consultation_id))
    db.session.add_all(
        ConsultationDocument(
            consultation_id=due.consultation_id, position=position, title=d.title[:300], url=d.url[:1000],
            kind=d.kind, status=d.status, reason=d.reason[:2000], content_type=d.content_type[:100],
            size=d.size, read_at=now,
        )
        for position, d in enumerate(reading.documents, start=1)
    )
    db.session.add_all(
        ConsultationQuestion(
            consultation_id=due.consultation_id, position=position, number=q.number[:20], text=q.text,
            options=q.options, source_title=q.source_title[:300], source_url=q.source_url[:1000],
            source_where=q.source_where[:300],
        )
        for position, q in enumerate(reading.questions, start=1)
    )
    record.ways_to_respond = reading.ways_to_respond
    record.problem = ""
    record.documents_read_for = due.read_for if reading.complete else None
    db.session.flush()
    return True


# The ways GOV.UK lists to respond (details.ways_to_respond) that send a response, as the method a
# submission records; the department's response form (attachment_url) goes by one of them.
SENDING_WAYS = {"link_url": SubmissionMethod.ONLINE_FORM, "email": SubmissionMethod.EMAIL,
                "postal_address": SubmissionMethod.POST}
_BY = {SubmissionMethod.ONLINE_FORM: "its online form", SubmissionMethod.EMAIL: "email",
       SubmissionMethod.POST: "post"}


def accepted_methods(consultation_id: int) -> list[SubmissionMethod]:
    """How the department asks for responses ([] when it said nothing, or nothing was read)."""
    ways = db.session.scalar(select(DocumentReading.ways_to_respond)
                             .where(DocumentReading.consultation_id == consultation_id))
    ways = ways if isinstance(ways, dict) else {}
    return [method for key, method in SENDING_WAYS.items() if str(ways.get(key) or "").strip()]


def check_submission_method(consultation_id: int, method: str, reference: str = "") -> str | None:
    """Why a response recorded as sent by ``method`` did not go a way the department asks for, or
    None: it did, or the department listed no way (a consultation logged by hand, not read yet).
    "Other" is a way the department agreed that it does not list: the reference must say which."""
    accepted = accepted_methods(consultation_id)
    if not accepted or method in accepted:
        return None
    if method == SubmissionMethod.OTHER and reference.strip():
        return None
    ways = [_BY[m] for m in accepted]
    named = ways[0] if len(ways) == 1 else ", ".join(ways[:-1]) + " or " + ways[-1]
    choose = " or ".join(m.label for m in accepted)
    return (f"The department asks for responses by {named} only. Choose {choose}; or, if it agreed to "
            "take the response another way, choose Other and say how in the reference")
