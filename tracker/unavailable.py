"""While the database cannot be reached: a 503 with Retry-After that every kind of caller reads,
drawn without the database.

The tracker's own error page is drawn in base.html, which asks for the signed-in person (a query)
and Flask's template context loads them eagerly: with the database gone, drawing it failed too
and gunicorn answered its bare "Internal Server Error". This page is drawn from the template
alone, with only what the request and the settings hold.
"""

from __future__ import annotations

import sqlite3

from flask import Flask, Response, current_app, g, jsonify, request
from flask_login import AnonymousUserMixin
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from tracker.api.v1.problems import is_api_v1, problem
from tracker.extensions import db
from tracker.security import csp_nonce

RETRY_AFTER_SECONDS = 30
# Pages drawn without the database that lead nowhere without it: the sign-in form (a person
# would type their password only to be told afterwards). They ask the database first.
ASK_THE_DATABASE_FIRST = frozenset({"auth.login"})
TITLE = "The tracker cannot reach its database"
MESSAGE = ("Nothing you saved before this is lost. Try again in a minute: the tracker works again as "
           "soon as its database is back. If this goes on, tell the network's secretariat.")

# PostgreSQL's SQLSTATE classes of a server that cannot take the work at all: connection
# exceptions, insufficient resources (too many connections), shut down or starting up.
# Other errors (a statement cancelled, a deadlock, a constraint) are the statement's, not the server's.
_POSTGRES_UNREACHABLE = ("08", "53", "57P")
# SQLite's primary result codes of a file that cannot be used: busy or locked past the busy
# timeout, an I/O error, corrupt, the disk full, cannot be opened, not a database, read-only, no permission.
_SQLITE_UNREACHABLE = frozenset({
    sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CORRUPT,
    sqlite3.SQLITE_FULL, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_PERM,
})


def database_unreachable(exc: BaseException | None) -> bool:
    """Whether ``exc`` says the database cannot be used at all (rather than that a statement failed)."""
    if isinstance(exc, DisconnectionError | PoolTimeout | InterfaceError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    original = exc.orig
    if isinstance(original, sqlite3.Error):  # a file that is not a database is a DatabaseError
        return ((getattr(original, "sqlite_errorcode", None) or 0) & 0xFF) in _SQLITE_UNREACHABLE
    if not isinstance(exc, OperationalError):
        return False
    sqlstate = getattr(original, "sqlstate", None)
    # psycopg gives no SQLSTATE when it could not connect or lost the connection.
    return sqlstate is None or str(sqlstate).startswith(_POSTGRES_UNREACHABLE)


def response() -> Response:
    """The 503 for this request: problem details for /api/v1, JSON for the pages' scripts, plain
    text for calendar feeds (calendar apps show no HTML), else the tracker's page."""
    # Nothing after this may look the signed-in person up again: that is a query.
    g._login_user = AnonymousUserMixin()
    g.database_unreachable = True
    retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if is_api_v1():
        return problem(503, f"{TITLE}. Try again in {RETRY_AFTER_SECONDS} seconds.", headers=retry)
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        answer = jsonify(error=TITLE, reason=MESSAGE, status=503)
    elif request.path.endswith(".ics"):
        answer = Response(f"{TITLE}. Try again later: nothing has changed.\n", mimetype="text/plain")
    else:
        config = current_app.config
        # Drawn with the template's own context only: Flask's context processors include
        # Flask-Login's, which loads the signed-in person from the database.
        page = current_app.jinja_env.get_template("errors/unavailable.html").render(
            title=TITLE, message=MESSAGE, serviceName=config["SERVICE_NAME"],
            network_name=config["NETWORK_NAME"], cspNonce=csp_nonce())
        answer = Response(page, mimetype="text/html")
    answer.status_code = 503
    answer.headers.update(retry)
    return answer


def register(app: Flask) -> None:
    """Called before Flask-Limiter is set up: after-request functions run last-registered first,
    and Flask-Limiter puts the end of its window (an hour for the API) into every limited route's
    Retry-After. A 503 of ours is about the database, and says when to try again."""

    @app.before_request
    def _ask_first() -> None:
        if request.method == "GET" and request.endpoint in ASK_THE_DATABASE_FIRST:
            db.session.execute(text("SELECT 1"))  # unreachable: the 503 of errorhandlers.py

    @app.after_request
    def _retry_after(response: Response) -> Response:
        if response.status_code == 503 and g.pop("database_unreachable", False):
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
