"""The UK calendar day of a stored instant, in SQL, on both databases.

PostgreSQL converts with its own time-zone database. SQLite has none: the connection gets a
function ``kc_uk_date`` (registered in tracker/db_setup.py) that converts with Python's zoneinfo,
the same rules the pages use. A submission at 00:30 BST on the day after an internal deadline
(23:30 UTC on the deadline day) is therefore late on both.
"""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from tracker.timeutil import UK, parse_iso

SQLITE_FUNCTION = "kc_uk_date"


class uk_date(FunctionElement[date]):  # noqa: N801 - an SQL function, named like SQLAlchemy's
    """``uk_date(column)``: the UK calendar day of a UTC instant column."""

    type = Date()
    inherit_cache = True
    name = "uk_date"


@compiles(uk_date, "postgresql")
def _uk_date_postgresql(element: uk_date, compiler: Any, **kw: Any) -> str:
    return f"CAST(timezone('Europe/London', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(uk_date)
def _uk_date_sqlite(element: uk_date, compiler: Any, **kw: Any) -> str:
    return f"{SQLITE_FUNCTION}({compiler.process(element.clauses, **kw)})"


def sqlite_uk_date(value: str | None) -> str | None:
    """The SQLite function: a stored UTC instant ('2026-03-31 23:30:00.000000') to its UK day,
    as SQLite stores dates ('2026-04-01')."""
    instant = parse_iso(value)
    if instant is None:
        return None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(UK).date().isoformat()
