"""Counts of consultations (the list's: all that match and how many are still open; the
dashboard's: how many in each status, and how many imported items wait in the inbox), reused for
a few seconds by each web process.

Counting every matching row is the one part of these pages that grows with the table (a scan of
100,000 rows for the unfiltered list); the rows of a page come from index ranges. A change of
consultations (or of imported items) committed in this process forgets the counts at once; a change made by another
process is seen within LIST_COUNT_CACHE_SECONDS.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from tracker.aftercommit import is_outer
from tracker.models import Consultation
from tracker.models.intake import IntakeItem

_KEY = "kc_consultations_changed"
_lock = threading.Lock()
_counts: dict[Hashable, tuple[float, Any]] = {}
T = TypeVar("T")


def counts(key: Hashable, count: Callable[[], T]) -> T:
    """What ``count`` counts for this key: from the last few seconds, or counted now."""
    ttl = current_app.config["LIST_COUNT_CACHE_SECONDS"]
    if ttl <= 0:
        return count()
    now = time.monotonic()
    with _lock:
        hit = _counts.get(key)
    if hit is not None and now - hit[0] < ttl:
        return cast(T, hit[1])
    value = count()
    with _lock:
        if len(_counts) > 1000:  # filters are many; keep only what is in use
            _counts.clear()
        _counts[key] = (now, value)
    return value


def forget() -> None:
    with _lock:
        _counts.clear()


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, flush_context: Any) -> None:
    if any(isinstance(o, Consultation | IntakeItem) for o in (*session.new, *session.dirty, *session.deleted)):
        session.info[_KEY] = True


@event.listens_for(Session, "after_commit")
def _forget_after_commit(session: Session) -> None:
    # A savepoint's commit is not the transaction's: others cannot see its changes yet.
    if is_outer(session) and session.info.pop(_KEY, False):
        forget()


@event.listens_for(Session, "after_rollback")
def _nothing_changed(session: Session) -> None:
    if is_outer(session):
        session.info.pop(_KEY, None)
