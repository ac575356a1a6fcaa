"""The consultation's history as the page shows it: who, when, what, and each changed field's
before and after in words (names for ids, UK times for instants)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tracker.consultations import queries
from tracker.models import ActivityLog
from tracker.timeutil import to_uk


@dataclass(frozen=True)
class HistoryRow:
    entry: ActivityLog
    changes: list[tuple[str, str, str]]  # (field, before, after)


def history_rows(consultation_id: int) -> list[HistoryRow]:
    entries = queries.history(consultation_id)
    names = queries.history_names(entries)
    return [HistoryRow(entry, _changes(entry, names)) for entry in entries]


def _changes(entry: ActivityLog, names: dict[str, dict[int, str]]) -> list[tuple[str, str, str]]:
    """Keys of `after` first, then those only in `before`."""
    before, after = entry.before or {}, entry.after or {}
    keys = [*after.keys(), *(key for key in before if key not in after)]
    return [
        (key.replace("_id", "").replace("_", " "), _shown(key, before.get(key), names),
         _shown(key, after.get(key), names))
        for key in keys
    ]


def _shown(key: str, value: Any, names: dict[str, dict[int, str]]) -> str:
    if value in (None, ""):
        return "–"
    if key in names and value in names[key]:
        return names[key][value]
    if key.endswith("_at"):
        return _iso_uk(value)
    return str(value)


def _iso_uk(value: Any) -> str:
    """An instant the activity log stored as ISO text, in UK time (other text unchanged)."""
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    if parsed.tzinfo is None:
        return str(value)
    return to_uk(parsed).strftime("%-d %b %Y, %H:%M")
