"""The reminder rules the sweep and the sends share: which points fall due when, what each
email says it is about, whether a planned reminder is still worth sending, and how a sent one
replaces those about another date. The sweep (services.py) plans with them; messaging checks
them again just before sending (registered below), since the data may have changed in between."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import update

from tracker.extensions import db
from tracker.mail import header_text
from tracker.messaging import kinds
from tracker.models import OPEN_STATUSES, Status
from tracker.models.messages import BEFORE_POINTS, Kind, Message, State
from tracker.timeutil import to_uk, working_days_before, working_days_between

# Work that is past its internal deadline and not yet in review escalates.
NOT_YET_IN_REVIEW = frozenset({Status.TRIAGED, Status.ASSIGNED, Status.DRAFTING})
# "No approved draft": open and not approved.
NOT_APPROVED = frozenset(OPEN_STATUSES - {Status.APPROVED})
CLOSING_SOON = timedelta(days=3)

REMINDER_KINDS = frozenset(
    {Kind.BEFORE_14, Kind.BEFORE_7, Kind.BEFORE_3, Kind.BEFORE_1, Kind.CLOSING_DAY, Kind.OVERDUE}
)
# Which date a point is about: the closing day, or else the internal deadline.
CLOSING_DATE_KINDS = frozenset({Kind.CLOSING_DAY.value, Kind.ESCALATION_CLOSING.value})
DATED_KINDS = frozenset({k.value for k in REMINDER_KINDS} | {Kind.ESCALATION_OVERDUE.value,
                                                            Kind.ESCALATION_CLOSING.value})
REPLANNED = "Not sent: a later reminder named another date."


# Working days are counted by stepping through the calendar a day at a time, and a sweep asks
# the same few questions (a few dozen deadlines, one today) for every consultation: remember
# the answers. They depend on nothing but their arguments.
@lru_cache(maxsize=4096)
def latest_before_point(deadline: date, today: date) -> str | None:
    """The most recent 'N working days before' point that has fallen due by today.

    Only the latest one: after a long outage nobody wants the 14-day reminder
    alongside the 3-day one.
    """
    if today > deadline:
        return None
    latest: str | None = None
    for kind, n in BEFORE_POINTS.items():  # 14, 7, 3, 1: later points overwrite
        if working_days_before(deadline, n) <= today:
            latest = kind
    return latest


def due_points(
    *,
    status: str,
    internal_deadline: date | None,
    closes_at: datetime,
    now: datetime,
    today: date,
) -> tuple[list[tuple[str, date]], list[tuple[str, date]]]:
    """(points for the consultation's people, escalations for coordinators), each (kind, deadline)."""
    people: list[tuple[str, date]] = []
    coordinators: list[tuple[str, date]] = []
    if status not in OPEN_STATUSES:
        return people, coordinators
    close_day = to_uk(closes_at).date()
    if internal_deadline is not None:
        kind = latest_before_point(internal_deadline, today)
        if kind is not None:
            people.append((kind, internal_deadline))
        if today > internal_deadline and status in NOT_YET_IN_REVIEW:
            people.append((Kind.OVERDUE.value, internal_deadline))
            coordinators.append((Kind.ESCALATION_OVERDUE.value, internal_deadline))
    if close_day == today and closes_at > now:
        people.append((Kind.CLOSING_DAY.value, close_day))
    if status in NOT_APPROVED and now < closes_at <= now + CLOSING_SOON:
        coordinators.append((Kind.ESCALATION_CLOSING.value, close_day))
    return people, coordinators


def subject(kind: str, title: str, deadline: date, today: date) -> str:
    title = header_text(title, limit=10_000)  # a title holding CR/LF must not break the email's header
    short = title if len(title) <= 120 else title[:117] + "…"
    when = f"{deadline:%A %-d %B %Y}"
    if kind in BEFORE_POINTS:
        # Say how far off it really is today (a caught-up reminder may be a day late).
        left = _working_days_left(today, deadline)
        if left <= 0:
            text = f"Internal deadline today ({when})"
        elif left == 1:
            text = f"Internal deadline next working day ({when})"
        else:
            text = f"Internal deadline in {left} working days ({when})"
    else:
        labels: dict[str, str] = {
            Kind.CLOSING_DAY: "Government consultation closes today",
            Kind.OVERDUE: f"Internal deadline passed ({when})",
            Kind.ESCALATION_OVERDUE: f"Escalation: past its internal deadline ({when}) and not in review",
            Kind.ESCALATION_CLOSING: f"Escalation: closes {when} with no approved response",
        }
        text = labels.get(kind, "Reminder")
    return f"{text}: {short}"[:300]


@lru_cache(maxsize=4096)
def _working_days_left(today: date, deadline: date) -> int:
    return working_days_between(today, deadline)


def still_relevant(reminder: Message) -> str:
    """'' if the reminder should still go out, else why not (the data changed since the sweep)."""
    c = reminder.consultation
    if reminder.kind not in REMINDER_KINDS and not reminder.kind.startswith("escalation_"):
        return ""
    if c is None:
        return "The consultation no longer exists."
    if c.status not in OPEN_STATUSES:
        return f"The consultation is now {c.status_label.lower()}."
    if not reminder.recipient.is_enabled:
        return "The account is disabled."
    if reminder.kind in REMINDER_KINDS - {Kind.CLOSING_DAY} or reminder.kind == Kind.ESCALATION_OVERDUE:
        if c.internal_deadline != reminder.deadline:
            return "The internal deadline has changed."
    if reminder.kind in (Kind.CLOSING_DAY, Kind.ESCALATION_CLOSING):
        if to_uk(c.closes_at).date() != reminder.deadline:
            return "The closing date has changed."
    if reminder.kind in (Kind.OVERDUE, Kind.ESCALATION_OVERDUE) and c.status not in NOT_YET_IN_REVIEW:
        return "The work is now in review."
    if reminder.kind == Kind.ESCALATION_CLOSING and c.status not in NOT_APPROVED:
        return "The response has been approved."
    return ""


def supersede_other_dates(sent: Iterable[tuple[int | None, int, str, date | None]], now: datetime) -> None:
    """A reminder naming date D went to a person: their reminders of the same consultation about
    another date (of the same kind of deadline) stop counting, and any still waiting are not sent.

    So when the deadline moves back to a date they were reminded of before, they are reminded
    again (the last email they had named the other date); and a row that never went out changes
    nothing (skipped rows are superseded when skipped). Flushes; the caller commits."""
    for consultation_id, recipient_id, kind, deadline in sent:
        if deadline is None or consultation_id is None:
            continue
        family = CLOSING_DATE_KINDS if kind in CLOSING_DATE_KINDS else DATED_KINDS - CLOSING_DATE_KINDS
        others = (
            Message.consultation_id == consultation_id,
            Message.recipient_id == recipient_id,
            Message.kind.in_(family),
            Message.deadline != deadline,
            Message.superseded_at.is_(None),
        )
        db.session.execute(
            update(Message).where(*others, Message.state == State.PENDING.value)
            .values(state=State.SKIPPED.value, last_error=REPLANNED)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            update(Message).where(*others).values(superseded_at=now)
            .execution_options(synchronize_session=False)
        )


# Messaging asks, just before a reminder or an escalation goes, whether it still should, and
# tells once it has gone, so that the reminders about other dates stop counting.
kinds.register(kinds.KindRules(lambda message, now: kinds.Ready(still_relevant(message)),
                               after_sent=supersede_other_dates), kinds=DATED_KINDS)
