"""Error pages in the tracker's own style, JSON for API callers."""

from __future__ import annotations

import logging
import math
import time
from http import HTTPStatus
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_limiter import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError
from werkzeug.wrappers import Response

from tracker import unavailable
from tracker.api.v1.problems import is_api_v1, problem
from tracker.errors import DomainError
from tracker.extensions import db, limiter

log = logging.getLogger("tracker.errors")

TITLES = {
    400: "Sorry, there is a problem with the request",
    403: "You do not have permission to see or do this",
    404: "Page not found",
    405: "Sorry, that action is not available here",
    409: "That change is not possible now",
    413: "That was too much to send at once",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
}

# What to tell someone when the error says nothing more particular (GOV.UK's patterns).
OWN_WORDS = {
    400: "Go back, reload the page and try again.",
    403: "Your account cannot open this page. If you think it should, ask a coordinator.",
    404: "If you typed the web address, check it is correct. If you pasted it, check you copied "
         "the entire address. If you followed a link, the page may have been removed.",
    405: "Go back, reload the page and try again from its buttons.",
}

# The same for /api/v1, whose callers are scripts and their authors.
API_WORDS = {
    400: "Some query parameters were not understood: see errors.",
    404: "There is no such resource. The operations are listed in /api/v1/openapi.json.",
    405: "The API only reads: use GET.",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


def _render(code: int, message: str, headers: dict[str, str] | None = None,
            **problem_extensions: Any) -> ResponseReturnValue:
    if is_api_v1():
        return problem(code, message or HTTPStatus(code).phrase, headers=headers, **problem_extensions)
    if _wants_json():
        return jsonify(error=TITLES.get(code, "Error"), reason=message, status=code), code
    try:
        page = render_template("errors/error.html", code=code, title=TITLES.get(code, "Error"), message=message)
    except SQLAlchemyError as exc:
        # The page shows who is signed in: a 404 while the database is down cannot be drawn either.
        if not unavailable.database_unreachable(exc):
            raise
        _rollback()
        return unavailable.response()
    return page, code


def _rollback() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the connection is gone: the pool discards it
        log.debug("rollback after a database error failed", exc_info=True)


def _parameter_errors(exc: HTTPException) -> dict[str, Any]:
    """webargs' refusals of query parameters ({"query": {"page": ["..."]}}) as problem details'
    ``errors`` member: one {parameter, detail} for each."""
    messages = (getattr(exc, "data", None) or {}).get("messages")
    if not isinstance(messages, dict):
        return {}
    errors = [{"parameter": str(name), "detail": " ".join(str(m) for m in (texts if isinstance(texts, list) else [texts]))}
              for fields in messages.values() if isinstance(fields, dict) for name, texts in fields.items()]
    return {"errors": errors} if errors else {}


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> ResponseReturnValue:
        return _render(400, "The form had expired or was sent from elsewhere. Go back, reload the page and try again.")

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(exc: RateLimitExceeded) -> ResponseReturnValue:
        current = limiter.current_limit
        wait = max(1, math.ceil(((current.reset_at if current else time.time() + 60) - time.time()) / 60))
        if request.endpoint == "auth.login":
            from tracker.auth.services import record_throttled_login

            db.session.rollback()
            record_throttled_login(request.form.get("email", ""), get_remote_address())
            db.session.commit()
        if is_api_v1():
            seconds = max(1, math.ceil((current.reset_at if current else time.time() + 60) - time.time()))
            from tracker.api.tokens.services import rate_limit_in_words

            # Requests without a live token share their address's count (tracker/api/v1/auth.py).
            who = "This token has" if current and "api-token:" in current.key else (
                "Requests from this address without a valid token have")
            return problem(429, f"{who} made more requests than the limit of {rate_limit_in_words()}. "
                                f"Try again in {seconds} seconds.",
                           headers={"Retry-After": str(seconds)})
        minutes = "1 minute" if wait == 1 else f"{wait} minutes"
        return _render(429, f"There have been too many failed attempts to sign in. Try again in {minutes}. "
                            "If you have forgotten your password, ask an admin to reset it.")

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> ResponseReturnValue:
        db.session.rollback()
        return _render(exc.status_code, exc.message)

    @app.errorhandler(SecurityError)
    def untrusted_host(exc: SecurityError) -> ResponseReturnValue:
        # No page can be built for a host we do not serve (links would name it): plain text.
        return Response("Unknown host: this address is not served here.\n", 400, mimetype="text/plain")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        if isinstance(exc, InternalServerError) and unavailable.database_unreachable(exc.original_exception):
            # Raised again while another error's page was drawn (Flask hands it on as a 500).
            _rollback()
            return unavailable.response()
        code = exc.code or 500
        description = exc.description or ""
        if is_api_v1():
            if description == type(exc).description:
                description = API_WORDS.get(code, "")
            allow = {k: v for k, v in exc.get_headers() if k == "Allow"}  # a 405's methods
            return _render(code, description, headers=allow, **_parameter_errors(exc))
        if description == type(exc).description:
            # Werkzeug's own sentence ("The requested URL was not found on the server...") is
            # written for developers: the service says it in its own words, or not at all.
            description = OWN_WORDS.get(code, "")
        if code == 413:
            description = ("The text sent was larger than the tracker accepts (a response can be up to "
                           "200,000 characters). Go back, shorten it or split it, and save again.")
        return _render(code, description)

    @app.errorhandler(SQLAlchemyError)
    def database_error(exc: SQLAlchemyError) -> ResponseReturnValue:
        if not unavailable.database_unreachable(exc):
            return unhandled(exc)
        _rollback()
        # The driver's words only: SQLAlchemy's own would add the statement and its parameters.
        log.error("The database is unreachable on %s %s: %s", request.method, request.path,
                  getattr(exc, "orig", None) or type(exc).__name__)
        return unavailable.response()

    @app.errorhandler(Exception)
    def unhandled(exc: Exception) -> ResponseReturnValue:
        _rollback()
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return _render(500, "Try again later. What you saved before this is safe.")
