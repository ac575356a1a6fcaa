"""Reminders of a request for evidence, planned by the reminder sweep: a kind of their own.

Each sweep (tracker/reminders/services.py calls ``plan``) finds the asked cities that have not
answered a request still open, whose reply-by date is within DATES.soon working days
(or has passed), and tells the city's policy leads (and its contributors, if the lead chose) once
per reply, point (due soon, overdue) and date: the message's ``event_key`` names the three and is
unique with the recipient, so a second sweep or a concurrent one inserts nothing, and only the
sweep whose row went in queues the send. Delivery asks ``still_relevant`` just before sending: a
city that has since replied, or said it has nothing to add, or a request closed since, is skipped.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from tracker.drafts.permissions import EDITABLE_STATUSES
from tracker.evidence.services import officers
from tracker.extensions import db
from tracker.mail import header_text
from tracker.messaging import kinds
from tracker.messaging.keyed import OVERDUE_LOOKBACK, Due, DueDates, insert_once
from tracker.models import City, Consultation
from tracker.models.evidence import EvidenceReply, EvidenceRequest, ReplyState
from tracker.models.messages import KIND_LABELS, Message
from tracker.urls import external_url

EVIDENCE_DUE = "evidence_due"
EVIDENCE_OVERDUE = "evidence_overdue"
KINDS = (EVIDENCE_DUE, EVIDENCE_OVERDUE)
DATES = DueDates("evidence", EVIDENCE_DUE, EVIDENCE_OVERDUE, soon=2)
event_key, point = DATES.key, DATES.point

KIND_LABELS.update({
    EVIDENCE_DUE: "Your city's evidence is due soon",
    EVIDENCE_OVERDUE: "Your city's evidence is overdue",
})


def subject(kind: str, city: str, title: str, reply_by: date) -> str:
    when = f"{reply_by:%A %-d %B %Y}"
    text = (f"{city}'s evidence is overdue (asked by {when})" if kind == EVIDENCE_OVERDUE
            else f"{city}'s evidence is due by {when}")
    return header_text(f"{text}: {title}", limit=300)


def plan(now: datetime, today: date) -> tuple[int, list[int]]:
    """Insert the evidence reminders that are due and missing; returns (how many went in, the ids
    to email at once, queued after the caller's commit). Flushes, never commits."""
    horizon = DATES.horizon(today)
    rows = db.session.execute(
        select(EvidenceReply.id, EvidenceReply.city_id, City.name.label("city"), EvidenceRequest.id.label("request_id"),
               EvidenceRequest.reply_by, EvidenceRequest.include_contributors, EvidenceRequest.brief,
               Consultation.id.label("consultation_id"), Consultation.title)
        .join(EvidenceRequest, EvidenceRequest.id == EvidenceReply.request_id)
        .join(Consultation, Consultation.id == EvidenceRequest.consultation_id)
        .join(City, City.id == EvidenceReply.city_id)
        .where(EvidenceReply.state == ReplyState.AWAITED.value, EvidenceRequest.closed_at.is_(None),
               EvidenceRequest.reply_by <= horizon, EvidenceRequest.reply_by >= today - OVERDUE_LOOKBACK,
               Consultation.status.in_([s.value for s in EDITABLE_STATUSES]))
        .order_by(EvidenceReply.id)
    ).all()
    due = [(row, kind) for row in rows if (kind := point(row.reply_by, today)) is not None]
    if not due:
        return 0, []
    with_contributors = officers({r.city_id for r, _ in due if r.include_contributors}, include_contributors=True)
    leads_only = officers({r.city_id for r, _ in due}, include_contributors=False)
    wanted = [(row, kind, user) for row, kind in due
              for user in (with_contributors if row.include_contributors else leads_only)[row.city_id]]
    return insert_once((Due(
        key=event_key(row.id, kind, row.reply_by), recipient_id=user.id, kind=kind,
        consultation_id=row.consultation_id, subject=subject(kind, row.city, row.title, row.reply_by),
        body=(f"The lead city asked {row.city} for local evidence on “{row.title}”; the reply "
              f"{'was' if kind == EVIDENCE_OVERDUE else 'is'} due by {row.reply_by:%A %-d %B %Y} and {row.city} "
              f"has not answered yet.\n\nWhat is needed:\n{row.brief}\n\nReply, or say {row.city} has nothing "
              "to add, here: " + external_url("evidence.reply", consultation_id=row.consultation_id,
                                              request_id=row.request_id)),
    ) for row, kind, user in wanted), now)


def still_relevant(message: Message) -> str:
    """'' if an evidence reminder should still go out, else why not."""
    parsed = DATES.parse(message.event_key)
    reply = db.session.get(EvidenceReply, parsed[0]) if parsed is not None else None
    if reply is None or parsed is None:
        return "The request for evidence no longer exists."
    request = reply.request
    if request.closed_at is not None:
        return "The lead city closed the request for evidence."
    if reply.state == ReplyState.REPLIED:
        return "The city has replied."
    if reply.state == ReplyState.NOTHING_TO_ADD:
        return "The city said it has nothing to add."
    if request.reply_by != parsed[1]:
        return "The reply-by date has changed."
    if request.consultation.status not in {s.value for s in EDITABLE_STATUSES}:
        return "The draft is no longer being written."
    if not message.recipient.is_enabled or message.recipient.city_id != reply.city_id:
        return "The person is no longer an officer of the city asked."
    return ""


# Just before an evidence reminder goes, messaging asks whether it still should.
kinds.register(kinds.KindRules(lambda message, now: kinds.Ready(still_relevant(message))), kinds=KINDS)
