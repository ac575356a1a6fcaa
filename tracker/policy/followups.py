"""Follow-up actions of the engagement log in the reminder sweep: a kind of reminder of its own.

Each sweep (tracker/reminders/services.py calls ``plan``) finds the open follow-ups due within
DATES.soon working days, or overdue, and tells each owner once per follow-up, point
(due soon, overdue) and due date: the reminder row's ``event_key`` names the three, and is unique
with the recipient, so a second sweep or a concurrent one inserts nothing (insert-unless-exists),
and only the sweep whose row went in queues the send. The send goes through messaging's
delivery (immediate or the daily digest, per the owner's preference), which asks
``still_relevant`` just before sending.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from tracker.extensions import db
from tracker.mail import header_text
from tracker.messaging import kinds
from tracker.messaging.keyed import OVERDUE_LOOKBACK, Due, DueDates, insert_once
from tracker.models import User
from tracker.models.messages import KIND_LABELS, Message
from tracker.models.policy import Engagement, FollowUp
from tracker.urls import external_url

FOLLOW_UP_DUE = "follow_up_due"
FOLLOW_UP_OVERDUE = "follow_up_overdue"
KINDS = frozenset({FOLLOW_UP_DUE, FOLLOW_UP_OVERDUE})
DATES = DueDates("follow-up", FOLLOW_UP_DUE, FOLLOW_UP_OVERDUE, soon=3)
event_key, point = DATES.key, DATES.point

KIND_LABELS.update({
    FOLLOW_UP_DUE: "A follow-up action you own is due soon",
    FOLLOW_UP_OVERDUE: "A follow-up action you own is overdue",
})


def subject(kind: str, description: str, due_on: date) -> str:
    when = f"{due_on:%A %-d %B %Y}"
    text = f"Follow-up overdue (due {when})" if kind == FOLLOW_UP_OVERDUE else f"Follow-up due {when}"
    return header_text(f"{text}: {description}", limit=300)


def plan(now: datetime, today: date) -> tuple[int, list[int]]:
    """Insert the follow-up reminders that are due and missing; returns (how many went in, the ids
    to email at once, queued after the caller's commit). Flushes, never commits."""
    horizon = DATES.horizon(today)
    rows = db.session.execute(
        select(FollowUp.id, FollowUp.description, FollowUp.owner_id, FollowUp.due_on, FollowUp.engagement_id,
               Engagement.title, Engagement.occurred_on)
        .join(Engagement, Engagement.id == FollowUp.engagement_id)
        .join(User, User.id == FollowUp.owner_id)
        .where(FollowUp.done_at.is_(None), FollowUp.due_on <= horizon, FollowUp.due_on >= today - OVERDUE_LOOKBACK,
               User.is_enabled.is_(True))
        .order_by(FollowUp.id)
    ).all()
    wanted = [(row, kind) for row in rows if (kind := point(row.due_on, today)) is not None]
    return insert_once((Due(
        key=event_key(row.id, kind, row.due_on), recipient_id=row.owner_id, kind=kind,
        subject=subject(kind, row.description, row.due_on),
        body=(f"From the engagement “{row.title}” on {row.occurred_on:%-d %B %Y}: {row.description}\n"
              "Mark it done in the tracker when it is: "
              + external_url("policy.engagement", engagement_id=row.engagement_id)),
    ) for row, kind in wanted), now)


def still_relevant(reminder: Message) -> str:
    """'' if a follow-up reminder should still go out, else why not."""
    parsed = DATES.parse(reminder.event_key)
    follow_up = db.session.get(FollowUp, parsed[0]) if parsed is not None else None
    if follow_up is None:
        return "The follow-up no longer exists."
    if follow_up.done_at is not None:
        return "The follow-up has been marked done."
    if follow_up.owner_id != reminder.recipient_id:
        return "The follow-up has another owner now."
    if not reminder.recipient.is_enabled:
        return "The account is disabled."
    return ""


# Just before a follow-up reminder goes, messaging asks whether it still should.
kinds.register(kinds.KindRules(lambda message, now: kinds.Ready(still_relevant(message))),
               prefix="follow_up_")
