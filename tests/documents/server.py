"""Real local HTTP servers answering like GOV.UK's Content API, its assets host and the Committees
API, from the recorded fixtures in tests/documents/fixtures.

``{api}`` and ``{assets}`` in a fixture are the servers' own addresses. A test may script a path
(``site.routes[path] = handler``) to answer otherwise: a redirect, a huge file, a lying or short body.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TYPES = {".pdf": "application/pdf", ".json": "application/json",
         ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}

Handler = Callable[[BaseHTTPRequestHandler], None]


class Site:
    """One server: the API (content items, committee business) or the assets host (files)."""

    def __init__(self, role: str, hub: Sites) -> None:
        self.role = role
        self.hub = hub
        self.routes: dict[str, Handler] = {}
        self.requests: list[str] = []
        self.bytes_sent = 0
        self.done = threading.Event()
        site = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                path = urlsplit(self.path).path
                with hub.lock:
                    site.requests.append(self.path)
                route = site.routes.get(path)
                if route is not None:
                    route(self)
                    return
                status, body, content_type = site.answer(unquote(path))
                send(self, status, body, content_type)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def answer(self, path: str) -> tuple[int, bytes, str]:
        if ".." in path.split("/"):
            return 400, b"{}", "application/json"
        if self.role == "api" and path.startswith("/api/content/"):
            file = FIXTURES / "content" / (path.removeprefix("/api/content/") + ".json")
        elif self.role == "api" and path.startswith("/api/CommitteeBusiness/"):
            file = FIXTURES / "committees" / (path.rsplit("/", 1)[-1] + ".json")
        elif self.role == "assets" and path.startswith("/media/"):
            file = FIXTURES / "assets" / path.removeprefix("/media/")
        else:
            return 404, b'{"error": "not found"}', "application/json"
        if not file.is_file():
            return 404, b'{"error": "not found"}', "application/json"
        body = file.read_bytes()
        if file.suffix == ".json":
            body = body.replace(b"{api}", self.hub.api.url.encode()).replace(b"{assets}", self.hub.assets.url.encode())
        return 200, body, TYPES.get(file.suffix, "application/octet-stream")

    def reset(self) -> None:
        self.routes.clear()
        self.requests.clear()
        self.bytes_sent = 0
        self.done.clear()


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str = "application/octet-stream",
         headers: dict[str, str] | None = None) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.end_headers()
    handler.wfile.write(body)


def redirect(to: str, status: int = 302) -> Handler:
    def handle(handler: BaseHTTPRequestHandler) -> None:
        send(handler, status, b"", headers={"Location": to})
    return handle


def streaming(site: Site, *, declared: int | None, total: int, chunked: bool = False) -> Handler:
    """Declare ``declared`` bytes (None: no length) and try to send ``total``, counting what the
    client took; stops when the client hangs up."""
    def handle(handler: BaseHTTPRequestHandler) -> None:
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 32 * 1024)
        handler.send_response(200)
        handler.send_header("Content-Type", "application/pdf")
        if declared is not None:
            handler.send_header("Content-Length", str(declared))
        if chunked:
            handler.send_header("Transfer-Encoding", "chunked")
        if declared is None and not chunked:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        handler.end_headers()
        chunk = b"%PDF-" + b"0" * (64 * 1024 - 5)
        sent = 0
        try:
            while sent < total:
                piece = chunk[: total - sent]
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
                sent += len(piece)
                site.bytes_sent = sent
            if chunked:
                handler.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass
        finally:
            handler.close_connection = True
            site.done.set()
    return handle


def short_body(declared: int, sent: int) -> Handler:
    """Declare ``declared`` bytes, send ``sent`` and hang up."""
    def handle(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/pdf")
        handler.send_header("Content-Length", str(declared))
        handler.end_headers()
        handler.wfile.write(b"%PDF-" + b"0" * (sent - 5))
        handler.wfile.flush()
        handler.close_connection = True
    return handle


class Sites:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.api = Site("api", self)
        self.assets = Site("assets", self)
        self.foreign = Site("assets", self)  # a host the app does not allow

    def start(self) -> Sites:
        for site in (self.api, self.assets, self.foreign):
            site.thread.start()
        return self

    def stop(self) -> None:
        for site in (self.api, self.assets, self.foreign):
            site.httpd.shutdown()
            site.httpd.server_close()

    def reset(self) -> None:
        for site in (self.api, self.assets, self.foreign):
            site.reset()


@contextmanager
def running_sites() -> Iterator[Sites]:
    sites = Sites().start()
    try:
        yield sites
    finally:
        sites.stop()
