"""Every page a role can read, on the demo data: the GET routes without arguments and one of each
page with arguments (the consultation's pages for one consultation in each status), kept when the
role gets an HTML page back. Shared by the raw-values walk and the 320 px / axe browser walk."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from flask import Flask
from sqlalchemy import select

from tests.conftest import login
from tracker.extensions import db
from tracker.models import Consultation, User

DEMO_LOGINS = {
    "admin": "admin@keycities.test",
    "coordinator": "coordinator@keycities.test",
    "policy lead": "lead.hull@keycities.test",
    "contributor": "contributor.newport@keycities.test",
}
# Not pages: signing out, sign-in hand-offs, health checks, JSON, feeds and downloads.
_NOT_PAGES = re.compile(r"^(auth\.(oidc_|logout)|health\.|api\.|api_v1\.|api-v1-|account\.feed_)")
_DOWNLOAD = re.compile(r"\.(csv|xlsx|docx|md|ics|json)$|/files/")
_WORDS = {"name": "start_drafting", "token": "no-such-token", "city_slug": "hull", "provider_name": "entra"}


def _values() -> dict[str, Any]:
    from tests.test_hostile_input import _real_values

    return {**_real_values(), **_WORDS}


def _consultations_per_status() -> list[int]:
    rows = db.session.execute(select(Consultation.status, Consultation.id).order_by(Consultation.id)).all()
    chosen: dict[str, int] = {}
    for status, cid in rows:
        chosen.setdefault(status, cid)
    return list(chosen.values())


def candidate_paths(app: Flask) -> list[str]:
    """Every GET page's path on the demo data (before asking whether a role may read it)."""
    values = _values()
    per_status = _consultations_per_status()
    paths: list[str] = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint == "static" or _NOT_PAGES.match(rule.endpoint):
            continue
        if _DOWNLOAD.search(rule.rule) or rule.endpoint == "consultations.transition":
            continue
        ids = [values["consultation_id"]]
        if rule.endpoint in ("consultations.detail", "drafts.response"):
            ids = sorted({values["consultation_id"], *per_status})
        for cid in ids:
            path = rule.rule
            for name in rule.arguments:
                value = cid if name == "consultation_id" else values[name]
                path = re.sub(rf"<(?:[a-z]+:)?{name}>", str(value), path)
            paths.append(path)
    return list(dict.fromkeys(paths))


def readable_pages(app: Flask, role: str) -> dict[str, str]:
    """The pages the role gets as HTML (200), with their HTML."""
    client = app.test_client()
    user = db.session.scalar(select(User).where(User.email == DEMO_LOGINS[role]))
    assert user is not None, f"the demo has a {role}"
    login(client, user)
    db.session.remove()
    pages: dict[str, str] = {}
    for path in candidate_paths(app):
        response = client.get(path)
        db.session.remove()
        assert response.status_code < 500, f"{role}: {path} -> {response.status_code}"
        if response.status_code == 200 and "html" in (response.content_type or ""):
            pages[path] = response.get_data(as_text=True)
    return pages


class _Text(HTMLParser):
    """The words a person reads (and a screen reader says): text outside script, style, head and
    template, plus the alternatives of images and the values of buttons."""

    _SKIP = {"script", "style", "head", "template", "noscript"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._depth += 1
        found = dict(attrs)
        if tag == "img" and found.get("alt"):
            self.parts.append(str(found["alt"]))
        if tag == "input" and found.get("type") in ("submit", "button") and found.get("value"):
            self.parts.append(str(found["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._depth:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))
