"""Errors of /api/v1 as RFC 9457 problem details (application/problem+json), never HTML."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from flask import Response, request

PROBLEM_JSON = "application/problem+json"
PREFIX = "/api/v1"


def is_api_v1() -> bool:
    """Whether this request is the versioned API's (which speaks problem details only)."""
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


def problem(status: int, detail: str, *, headers: dict[str, str] | None = None, **extensions: Any) -> Response:
    """A problem of the generic type: ``about:blank`` with the status's phrase as its title, the
    reason in ``detail``, and extension members (e.g. ``errors``) beside them."""
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extensions}
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
