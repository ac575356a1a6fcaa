"""A local HTTP server answering like GOV.UK Notify's POST /v2/notifications/email: it checks the
request's JWT (HS256 with the API key's secret, issued by the service id, iat recent) and its body,
records what it was sent, and answers each request as the test scripted (201 by default; 400, 403,
429 and 500 with Notify's error bodies; or no answer at all, to time out)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import jwt
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"tracker_test-{SERVICE_ID}-{SECRET}"

ERRORS = {
    400: [{"error": "BadRequestError", "message": "Can't send to this recipient using a team-only API key"}],
    403: [{"error": "AuthError", "message": "Invalid token: API key not found"}],
    429: [{"error": "RateLimitError", "message": "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"}],
    500: [{"error": "Exception", "message": "Internal server error"}],
}


@dataclass
class NotifyServer:
    url: str = ""
    answers: list[int | str] = field(default_factory=list)  # per request: a status, or "stall"
    received: list[dict[str, Any]] = field(default_factory=list)
    refused_tokens: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def _check_token(self, request: Request) -> str | None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return "no bearer token"
        try:
            claims = jwt.decode(header.removeprefix("Bearer "), SECRET, algorithms=["HS256"],
                                options={"require": ["iss", "iat"]})
        except jwt.PyJWTError as exc:
            return f"bad token: {exc}"
        if claims["iss"] != SERVICE_ID:
            return "wrong service"
        if abs(time.time() - claims["iat"]) > 30:
            return "token too old"
        return None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        if request.path != "/v2/notifications/email" or request.method != "POST":
            return Response("not found", status=404)(environ, start_response)
        problem = self._check_token(request)
        if problem:
            self.refused_tokens.append(problem)
            body = {"status_code": 403, "errors": [{"error": "AuthError", "message": f"Invalid token: {problem}"}]}
            return Response(json.dumps(body), status=403, mimetype="application/json")(environ, start_response)
        sent = request.get_json()
        self.received.append(sent)
        answer = self.answers.pop(0) if self.answers else 201
        if answer == "stall":
            self.release.wait(10)  # longer than the client waits: it gives up after the request went
            answer = 201
        if answer == 201:
            body = {"id": str(uuid.uuid4()), "reference": sent.get("reference"),
                    "content": {"subject": sent["personalisation"].get("subject", ""), "body": "...",
                                "from_email": "tracker@notifications.service.gov.uk"},
                    "uri": f"{self.url}/v2/notifications/x", "template": {"id": sent["template_id"], "version": 1,
                                                                         "uri": "https://example.invalid"}}
        else:
            body = {"status_code": answer, "errors": ERRORS[int(answer)]}
        return Response(json.dumps(body), status=int(answer), mimetype="application/json")(environ, start_response)


@contextmanager
def running() -> Iterator[NotifyServer]:
    server = NotifyServer()
    httpd = make_server("127.0.0.1", 0, server, threaded=True)
    server.url = f"http://127.0.0.1:{httpd.server_port}"
    thread = threading.Thread(target=httpd.serve_forever, name="notify", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        httpd.shutdown()
        thread.join(timeout=5)
