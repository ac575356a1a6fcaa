"""One scan of alerts: saved searches' new matches, then followed changes. Run by the sweep and,
soon after a commit that made something worth telling, by its own task (hooks.py). Flushes."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from tracker.alerts import followed, matching
from tracker.extensions import db
from tracker.timeutil import utcnow

log = logging.getLogger(__name__)


def plan(now: datetime | None = None) -> int:
    """How many were told. What is due is read first, and only then, if anything is, told within a
    savepoint: a scan running at the same moment that told someone first (their alert's key is
    unique) undoes only this scan's alerts, never the caller's work; the next scan tells what is
    left. (A savepoint opened for nothing would, on SQLite, start a read transaction that a later
    write of the sweep's could not upgrade while another sweep writes.)"""
    now = now or utcnow()
    searches, changes = matching.due(now), followed.due(now)
    if not searches and not changes:
        return 0
    try:
        with db.session.begin_nested():
            return matching.tell(searches) + followed.tell(changes)
    except IntegrityError:
        log.info("another alerts scan told the same alerts first; the next scan tells what is left")
        return 0
