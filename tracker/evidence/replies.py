"""A city's reply to a request for evidence: text per question and attachments, or "nothing to add".

Any of the asked city's policy leads and contributors may reply, for their own city only, and
change the reply until the lead closes the request. Each change carries the reply's version, so
two officers of the city writing at once cannot overwrite each other unseen. The person who asked
(and the consultation's named policy lead) hear of a city's answer once per kind of answer. The
verbs flush, never commit; attachments are written as they are kept (files.py removes them again
if the transaction rolls back).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult

from tracker import activity
from tracker.errors import DomainError, PermissionDenied, Stale
from tracker.evidence import files, permissions
from tracker.evidence.services import get_request
from tracker.extensions import db
from tracker.messaging.notify import notify
from tracker.models import Consultation, User
from tracker.models.evidence import EvidenceAnswer, EvidenceFile, EvidenceReply, EvidenceRequest, ReplyState
from tracker.models.messages import Event
from tracker.timeutil import utcnow
from tracker.urls import external_url

MAX_ANSWER = 20_000


class RequestClosed(DomainError):
    """The request stopped taking replies while the city was writing."""

    status_code = 409


@dataclass
class ReplyInput:
    # {question id: text}; None: the consultation as a whole (or anything else).
    answers: Mapping[int | None, str] = field(default_factory=dict)
    uploads: Sequence[files.Checked] = ()
    remove_file_ids: Sequence[int] = ()


def reply_of(actor: User, consultation: Consultation, request_id: int) -> tuple[EvidenceRequest, EvidenceReply]:
    """The request, and the reply the actor may write: their own city's."""
    request = get_request(consultation, request_id)
    reply = None
    if actor.city_id is not None:
        reply = db.session.scalar(select(EvidenceReply).where(EvidenceReply.request_id == request.id,
                                                              EvidenceReply.city_id == actor.city_id))
    if reply is None or not permissions.speaks_for(actor, reply):
        raise PermissionDenied("Only the policy leads and contributors of a city asked for evidence can reply, "
                               "and only for their own city.")
    return request, reply


def _check_open(request: EvidenceRequest, consultation: Consultation) -> None:
    if permissions.is_open(request, consultation):
        return
    why = "the lead city closed this request" if request.closed_at is not None else \
        "the draft is no longer being written"
    raise RequestClosed(f"Your reply was not saved: {why}. Your text is still below, so you can copy it and "
                        "send it to the lead city another way.")


def _claim(reply: EvidenceReply, seen_version: int | None) -> None:
    """Move the reply to its next version, or refuse: another officer of the city changed it."""
    stale = Stale(
        f"{reply.replied_by.display_name if reply.replied_by else 'Someone in your city'} changed your city's reply "
        "after you opened this page, so yours was not saved. What you typed is still below: check the reply as it "
        "is now and send again (choose any files again).", version=reply.version)
    if seen_version != reply.version:
        raise stale
    result = db.session.execute(
        update(EvidenceReply).where(EvidenceReply.id == reply.id, EvidenceReply.version == seen_version)
        .values(version=reply.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False))
    assert isinstance(result, CursorResult)
    if result.rowcount != 1:
        db.session.refresh(reply)
        stale.version = reply.version
        raise stale
    db.session.refresh(reply)


def _answers(request: EvidenceRequest, given: Mapping[int | None, str]) -> dict[int | None, str]:
    allowed: set[int | None] = {q.question_id for q in request.questions} | {None}
    kept: dict[int | None, str] = {}
    for key, value in given.items():
        if key not in allowed:
            raise DomainError("Answer the questions this request asks about.")
        text = value.strip().replace("\r\n", "\n")
        if len(text) > MAX_ANSWER:
            raise DomainError(f"Each answer must be {MAX_ANSWER:,} characters or fewer.",
                              field=f"answer_{key}" if key is not None else "answer_all")
        if text:
            kept[key] = text
    return kept


def reply(actor: User, consultation: Consultation, request_id: int, data: ReplyInput, *,
          seen_version: int | None, max_reply_bytes: int) -> EvidenceReply:
    """Send (or change) the actor's city's evidence."""
    request, row = reply_of(actor, consultation, request_id)
    _check_open(request, consultation)
    answers = _answers(request, data.answers)
    current = {f.id: f for f in row.files}
    removing = set(data.remove_file_ids)
    if not removing <= set(current):
        raise DomainError("Choose from your reply's attachments.", field="remove_files")
    kept_bytes = sum(f.size for i, f in current.items() if i not in removing)
    total = kept_bytes + sum(u.size for u in data.uploads)
    if total > max_reply_bytes:
        raise files.TooLarge(f"A reply can hold {files.size_text(max_reply_bytes)} of files at most; with these "
                             f"it would be {files.size_text(total)}. Attach fewer or smaller files.", field="files")
    if not answers and not data.uploads and len(current) == len(removing):
        raise DomainError("Enter your city's evidence or attach a file, or tell the lead city you have nothing "
                          "to add.")
    first = row.state != ReplyState.REPLIED
    _claim(row, seen_version)
    db.session.execute(delete(EvidenceAnswer).where(EvidenceAnswer.reply_id == row.id))
    db.session.add_all([EvidenceAnswer(reply_id=row.id, question_id=k, text=v) for k, v in answers.items()])
    for file_id in removing:
        files.drop_after_commit(db.session(), current[file_id].stored_name)
        db.session.delete(current[file_id])
    for upload in data.uploads:
        db.session.add(EvidenceFile(reply_id=row.id, stored_name=files.store(db.session(), upload),
                                    filename=upload.filename, content_type=upload.kind.content_type,
                                    size=upload.size, uploaded_by_id=actor.id, created_at=utcnow()))
    row.state = ReplyState.REPLIED.value
    row.replied_by_id = actor.id
    row.replied_at = row.replied_at or utcnow()
    db.session.flush()
    db.session.expire(row, ["answers", "files"])
    city = row.city.name
    activity.record("evidence_reply", actor=actor, consultation=consultation,
                    message=f"{city} {'sent' if first else 'changed'} its evidence",
                    after={"answers": len(answers), "files_added": len(data.uploads), "files_removed": len(removing)},
                    subject_type="evidence_reply", subject_id=row.id)
    if first:
        _tell_the_lead(actor, consultation, request, row, f"{city} sent its evidence")
    return row


def nothing_to_add(actor: User, consultation: Consultation, request_id: int, *,
                   seen_version: int | None) -> EvidenceReply:
    """The city has no evidence to give: a reply too (it is not reminded again)."""
    request, row = reply_of(actor, consultation, request_id)
    _check_open(request, consultation)
    if row.state == ReplyState.REPLIED:
        raise DomainError(f"{row.city.name} has sent evidence: change or clear that reply instead.")
    if row.state == ReplyState.NOTHING_TO_ADD:
        raise DomainError(f"{row.city.name} has already said it has nothing to add.")
    _claim(row, seen_version)
    row.state = ReplyState.NOTHING_TO_ADD.value
    row.replied_by_id = actor.id
    row.replied_at = utcnow()
    db.session.flush()
    activity.record("evidence_nothing_to_add", actor=actor, consultation=consultation,
                    message=f"{row.city.name} has no evidence to add", subject_type="evidence_reply",
                    subject_id=row.id)
    _tell_the_lead(actor, consultation, request, row, f"{row.city.name} has nothing to add")
    return row


def _tell_the_lead(actor: User, consultation: Consultation, request: EvidenceRequest, row: EvidenceReply,
                   what: str) -> None:
    people = [u for u in (request.asked_by, consultation.policy_lead) if u is not None and u.id != actor.id]
    link = external_url("drafts.response", consultation_id=consultation.id) + "#evidence"
    notify(people, kind=Event.EVIDENCE_REPLIED.value, subject=f"{what}: {consultation.title}",
           body=f"{actor.display_name} answered your request for evidence on “{consultation.title}”: {what}.\n\n"
                f"See the replies beside the draft, and quote them into it: {link}",
           consultation=consultation, key=f"evidence-reply-{row.id}-{row.state}")
