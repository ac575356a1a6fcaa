"""Issue 24: no raw values where a person reads. Every page each role can open on the demo data is
read as text: no Python `None`, no empty list `[]`, no enum's code (`Status.DRAFTING`, a
`snake_case` value of any enum in tracker/models)."""

from __future__ import annotations

import enum
import re

import pytest
from flask import Flask

import tracker.models as models
from tests.pagewalk import DEMO_LOGINS, readable_pages, visible_text
from tracker.extensions import db

pytestmark = pytest.mark.committed


def _enums() -> list[type[enum.Enum]]:
    found: dict[str, type[enum.Enum]] = {}
    for module in list(vars(models).values()):
        for value in vars(module).values() if hasattr(module, "__file__") else []:
            if isinstance(value, type) and issubclass(value, enum.Enum) and value.__module__.startswith("tracker."):
                found[value.__name__] = value
    return list(found.values())


def _raw_patterns() -> list[tuple[str, re.Pattern[str]]]:
    patterns = [("None", re.compile(r"\bNone\b(?! of\b)")), ("[]", re.compile(r"\[\s*\]")),
                ("{}", re.compile(r"\{\s*\}"))]
    for kind in _enums():
        patterns.append((f"{kind.__name__}.", re.compile(rf"\b{kind.__name__}\.[A-Z_]+\b")))
        for member in kind:
            if isinstance(member.value, str) and "_" in member.value:
                patterns.append((f"{kind.__name__} code", re.compile(rf"(?<![\w/-]){re.escape(member.value)}(?![\w/-])")))
    return patterns


# The API reference documents the API's own codes (the values a program sends and reads).
API_VOCABULARY = "/api/reference"


def _faults(text: str, patterns: list[tuple[str, re.Pattern[str]]], path: str = "") -> list[str]:
    faults = []
    for what, pattern in patterns:
        if path == API_VOCABULARY and what.endswith(" code"):
            continue
        for match in pattern.finditer(text):
            start = max(match.start() - 40, 0)
            faults.append(f"{what}: ...{text[start:match.end() + 40]}...")
    return faults


def test_the_walk_reads_raw_values_it_is_shown() -> None:
    patterns = _raw_patterns()
    assert _faults("Internal deadline None", patterns)
    assert _faults("Suggested work area []", patterns)
    assert _faults("Status changed to in_review", patterns)
    assert _faults("Role.POLICY_LEAD", patterns)
    assert not _faults("None of the cities replied. Status: In review", patterns)


@pytest.fixture
def demo(app: Flask) -> None:
    from tracker import seed

    seed.seed_demo()
    db.session.commit()


def test_no_page_shows_raw_values(app: Flask, demo: None) -> None:
    patterns = _raw_patterns()
    faults: list[str] = []
    for role in DEMO_LOGINS:
        pages = readable_pages(app, role)
        assert len(pages) > 10, f"{role} reads {len(pages)} pages"
        for path, html in pages.items():
            faults.extend(f"{role} {path}: {fault}" for fault in _faults(visible_text(html), patterns, path))
    assert not faults, "\n".join(faults)
