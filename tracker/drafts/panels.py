"""Panels other features add to the editor page.

The editor is drafts' own page, and the features whose panels sit beside it (evidence from member
cities) are on floors above drafts, which cannot import them. Each registers a function that gives
its panel's data for the person and the consultation; the editor passes what they return to its
template by name, and the template includes each feature's own partial.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tracker.models import Consultation, User

Panel = Callable[[User, Consultation], Any]

_PANELS: dict[str, Panel] = {}


def register(name: str, panel: Panel) -> None:
    """Idempotent: a module imported again (a second app in one process) registers the same panel."""
    _PANELS[name] = panel


def for_editor(user: User, consultation: Consultation) -> dict[str, Any]:
    """Each registered panel's data, by the name its partial reads."""
    return {name: panel(user, consultation) for name, panel in _PANELS.items()}
