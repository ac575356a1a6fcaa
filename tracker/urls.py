"""Absolute links, always from the BASE_URL setting and never from the request's Host header, so
that an email or a calendar feed built in a task or a request points at the real site."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from werkzeug.exceptions import HTTPException, NotFound


def external_url(endpoint: str, **values: Any) -> str:
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path.rstrip("/") or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def is_web_address(value: str) -> bool:
    """Whether a link someone entered is an http(s) address (never javascript:, data: or a path)."""
    return value.strip().lower().startswith(("http://", "https://"))


def base_host() -> str:
    """The public host name, e.g. for the domain part of calendar UIDs."""
    return urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"


def web_link(url: str) -> str:
    """A link to what came from outside, only when it is an http(s) address ("" for none)."""
    return url.strip() if is_web_address(url) else ""


def link_key(url: str) -> str:
    """One spelling of a link, so the same page is found however it was written: the scheme
    (http and https alike), the host's case, a leading ``www.``, the default port, a trailing
    slash, ``utm_*`` tracking parameters and the ``#fragment`` make no difference; every other
    query parameter is kept, in its order. "" for anything that is not an http(s) address."""
    text = (url or "").strip()
    if not is_web_address(text):
        return ""
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return ""
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        return ""
    host = host.removeprefix("www.")
    if port is not None and port not in (80, 443):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    kept = [p for p in parts.query.split("&") if p and not p.lower().startswith("utm_")]
    query = "&".join(kept)
    return (host + path + ("?" + query if query else ""))[:500]


_LINK = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def own_path(url: str) -> str | None:
    """The path (with query and fragment) on this site of a link a message carries, or None for a
    link elsewhere. Ours: on BASE_URL's host, or (data seeded before BASE_URL was set) on the
    loopback address the development default names, for a path the app answers."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    base = urlsplit(current_app.config["BASE_URL"])
    if (parts.scheme, parts.netloc.lower()) != (base.scheme, base.netloc.lower()) and host not in _LOOPBACK:
        return None
    prefix = base.path.rstrip("/") if host not in _LOOPBACK else ""
    path = parts.path[len(prefix):] if prefix and parts.path.startswith(prefix) else parts.path
    try:
        current_app.url_map.bind("localhost").match(path or "/", method="GET")
    except NotFound:
        return None
    except HTTPException:  # a redirect or another method still names one of our pages
        pass
    return path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def text_and_links(text: str) -> list[tuple[str, str | None]]:
    """A message's text in pieces, each plain text (None) or a link with where it goes: on this
    site as its path, elsewhere as it is. Trailing punctuation stays text."""
    pieces: list[tuple[str, str | None]] = []
    at = 0
    for match in _LINK.finditer(text):
        url = match.group(0).rstrip(".,;:!?)")
        if match.start() > at:
            pieces.append((text[at:match.start()], None))
        pieces.append((url, own_path(url) or url))
        at = match.start() + len(url)
    if at < len(text):
        pieces.append((text[at:], None))
    return pieces


def action_url(text: str) -> str | None:
    """action_path as an absolute link on BASE_URL, for an email."""
    path = action_path(text)
    return current_app.config["BASE_URL"].rstrip("/") + path if path else None


def action_path(text: str) -> str | None:
    """Where a message's action is: the last link to this site it carries (its footer's)."""
    paths = [own_path(link.rstrip(".,;:!?)")) for link in _LINK.findall(text)]
    return next((p for p in reversed(paths) if p), None)
