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


def queue_after_commit(session: Session, reminder_ids: list[int]) -> None:
    if reminder_ids:
        session.info.setdefault(_KEY, []).extend(reminder_ids)


def _pop(session: Session) -> list[int]:
    return session.info.pop(_KEY, [])


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    ids = _pop(session)
    if not ids:
        return
    from tracker.reminders.tasks import send_reminder

    for reminder_id in ids:
        try:
            send_reminder.delay(reminder_id)
        except Exception:  # noqa: BLE001 - the broker being down must not undo a commit
            # The row stays pending; the next sweep re-queues it.
            log.exception("could not queue reminder %s; the sweep will retry", reminder_id)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    _pop(session)
