"""The schema comes from migrations: they must build it from nothing and match the models."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from tests.databases import scratch_postgres_database
from tracker import create_app
from tracker.extensions import db
from tracker.models.consultation import LIST_SEARCH_FTS_TABLE
from tracker.models.drafts import SEARCH_FTS_TABLE


@contextmanager
def empty_database(test_url: str, tmp_path: Path) -> Iterator[str]:
    url = make_url(test_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    with scratch_postgres_database(test_url, "migrations") as database_url:
        yield database_url


def _describe(change: object) -> str:
    if isinstance(change, list):  # column-level changes come grouped
        return "; ".join(_describe(c) for c in change)
    op, *rest = change  # type: ignore[misc]
    names = [getattr(r, "name", None) or str(r) for r in rest[:3]]
    return f"{op}: {' '.join(map(str, names))}"


def _not_search_index(name: str | None, type_: str, parent_names: object) -> bool:
    """SQLite's FTS5 indexes of the library and of the list's search (virtual tables and their
    shadow tables) are made by DDL the models attach to their tables, not by Tables of the
    metadata: not a difference."""
    return not (type_ == "table" and (name or "").startswith((SEARCH_FTS_TABLE, LIST_SEARCH_FTS_TABLE)))


def _made_here(dialect: str) -> Callable[[object, str | None, str, bool, object], bool]:
    """An index the models make on another database only (Index.ddl_if, e.g. PostgreSQL's
    trigram indexes) is not a difference on this one."""
    def include(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
        condition = getattr(obj, "_ddl_if", None)
        if type_ != "index" or reflected or condition is None or condition.dialect is None:
            return True
        wanted = condition.dialect
        return dialect == wanted if isinstance(wanted, str) else dialect in wanted

    return include


def test_upgrade_from_empty_matches_models_and_downgrades(database_url, tmp_path):
    with empty_database(database_url, tmp_path) as url:
        app = create_app("test", overrides={"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": str(tmp_path)})
        with app.app_context():
            flask_migrate.upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={
                    "compare_type": True, "include_name": _not_search_index,
                    "include_object": _made_here(conn.dialect.name)})
                diff = compare_metadata(context, db.metadata)
            summary = [_describe(d) for d in diff]
            assert summary == [], "models and migrations differ (write or fix the migration)"
            tables = set(inspect(db.engine).get_table_names())
            assert {"user", "city", "work_area", "consultation", "activity_log"} <= tables

            flask_migrate.downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            flask_migrate.upgrade()  # and back up again, as a deploy after a rollback would
            assert set(inspect(db.engine).get_table_names()) == tables
            db.session.remove()
            db.engine.dispose()
