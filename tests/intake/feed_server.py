"""A real local HTTP server for feeds: each path answers what the test set (a status, headers and a
body), a redirect, or a body shorter than its Content-Length, as a misbehaving host would."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FEEDS = Path(__file__).resolve().parent / "feeds"


@dataclass
class Answer:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/atom+xml"})
    declared: int | None = None  # a Content-Length larger than the body: the connection then closes


class FeedServer:
    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                server.requests.append(self.path)
                answer = server.answers.get(self.path, Answer(b"not here", 404, {"Content-Type": "text/plain"}))
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(answer.declared or len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)
                if answer.declared:
                    self.close_connection = True

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def serve(self, path: str, body: bytes | str, **kwargs: object) -> str:
        self.answers[path] = Answer(body.encode() if isinstance(body, str) else body, **kwargs)  # type: ignore[arg-type]
        return self.url + path


def fixture(name: str, **replacements: str) -> str:
    text = (FEEDS / name).read_text(encoding="utf-8")
    for old, new in replacements.items():
        text = text.replace(old, new)
    return text


@contextmanager
def running_feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
