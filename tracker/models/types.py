"""What the models share: column types, the enum base, SQLite's full-text indexes."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Self

from sqlalchemy import DDL, DateTime, event
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from tracker.extensions import Model, table_of


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware instant, stored as UTC on every database.

    PostgreSQL keeps it as ``timestamptz``; SQLite has no time zones, so the
    value is normalised to UTC before it is written and marked as UTC when it
    is read. Naive datetimes are refused: they are always a bug here.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: store timezone-aware instants only")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry the words people see: ``MEMBER = "value", "Label"``.

    A member given no label is shown as its value with spaces, capitalised ("policy_lead" is
    "Policy lead"). Looking a member up by its value (``Status("new")``) works as for any enum."""

    _value_: str
    label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value.replace("_", " ").capitalize()
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) of every member, in order: a form's or a filter's choices."""
        return [(member.value, member.label) for member in cls]


def sqlite_fts(model: type[Model], name: str, columns: Sequence[str], tokenize: str) -> None:
    """An FTS5 index ``name`` of ``columns`` of the model's table on SQLite, kept in step by
    triggers, created and dropped with the table. The names are the models' own, never input."""
    table = table_of(model)
    listed = ", ".join(columns)
    insert = (f"INSERT INTO {name}(rowid, {listed}) "  # noqa: S608 - names from the models
              f"VALUES (new.id, {', '.join(f'new.{c}' for c in columns)});")
    delete = (f"INSERT INTO {name}({name}, rowid, {listed}) "  # noqa: S608 - names from the models
              f"VALUES ('delete', old.id, {', '.join(f'old.{c}' for c in columns)});")
    statements = (
        f"CREATE VIRTUAL TABLE {name} USING fts5({listed}, content='{table.name}', "
        f"content_rowid='id', tokenize='{tokenize}')",
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table.name} BEGIN {insert} END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table.name} BEGIN {delete} END",
        f"CREATE TRIGGER {name}_update AFTER UPDATE OF {listed} ON {table.name} BEGIN {delete} {insert} END",
    )
    for statement in statements:
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="sqlite"))
    event.listen(table, "before_drop", DDL(f"DROP TABLE IF EXISTS {name}").execute_if(dialect="sqlite"))
