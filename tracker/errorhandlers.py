"""Error pages in the tracker's own style, JSON for API callers."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from tracker.errors import DomainError
from tracker.extensions import db

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


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


def _render(code: int, message: str):  # type: ignore[no-untyped-def]
    if _wants_json():
        return jsonify(error=TITLES.get(code, "Error"), reason=message, status=code), code
    return (
        render_template("errors/error.html", code=code, title=TITLES.get(code, "Error"), message=message),
        code,
    )


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):  # type: ignore[no-untyped-def]
        return _render(400, "The form had expired or was sent from elsewhere. Go back, reload the page and try again.")

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):  # type: ignore[no-untyped-def]
        db.session.rollback()
        return _render(exc.status_code, exc.message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        code = exc.code or 500
        description = exc.description or ""
        if code == 413:
            description = ("The text sent was larger than the tracker accepts (a response can be up to "
                           "200,000 characters). Go back, shorten it or split it, and save again.")
        return _render(code, description)

    @app.errorhandler(Exception)
    def unhandled(exc: Exception):  # type: ignore[no-untyped-def]
        db.session.rollback()
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return _render(500, "Try again later. What you saved before this is safe.")
