"""Absolute links, always from the BASE_URL setting and never from the request's Host header, so
that an email or a calendar feed built in a task or a request points at the real site."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app


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
