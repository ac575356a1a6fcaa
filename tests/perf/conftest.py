"""The query-plan checks need PostgreSQL: on SQLite they skip, and say so at the end of the run."""

from __future__ import annotations

from typing import Any

import pytest

SKIP_MESSAGE = ("QUERY PLANS AT 100,000 CONSULTATIONS NOT CHECKED: they need PostgreSQL "
                "(TEST_DATABASE_URL=postgresql+psycopg://...; CI runs them through .ci/run)")
_skipped: list[str] = []


def skip_plans() -> None:
    _skipped.append(SKIP_MESSAGE)
    pytest.skip(SKIP_MESSAGE)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _skipped:
        terminalreporter.write_sep("!", SKIP_MESSAGE, red=True, bold=True)
