"""Alerts told soon after the commit that made them due: a flush that adds a consultation, an
imported item or a log entry of a consultation or an ask marks the session; once it commits, one
scan is queued (the outbox's pattern: never before the rows are there, nothing on a rollback; the
note lives as the outermost transaction does, tracker/aftercommit.py, so an importer's savepoint
per item queues nothing until the run commits). The sweep scans too, so a scan the broker lost is
caught up within a sweep."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from tracker.aftercommit import is_outer, keep_for_outer_transaction
from tracker.models import ActivityLog, Consultation
from tracker.models.intake import IntakeItem

log = logging.getLogger(__name__)

_KEY = "kc_alerts_due"
keep_for_outer_transaction(_KEY)


def _worth_a_scan(obj: Any) -> bool:
    if isinstance(obj, Consultation | IntakeItem):
        return True
    return isinstance(obj, ActivityLog) and (obj.consultation_id is not None or obj.subject_type == "policy_ask")


def _after_flush(session: Session, _context: Any) -> None:
    if not session.info.get(_KEY) and any(_worth_a_scan(obj) for obj in session.new):
        session.info[_KEY] = True


def _after_commit(session: Session) -> None:
    if not is_outer(session) or not session.info.pop(_KEY, False):
        return
    from tracker.alerts import tasks

    try:
        if tasks.scan.app.conf.task_always_eager:
            return  # run inline it would use this session mid-commit; the sweep scans instead
        tasks.scan.apply_async()
    except Exception as exc:  # noqa: BLE001 - the broker being down must not undo a commit
        log.warning("could not queue an alerts scan (%s: %s); the next sweep scans", type(exc).__name__, exc)


def install() -> None:
    """Listen on every session (idempotent: a second app in one process adds nothing)."""
    for name, listener in (("after_flush", _after_flush), ("after_commit", _after_commit)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
