"""The consultation's history as its page shows it: who, when, what, and each change in words."""

from __future__ import annotations

from tracker.changes import Entry, in_words
from tracker.consultations import queries


def history_rows(consultation_id: int) -> list[Entry]:
    return in_words(queries.history(consultation_id))
