"""Changes to what people follow, read from the activity log: a consultation's closing date or
internal deadline moved, its status changed, its outcome recorded; an ask's status changed or its
take-up recorded in a response; a select committee's consultations changing, or a new call for
evidence from it. Each change is told once to each follower (its key names the log entry or the
item), never a change from before they followed, nor to the person who made it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from tracker.alerts.matching import ITEMS, LOOKBACK
from tracker.consultations import workflow
from tracker.extensions import db
from tracker.messaging.notify import notify
from tracker.models import ActivityLog, Consultation, IssuerType, Status, User
from tracker.models.alerts import Follow
from tracker.models.intake import IntakeItem, ItemSource, ItemState
from tracker.models.messages import Event, Message
from tracker.models.policy import AskStatus, AskTakenUp, PolicyAsk
from tracker.timeutil import format_date, format_uk, parse_iso
from tracker.urls import external_url

ASK_SUBJECT = "policy_ask"  # as policy/services.py writes it
TAKE_UP = "ask_take_up"
OUTCOME_ACTIONS = {"publish_outcome", "govuk_outcome"}
ENTRIES = 2000


@dataclass(frozen=True)
class Change:
    key: str
    subject: str
    body: str
    consultation: Consultation | None
    followers: list[User]


def _status(value: Any) -> str:
    try:
        return Status(value).label.lower()
    except ValueError:
        return "unknown"


def _day(value: Any) -> str:
    when = parse_iso(value) if isinstance(value, str) and "T" in value else None
    if when is not None:
        return format_uk(when)
    try:
        return format_date(datetime.fromisoformat(value).date()) if value else "none set"
    except (TypeError, ValueError):
        return "none set"


def consultation_said(entry: ActivityLog) -> list[str]:
    """What a log entry of a consultation tells a follower, in words; nothing for other changes."""
    before, after = entry.before or {}, entry.after or {}
    said: list[str] = []
    if entry.action == "create":
        return said  # a new consultation is not a change (a committee's new calls are told from the inbox)
    if entry.action in OUTCOME_ACTIONS:
        said.append("The government's outcome was recorded" if entry.action == "publish_outcome"
                    else "The government published its outcome")
    elif "status" in after and after.get("status") != before.get("status"):
        said.append(f"Its status changed from {_status(before.get('status'))} to {_status(after['status'])}")
    if "closes_at" in after and after.get("closes_at") != before.get("closes_at"):
        said.append(f"Its closing date moved from {_day(before.get('closes_at'))} to {_day(after['closes_at'])}")
    if "internal_deadline" in after and after.get("internal_deadline") != before.get("internal_deadline"):
        said.append(f"Its internal deadline moved from {_day(before.get('internal_deadline'))} "
                    f"to {_day(after['internal_deadline'])}")
    return said


def _ask_said(entry: ActivityLog) -> list[str]:
    before, after = entry.before or {}, entry.after or {}
    if "status" in after and after.get("status") != before.get("status"):
        def label(value: Any) -> str:
            return AskStatus(value).label.lower() if value in {s.value for s in AskStatus} else "unknown"
        return [f"Its status changed from {label(before.get('status'))} to {label(after['status'])}"]
    return []


def _taken(value: Any) -> str:
    return AskTakenUp(value).label.lower() if value in {t.value for t in AskTakenUp} else "not recorded"


def _actions() -> list[str]:
    """The log's actions that can tell a follower something: the workflow's steps, edits, outcomes,
    asks' edits and take-up. Named, so the log is read through its (action, created_at) index, never
    scanned whatever its size."""
    return sorted({*workflow.TRANSITIONS, "edit", "ask_edited", TAKE_UP, *OUTCOME_ACTIONS})


def _entries(floor: datetime) -> list[ActivityLog]:
    followed = or_(
        ActivityLog.consultation_id.in_(select(Follow.consultation_id).where(Follow.consultation_id.is_not(None))),
        and_(ActivityLog.subject_type == ASK_SUBJECT,
             ActivityLog.subject_id.in_(select(Follow.ask_id).where(Follow.ask_id.is_not(None)))),
        ActivityLog.action == TAKE_UP,
        and_(Consultation.issuer_type == IssuerType.SELECT_COMMITTEE.value,
             Consultation.issuing_organisation.in_(select(Follow.committee).where(Follow.committee.is_not(None)))),
    )
    return list(db.session.scalars(
        select(ActivityLog).outerjoin(Consultation, Consultation.id == ActivityLog.consultation_id)
        .options(contains_eager(ActivityLog.consultation))
        .where(ActivityLog.action.in_(_actions()), ActivityLog.created_at >= floor, followed)
        .order_by(ActivityLog.id).limit(ENTRIES)))


def _follows(consultations: set[int], asks: set[int], committees: set[str]) -> list[Follow]:
    if not (consultations or asks or committees):
        return []
    return list(db.session.scalars(
        select(Follow).options(joinedload(Follow.user))
        .where(or_(Follow.consultation_id.in_(consultations), Follow.ask_id.in_(asks),
                   Follow.committee.in_(committees)))))


def _committee(consultation: Consultation | None) -> str | None:
    if consultation is not None and consultation.issuer_type == IssuerType.SELECT_COMMITTEE:
        return consultation.issuing_organisation
    return None


def _who(follows: Iterable[Follow], since: datetime, actor_id: int | None) -> list[User]:
    return [f.user for f in follows if f.created_at <= since and f.user_id != actor_id]


def _changes(floor: datetime) -> list[Change]:
    entries = _entries(floor)
    items = list(db.session.scalars(
        # Waiting in the inbox: read through the (state, closing date) index.
        select(IntakeItem).where(IntakeItem.state == ItemState.PENDING.value,
                                 IntakeItem.source == ItemSource.COMMITTEES.value, IntakeItem.first_seen_at >= floor)
        .order_by(IntakeItem.id).limit(ITEMS)))
    ask_ids = {int(k) for e in entries if e.action == TAKE_UP for k in (e.after or {}) if str(k).isdecimal()}
    ask_ids |= {e.subject_id for e in entries if e.subject_type == ASK_SUBJECT and e.subject_id is not None}
    committees = {c for c in (_committee(e.consultation) for e in entries) if c}
    committees |= {item.organisation_text for item in items}
    follows = _follows({e.consultation_id for e in entries if e.consultation_id}, ask_ids, committees)
    by_consultation: dict[int, list[Follow]] = {}
    by_ask: dict[int, list[Follow]] = {}
    by_committee: dict[str, list[Follow]] = {}
    for f in follows:
        if f.consultation_id:
            by_consultation.setdefault(f.consultation_id, []).append(f)
        if f.ask_id:
            by_ask.setdefault(f.ask_id, []).append(f)
        if f.committee:
            by_committee.setdefault(f.committee, []).append(f)
    asks = {a.id: a.title for a in db.session.scalars(select(PolicyAsk).where(PolicyAsk.id.in_(ask_ids)))} if ask_ids else {}
    changes: list[Change] = []
    for entry in entries:
        key = f"follow:{entry.id}"
        consultation = entry.consultation
        if entry.action == TAKE_UP and consultation is not None:
            for ask_id, value in (entry.after or {}).items():
                if str(ask_id).isdecimal() and int(ask_id) in asks:
                    changes.append(Change(
                        f"{key}:ask:{ask_id}", f"Take-up recorded for the ask “{asks[int(ask_id)]}”",
                        f"The response to “{consultation.title}” now records the ask “{asks[int(ask_id)]}” as "
                        f"{_taken(value)}.\n\nSee the ask: {external_url('policy.ask', ask_id=int(ask_id))}",
                        consultation, _who(by_ask.get(int(ask_id), []), entry.created_at, entry.actor_id)))
        elif entry.subject_type == ASK_SUBJECT and entry.subject_id in asks:
            said = _ask_said(entry)
            if said:
                title = asks[entry.subject_id]
                changes.append(Change(key, f"The ask “{title}” changed", ". ".join(said) + ".\n\nSee the ask: "
                                      + external_url("policy.ask", ask_id=entry.subject_id), None,
                                      _who(by_ask.get(entry.subject_id, []), entry.created_at, entry.actor_id)))
        elif consultation is not None:
            said = consultation_said(entry)
            if said:
                follows_here = by_consultation.get(consultation.id, []) + by_committee.get(_committee(consultation) or "", [])
                changes.append(Change(
                    key, f"Changed: {consultation.title}",
                    f"“{consultation.title}”, which you follow, changed. " + ". ".join(said) + ".\n\nOpen it: "
                    + external_url("consultations.detail", consultation_id=consultation.id),
                    consultation, _who(follows_here, entry.created_at, entry.actor_id)))
    for item in items:
        changes.append(Change(
            f"follow:item:{item.id}", f"New from {item.organisation_text}: {item.title}",
            f"{item.organisation_text}, which you follow, published “{item.title}”. It is waiting in the triage "
            f"inbox.\n\nSee what you follow: {external_url('alerts.following')}",
            None, _who(by_committee.get(item.organisation_text, []), item.first_seen_at, None)))
    return [c for c in changes if c.followers]


def due(now: datetime) -> list[Change]:
    """Each change with the followers not yet told of it (reads only)."""
    changes = _changes(now - LOOKBACK)
    if not changes:
        return []
    known = set(db.session.execute(select(Message.event_key, Message.recipient_id).where(
        Message.event_key.in_({c.key for c in changes}))).tuples())
    untold = [Change(c.key, c.subject, c.body, c.consultation, [u for u in c.followers if (c.key, u.id) not in known])
              for c in changes]
    return [c for c in untold if c.followers]


def tell(changes: list[Change]) -> int:
    """Tell followers of each change (flushes); how many were told."""
    return sum(len(notify(c.followers, kind=Event.FOLLOWED_CHANGE.value, key=c.key, subject=c.subject[:300],
                          body=c.body, consultation=c.consultation)) for c in changes)
