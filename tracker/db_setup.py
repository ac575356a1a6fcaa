"""Per-database connection settings, and how a request's transaction ends on PostgreSQL."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, SessionTransaction

from tracker.sql import SQLITE_FUNCTION, sqlite_uk_date

logger = logging.getLogger(__name__)

# On a connection's record: a statement of its current checkout changed something (or may have).
_WROTE = "tracker_wrote"
# On a session: the connections its transaction uses.
_CONNECTIONS = "tracker_connections"


def configure_engine_events(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        _keep_prepared_statements(engine)
        return

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # SQLite ignores foreign keys unless asked, per connection.
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
        # The UK calendar day of an instant, for SQL (tracker/sql.py).
        dbapi_connection.create_function(SQLITE_FUNCTION, 1, sqlite_uk_date, deterministic=True)


def _keep_prepared_statements(engine: Engine) -> None:
    """Note which checkouts wrote, so that a request that only read can end with COMMIT.

    psycopg prepares a statement on the server once it has run a few times on a connection, and
    PostgreSQL then reuses its plan instead of planning it again; planning a page's joins costs
    more than running them. But psycopg forgets every prepared statement on ROLLBACK, and a
    request's session ends with one: so nothing stayed prepared from one request to the next.
    """

    @event.listens_for(engine, "checkout")
    def _fresh(dbapi_connection: Any, connection_record: Any, proxy: Any) -> None:
        connection_record.info.pop(_WROTE, None)

    @event.listens_for(engine, "after_cursor_execute")
    def _note_writes(conn: Connection, cursor: Any, statement: str, parameters: Any, context: Any,
                     executemany: bool) -> None:
        # The server's own word for what ran: "SELECT n" for reads (text() statements included).
        if not (cursor.statusmessage or "").startswith("SELECT"):
            conn.info[_WROTE] = True


def register_request_end(app: Flask, session: Any) -> None:
    """After each request (before Flask-SQLAlchemy closes the session), COMMIT a read-only transaction.

    Committing a transaction that changed nothing is the same as rolling it back, and keeps the
    connection's prepared statements. Anything that wrote, or a request that failed, is rolled back
    as before; views commit what they mean to keep.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    if not event.contains(Session, "after_begin", _track):
        event.listen(Session, "after_begin", _track)
        event.listen(Session, "after_transaction_end", _untrack)

    @app.teardown_appcontext
    def _end(exc: BaseException | None) -> None:
        orm_session = session()
        connections = orm_session.info.get(_CONNECTIONS, ())
        if exc is not None or not connections or not orm_session.in_transaction():
            return
        if orm_session.new or orm_session.dirty or orm_session.deleted:
            return
        if any(c.closed or c.info.get(_WROTE) for c in connections):
            return
        try:
            orm_session.commit()
        except SQLAlchemyError:
            # A connection that failed here is rolled back and discarded as it would have been.
            logger.warning("Ending a read-only transaction failed", exc_info=True)


def _track(orm_session: Session, transaction: SessionTransaction, connection: Connection) -> None:
    orm_session.info.setdefault(_CONNECTIONS, []).append(connection)


def _untrack(orm_session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        orm_session.info.pop(_CONNECTIONS, None)
