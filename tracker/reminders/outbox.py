"""Queue sends only once the rows they name are committed.

Services flush but never commit, so they cannot call ``.delay()`` themselves: a
worker could run before the commit and find nothing (or the transaction could
roll back and the email go out anyway). They note the ids on the session; the
``after_commit`` hook queues them and a rollback forgets them.
"""

from __future__ import annotations

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

_KEY = "kc_reminder_sends"
SEND = "send_reminder"
DIGEST = "send_digest"


def queue_after_commit(session: Session, reminder_ids: list[int], task: str = SEND) -> None:
    if reminder_ids:
        session.info.setdefault(_KEY, []).extend((task, i) for i in reminder_ids)


def _pop(session: Session) -> list[tuple[str, int]]:
    return session.info.pop(_KEY, [])


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    items = _pop(session)
    if not items:
        return
    from tracker.reminders import tasks

    for task_name, ident in items:
        try:
            getattr(tasks, task_name).delay(ident)
        except Exception:  # noqa: BLE001 - the broker being down must not undo a commit
            # The row stays pending; the next sweep re-queues it.
            log.exception("could not queue %s(%s); the sweep will retry", task_name, ident)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    _pop(session)
