"""Writing one sweep batch's new reminders and their in-app copies: insert-unless-exists.

The unique index on live points (consultation, recipient, kind, deadline) settles a race with
another sweep: only the sweep whose row went in gets its id back, so only it queues the send and
writes the notification.

The batch's rows travel as one JSON parameter that the database unpacks itself, so a batch is one
or two statements with a handful of parameters, whatever its size: a multi-row VALUES list, with
a dozen parameters a row, cost more to build and to parse than the inserts themselves. PostgreSQL
writes the notifications in the same statement (a data-modifying CTE); SQLite has no such thing,
and writes them with a second statement from the ids the first returned.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Integer, Text, bindparam, cast, column, func, insert, literal, select, true
from sqlalchemy.dialects import postgresql, sqlite

from tracker.extensions import db, table_of
from tracker.models.messages import Delivery, Message, Notification, State
from tracker.models.types import UTCDateTime

KEY = ["consultation_id", "recipient_id", "kind", "deadline"]
# The payload's fields, in order, and their types. Dates travel as ISO text: what PostgreSQL casts
# from, and how SQLite stores a date.
FIELDS: list[tuple[str, Any]] = [
    ("consultation_id", Integer),
    ("recipient_id", Integer),
    ("kind", Text),
    ("deadline", Date),
    ("subject", Text),
    ("delivery", Text),
    ("state", Text),
]
# Plain strings: an enum member's value is looked up on every use, and this runs once a row.
# Nothing to email (in-app only) is settled at once.
IN_APP_ONLY, SKIPPED, PENDING = Delivery.NONE.value, State.SKIPPED.value, State.PENDING.value
CONSTANT_FIELDS = ["body", "attempts", "last_error", "created_at", "queued_at"]
NAMES = [name for name, _ in FIELDS] + CONSTANT_FIELDS
NOTIFICATION_FIELDS = ["user_id", "consultation_id", "message_id", "kind", "subject", "body", "created_at"]


@dataclass
class NewReminders:
    """The rows to insert, each [consultation id, recipient id, kind, deadline, subject, delivery, state]."""

    rows: list[list[Any]] = field(default_factory=list)

    def add(self, consultation_id: int, recipient_id: int, kind: str, deadline: date, subject: str,
            delivery: str) -> None:
        state = SKIPPED if delivery == IN_APP_ONLY else PENDING
        self.rows.append([consultation_id, recipient_id, kind, deadline.isoformat(), subject, delivery, state])

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class Inserted:
    created: int = 0
    queued: list[int] = field(default_factory=list)  # the new rows to email at once


def insert_new(new: NewReminders, now: datetime) -> Inserted:
    """Insert the rows that do not exist yet, each with its notification. The caller commits."""
    if not new:
        return Inserted()
    payload = json.dumps(new.rows, separators=(",", ":"))
    if db.session.get_bind().dialect.name == "postgresql":
        return _postgresql(payload, now)
    return _sqlite(payload, now)


def _constants(now: datetime) -> list[Any]:
    """The values of CONSTANT_FIELDS, the same for every row of the batch."""
    when = literal(now, UTCDateTime())
    return [literal(""), literal(0), literal(""), when, when]


def _postgresql(payload: str, now: datetime) -> Inserted:
    reminder, notification = table_of(Message), table_of(Notification)
    new = (
        func.json_array_elements(cast(bindparam("rows", payload, type_=Text), postgresql.JSON))
        .table_valued(column("value", postgresql.JSON))
        .render_derived(name="new")
    )
    values = [cast(new.c.value[i].astext, kind) for i, (_, kind) in enumerate(FIELDS)]
    inserted = (
        postgresql.insert(reminder)
        .from_select(NAMES, select(*values, *_constants(now)))
        .on_conflict_do_nothing(index_elements=KEY, index_where=reminder.c.superseded_at.is_(None))
        .returning(reminder.c.id, reminder.c.recipient_id, reminder.c.consultation_id, reminder.c.kind,
                   reminder.c.subject, reminder.c.delivery)
        .cte("inserted")
    )
    notes = (
        insert(notification)
        .from_select(
            NOTIFICATION_FIELDS,
            select(inserted.c.recipient_id, inserted.c.consultation_id, inserted.c.id, inserted.c.kind,
                   inserted.c.subject, literal(""), literal(now, UTCDateTime())),
        )
        .cte("notes")
    )
    # One row back, not one per reminder.
    immediate = inserted.c.delivery == Delivery.IMMEDIATE.value
    created, queued = db.session.execute(
        select(func.count(), func.array_agg(inserted.c.id).filter(immediate)).add_cte(notes)
    ).one()
    return Inserted(created, list(queued or []))


def _sqlite(payload: str, now: datetime) -> Inserted:
    reminder = table_of(Message)
    new = func.json_each(bindparam("rows", payload, type_=Text)).table_valued("value")
    values = [func.json_extract(new.c.value, f"$[{i}]") for i in range(len(FIELDS))]
    stmt = (
        sqlite.insert(reminder)
        # "WHERE true": without a WHERE, SQLite reads the upsert's ON CONFLICT as a join's ON.
        .from_select(NAMES, select(*values, *_constants(now)).where(true()))
        .on_conflict_do_nothing(index_elements=KEY, index_where=reminder.c.superseded_at.is_(None))
        .returning(reminder.c.id, reminder.c.delivery)
    )
    inserted = db.session.execute(stmt).tuples().all()
    if not inserted:
        return Inserted()
    ids = func.json_each(bindparam("ids", json.dumps([i for i, _ in inserted]), type_=Text)).table_valued("value")
    db.session.execute(
        insert(table_of(Notification)).from_select(
            NOTIFICATION_FIELDS,
            select(reminder.c.recipient_id, reminder.c.consultation_id, reminder.c.id, reminder.c.kind,
                   reminder.c.subject, literal(""), literal(now, UTCDateTime()))
            .where(reminder.c.id.in_(select(ids.c.value))),
        )
    )
    return Inserted(len(inserted), [i for i, delivery in inserted if delivery == Delivery.IMMEDIATE])

