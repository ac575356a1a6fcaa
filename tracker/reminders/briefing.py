"""The Monday briefing: one email a week per person who wants it, through the reminder machinery.

A briefing is a ``Message`` row (kind "briefing", no consultation, delivery immediate) whose
``event_key`` names the ISO week ("briefing:2026-W49"); the existing unique constraint on
(event_key, recipient_id) makes a second sweep, beat or worker unable to plan it twice. The
sweep plans the week's rows (``plan``); delivery.deliver() claims and sends each as any other
reminder, with the same retries, fences and "may not have been delivered" handling, and asks
``prepare`` just before sending whether it still applies and what it says.

When: from BRIEFING_HOUR (UK time) on the week's first working day (Monday, or Tuesday after a
bank holiday Monday) to the end of Friday. A sweep later in that window (catch-up after downtime)
still plans the week's briefing; a weekend sweep plans none (one read on Saturday would be out of
date by Monday, when the next is due), and a row of an earlier week is never sent.

Who: coordinators and admins (the network's lists) and policy leads (their own work). Coordinators
and admins have it unless they say no, or chose no reminder emails at all: it replaces their
Monday look through the list. Policy leads choose it: they already get a reminder for each of
their deadlines, and one more email a week should be theirs to ask for.

An empty briefing is not sent (recorded as not sent, with the reason): an email that says
nothing teaches people to skip the ones that do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import current_app, render_template
from sqlalchemy import ColumnElement, and_, func, or_, select

from tracker.extensions import db, dialect_insert, table_of
from tracker.messaging import kinds
from tracker.messaging.outbox import SEND, queue_after_commit
from tracker.messaging.preferences import Effective, default_preferences, preferences_for
from tracker.models import STATUS_LABELS, Role, Status, User
from tracker.models.messages import Delivery, Kind, Message, ReminderPreference, State
from tracker.reminders.queries import BRIEFING_SECTION_LIMIT, BriefingLists, BriefingRow, briefing_lists
from tracker.timeutil import is_working_day, to_uk, uk_instant, uk_today
from tracker.urls import external_url

NETWORK_ROLES = frozenset({Role.ADMIN.value, Role.COORDINATOR.value})
ROLES = NETWORK_ROLES | {Role.POLICY_LEAD.value}

OFFERED_TO = "The Monday briefing is for coordinators and policy leads."
NOTHING = "Nothing to report this week."
EARLIER_WEEK = "This was an earlier week's briefing: the current week's replaces it."
NO_LONGER = "The person no longer wants the Monday briefing."
DISABLED = "The account is disabled."
NOT_OFFERED = "The person's role no longer has the Monday briefing."


@dataclass(frozen=True)
class Week:
    """An ISO week, Monday to Sunday in UK time."""

    monday: date

    @classmethod
    def of(cls, now: datetime) -> Week:
        today = uk_today(now)
        return cls(today - timedelta(days=today.weekday()))

    @property
    def key(self) -> str:
        year, week, _ = self.monday.isocalendar()
        return f"briefing:{year}-W{week:02d}"

    @property
    def previous(self) -> Week:
        return Week(self.monday - timedelta(days=7))

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as UTC instants of UK midnights: a week with a change of the clocks is
        an hour shorter or longer."""
        return uk_instant(self.monday, time(0)), uk_instant(self.monday + timedelta(days=7), time(0))

    @property
    def first_working_day(self) -> date:
        for offset in range(5):
            day = self.monday + timedelta(days=offset)
            if is_working_day(day):
                return day
        return self.monday

    def window(self, hour: int) -> tuple[datetime, datetime]:
        """When its briefing may be planned: [the first working day at ``hour``, Saturday 00:00)."""
        return (uk_instant(self.first_working_day, time(hour)),
                uk_instant(self.monday + timedelta(days=5), time(0)))


def briefing_hour() -> int:
    return min(23, max(0, int(current_app.config["BRIEFING_HOUR"])))


def due_week(now: datetime) -> Week | None:
    """The week whose briefing the sweep should plan now, if any."""
    week = Week.of(now)
    opens, closes = week.window(briefing_hour())
    return week if opens <= now < closes else None


def offered(user: User) -> bool:
    return user.role in ROLES


def default_for(role: str, delivery: str) -> bool:
    """Whether someone who has not chosen gets the briefing (see the module's docstring)."""
    return role in NETWORK_ROLES and delivery != Delivery.NONE.value


def wants(user: User, preferences: Effective) -> bool:
    if not offered(user):
        return False
    if preferences.briefing is not None:
        return preferences.briefing
    return default_for(user.role, preferences.delivery)


def _wanted(default_delivery: str) -> ColumnElement[bool]:
    """``wants`` as SQL, for the sweep's one read of who is due."""
    delivery = func.coalesce(ReminderPreference.delivery, default_delivery)
    return or_(
        ReminderPreference.briefing.is_(True),
        and_(ReminderPreference.briefing.is_(None), User.role.in_(NETWORK_ROLES),
             delivery != Delivery.NONE.value),
    )


def subject(week: Week) -> str:
    return f"{current_app.config['NETWORK_NAME']} Monday briefing: week of {week.monday:%-d %B %Y}"


def plan(now: datetime) -> list[int]:
    """Insert this week's briefing for everyone who wants it and has none yet; queue the sends
    after commit. Nothing outside the window; else three statements whoever and however many.
    Flushes, never commits."""
    week = due_week(now)
    if week is None:
        return []
    default_delivery = default_preferences().delivery
    planned = select(Message.id).where(Message.event_key == week.key, Message.recipient_id == User.id)
    due = list(db.session.scalars(
        select(User.id)
        .outerjoin(ReminderPreference, ReminderPreference.user_id == User.id)
        .where(User.is_enabled.is_(True), User.role.in_(ROLES), _wanted(default_delivery), ~planned.exists())
        .order_by(User.id)
    ))
    if not due:
        return []
    title = subject(week)
    rows = [
        {"consultation_id": None, "recipient_id": uid, "kind": Kind.BRIEFING.value, "deadline": week.monday,
         "subject": title, "body": "", "delivery": Delivery.IMMEDIATE.value, "state": State.PENDING.value,
         "attempts": 0, "last_error": "", "created_at": now, "queued_at": now, "event_key": week.key}
        for uid in due
    ]
    # Another sweep may have planned some since the read: theirs stand, and only ours are queued.
    stmt = (
        dialect_insert(Message)
        .on_conflict_do_nothing(index_elements=["event_key", "recipient_id"])
        .returning(table_of(Message).c.id)
    )
    ids = [row.id for row in db.session.execute(stmt, rows).all()]
    queue_after_commit(db.session(), ids, SEND)
    return ids


@dataclass(frozen=True)
class Prepared:
    """What deliver() needs: why not to send (""), or the lists to send."""

    reason: str
    lists: BriefingLists | None = None


def prepare(reminder: Message, now: datetime) -> Prepared:
    """Just before sending: whether the briefing still applies, and its lists (read now, so that
    a send retried later says what is true then)."""
    user = reminder.recipient
    if not user.is_enabled:
        return Prepared(DISABLED)
    if not offered(user):
        return Prepared(NOT_OFFERED)
    week = Week.of(now)
    if reminder.deadline != week.monday:  # the sweep plans none but the current week's
        return Prepared(EARLIER_WEEK)
    if not wants(user, preferences_for([user.id])[user.id]):
        return Prepared(NO_LONGER)
    lists = briefing_lists(user_id=user.id, city_id=user.city_id, network=user.role in NETWORK_ROLES, now=now,
                           today=uk_today(now), last_week=week.previous.bounds)
    if lists.empty:
        return Prepared(NOTHING)
    return Prepared("", lists)


# --- The email: plain data for the templates, the wording decided here ------------------------

_SECTIONS = [
    ("closing", "Closing in the next 14 days", "Nothing closes in the next 14 days.",
     {"status": "open", "closing": "14"}),
    ("overdue", "Past the internal deadline, not yet submitted", "Nothing is past its internal deadline.",
     {"closing": "overdue"}),
    ("in_review", "Waiting for review", "Nothing is waiting for review.", {"status": Status.IN_REVIEW.value}),
    ("submitted", "Submitted last week", "Nothing was submitted last week.", {"status": Status.SUBMITTED.value}),
]


def _closes(value: datetime) -> str:
    return f"{to_uk(value):%A %-d %B %Y at %H:%M}"


def _row(name: str, row: BriefingRow, today: date) -> dict[str, Any]:
    facts = [f"Closes {_closes(row.closes_at)} (UK time)", f"Status: {STATUS_LABELS[Status(row.status)]}",
             f"Lead city: {row.lead_city}" if row.lead_city else "No lead city yet"]
    if name in ("overdue", "in_review") and row.internal_deadline is not None:
        passed = " (passed)" if row.internal_deadline < today else ""
        facts.insert(1, f"Internal deadline {row.internal_deadline:%A %-d %B %Y}{passed}")
    if name == "submitted" and row.submitted_at is not None:
        facts.insert(0, f"Submitted {_closes(row.submitted_at)} (UK time)")
    return {"title": row.title, "facts": facts,
            "link": external_url("consultations.detail", consultation_id=row.id)}


def _count(n: int) -> str:
    return f"{n} consultation" + ("s" if n != 1 else "")


def render(reminder: Message, lists: BriefingLists, now: datetime) -> tuple[str, str, str]:
    """(subject, text, html) of one person's briefing."""
    user = reminder.recipient
    today = uk_today(now)
    week = Week(reminder.deadline or Week.of(now).monday)
    last_from, last_to = week.previous.monday, week.previous.monday + timedelta(days=6)
    sections = []
    for name, heading, empty, filters in _SECTIONS:
        rows = getattr(lists, name)
        total = lists.totals[name]
        sections.append({
            "heading": heading if name != "submitted" else
            f"{heading} ({last_from:%-d %B} to {last_to:%-d %B %Y})",
            "count": _count(total),
            "empty": empty,
            "rows": [_row(name, row, today) for row in rows],
            "more": (f"and {total - len(rows)} more" if total > len(rows) else ""),
            "more_link": external_url("consultations.index", **filters) if total > BRIEFING_SECTION_LIMIT else "",
        })
    network = user.role in NETWORK_ROLES
    ctx = {
        "user": user, "network": current_app.config["NETWORK_NAME"], "sections": sections,
        "week": f"{week.monday:%-d %B %Y}",
        "scope": ("Across the network." if network else
                  "Work you lead, your city leads, or you contribute to."),
        "dashboard_link": external_url("dashboard.index"),
        "preferences_link": external_url("reminders.preferences") + "#monday-briefing",
    }
    title = subject(week)
    return (title, render_template("messaging/email/briefing.txt", **ctx),
            render_template("messaging/email/briefing.html", **ctx))


def page_text(user: User) -> dict[str, str]:
    """What the preferences page says about the briefing, for this user's role."""
    network = user.role in NETWORK_ROLES
    return {
        "hint": (f"Every Monday from {briefing_hour():02d}:00 (UK time), or the next working day after a bank "
                 "holiday: what closes in the next 14 days, what is past its internal deadline, what is "
                 "waiting for review and what was submitted last week, "
                 + ("across the network." if network else "for work you lead, your city leads or you contribute to.")
                 + " Not sent in a week with nothing to report."),
        "default": ("Coordinators get it unless they say no here (or chose no reminder emails)." if network
                    else "Policy leads get it only if they ask for it here."),
    }


def _ready(message: Message, now: datetime) -> kinds.Ready:
    prepared = prepare(message, now)
    lists = prepared.lists
    if prepared.reason or lists is None:
        return kinds.Ready(prepared.reason)
    return kinds.Ready(write=lambda: render(message, lists, now))


kinds.register(kinds.KindRules(_ready), kinds=[Kind.BRIEFING])
