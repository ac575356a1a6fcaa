"""Fetching a consultation's documents: only from the configured bases, within size and time limits.

Every address, the first and each redirect's, must have the scheme, host and port of one of the
allowed bases (GOVUK_API_BASE_URL and GOVUK_ASSETS_BASE_URLS); redirects are followed here, one
hop at a time, never by the HTTP library. A body is refused by its Content-Length before a byte of
it is read, and reading stops at the limit when the header lies or is missing; a body shorter than
its Content-Length is an error that says so.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import requests
import urllib3

from tracker.outbound import PoliteClient

_DEFAULT_PORTS = {"http": 80, "https": 443}
_REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024


class FetchError(Exception):
    """A document could not be had. ``transient``: worth trying again later (network, 5xx, 429)."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size:,} bytes"


Origin = tuple[str, str, int]


def origin(url: str) -> Origin | None:
    """(scheme, host, port) of an http(s) address; None for anything else (credentials in it too)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname or parts.username or parts.password:
        return None
    return scheme, parts.hostname.lower().rstrip("."), port or _DEFAULT_PORTS[scheme]


def api_path(path: str) -> str:
    """A GOV.UK path made safe to append to the API base: one leading slash, nothing that could
    change the host ("//evil", a scheme) and no characters outside a path."""
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        raise FetchError(f"{path[:200]!r} is not a GOV.UK path")
    return quote(path, safe="/-_.~%!$&'()*+,;=:@")


@dataclass(frozen=True)
class Fetched:
    url: str  # where it was found, after any redirects
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20_000_000
    max_unzipped: int = 100_000_000
    max_pages: int = 300
    max_documents: int = 30
    read_seconds: float = 120.0


class Fetcher(PoliteClient):
    def __init__(
        self,
        api_base: str,
        allowed_bases: list[str],
        *,
        user_agent: str,
        limits: Limits,
        timeout: tuple[float, float] = (5.0, 30.0),
        per_second: float = 3.0,
        max_retries: int = 2,
        backoff: float = 1.0,
        max_redirects: int = 5,
        sleep: Callable[[float], None] = time.sleep,
        allowed_label: str = "GOVUK_API_BASE_URL, GOVUK_ASSETS_BASE_URLS",
        limit_label: str = "DOCUMENT_MAX_BYTES",
    ) -> None:
        # allowed_label, limit_label: what the refusals name (the settings, or the feed's address).
        super().__init__(user_agent=user_agent, headers={"Accept-Encoding": "identity"}, per_second=per_second,
                         timeout=timeout, max_retries=max_retries, backoff=backoff, sleep=sleep)
        self.api_base = api_base.rstrip("/")
        self.allowed = {o for o in (origin(b) for b in [api_base, *allowed_bases]) if o is not None}
        self.limits = limits
        self.max_redirects = max_redirects
        self.allowed_label = allowed_label
        self.limit_label = limit_label

    def is_allowed(self, url: str) -> bool:
        found = origin(url)
        return found is not None and found in self.allowed

    def get_json(self, path: str) -> Any:
        """A Content API item: ``{api base}/api/content{path}``."""
        fetched = self.get(self.api_base + "/api/content" + api_path(path), accept="application/json")
        try:
            return json.loads(fetched.data)
        except (ValueError, UnicodeDecodeError):
            raise FetchError(f"{path[:200]}: the content item is not valid JSON") from None

    def get(self, url: str, *, accept: str = "*/*") -> Fetched:
        problem: FetchError | None = None
        for attempt in range(self.max_retries + 1):
            if attempt:
                self.sleep(self.backoff * (2 ** (attempt - 1)))
            try:
                return self._get_once(url, accept)
            except FetchError as exc:
                if not exc.transient:
                    raise
                problem = exc
        assert problem is not None
        raise FetchError(f"{problem} ({self.max_retries + 1} attempts)", transient=True)

    def _get_once(self, url: str, accept: str) -> Fetched:
        current = url
        for _hop in range(self.max_redirects + 1):
            if not self.is_allowed(current):
                where = origin(current)
                shown = f"{where[0]}://{where[1]}:{where[2]}" if where else current[:200]
                raise FetchError(f"refused: {shown} is not one of the allowed addresses ({self.allowed_label})")
            self.limiter.wait()
            self.requests_made += 1
            try:
                response = self.session.get(current, stream=True, allow_redirects=False, timeout=self.timeout,
                                            headers={"Accept": accept})
            except requests.Timeout:
                raise FetchError("timed out", transient=True) from None
            except requests.RequestException as exc:
                raise FetchError(f"could not connect ({type(exc).__name__})", transient=True) from None
            with response:
                location = response.headers.get("Location")
                if response.status_code in _REDIRECTS and location:
                    current = urljoin(current, location)
                    continue
                return self._body(current, response)
        raise FetchError(f"more than {self.max_redirects} redirects")

    def _body(self, url: str, response: requests.Response) -> Fetched:
        status = response.status_code
        if status == 429 or status >= 500:
            raise FetchError(f"HTTP {status}", transient=True)
        if status in (404, 410):
            raise FetchError(f"HTTP {status}: not found")
        if status >= 300:
            raise FetchError(f"HTTP {status}")
        limit = self.limits.max_bytes
        declared = _declared_length(response.headers.get("Content-Length"))
        if declared is not None and declared > limit:
            raise FetchError(f"refused unread: it declares {megabytes(declared)}, over the limit of "
                             f"{megabytes(limit)} ({self.limit_label})")
        chunks: list[bytes] = []
        total = 0
        deadline = time.monotonic() + self.limits.read_seconds
        try:
            for chunk in response.raw.stream(CHUNK, decode_content=True):
                total += len(chunk)
                if total > limit:
                    said = (f"its Content-Length said {megabytes(declared)}" if declared is not None
                            else "it gave no Content-Length")
                    raise FetchError(f"stopped reading at the limit of {megabytes(limit)} ({self.limit_label}): "
                                     f"the file is larger, though {said}")
                if time.monotonic() > deadline:
                    raise FetchError(f"took longer than {self.limits.read_seconds:.0f} seconds to download",
                                     transient=True)
                chunks.append(chunk)
        except (urllib3.exceptions.HTTPError, requests.RequestException, OSError) as exc:
            total = max(total, response.raw.tell())  # what the library had read when the body ended
            if declared is not None:
                raise FetchError(f"short read: got {total:,} of the {declared:,} bytes its Content-Length "
                                 f"declared ({type(exc).__name__})", transient=True) from None
            raise FetchError(f"the download was cut off after {total:,} bytes ({type(exc).__name__})",
                             transient=True) from None
        if declared is not None and total < declared:
            raise FetchError(f"short read: got {total:,} of the {declared:,} bytes its Content-Length declared",
                             transient=True)
        content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()[:100]
        return Fetched(url, content_type, b"".join(chunks))


def _declared_length(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())
