"""Queue sends only once the rows they name are committed.

Services flush but never commit, so they cannot call ``.delay()`` themselves: a
worker could run before the commit and find nothing (or the transaction could
roll back and the email go out anyway). They note the ids on the session; the
``after_commit`` hook queues them and a rollback forgets them. When the broker
cannot be reached the rows are marked as not queued (``queued_at`` NULL), and the
next sweep queues them.
"""

from __future__ import annotations

import logging

from sqlalchemy import event, update
from sqlalchemy.orm import Session

from tracker.aftercommit import is_outer, keep_for_outer_transaction

log = logging.getLogger(__name__)

_KEY = "kc_message_sends"
SEND = "send_message"
DIGEST = "send_digest"
# Ids per send_batch message. Publishing costs the sweep a fraction of a millisecond a message
# whatever its size (Celery's repr of the arguments stops at 1 kB); fanning one batch out takes a
# worker well under a second.
BATCH = 250

keep_for_outer_transaction(_KEY)


def queue_after_commit(session: Session, message_ids: list[int], task: str = SEND) -> None:
    if message_ids:
        session.info.setdefault(_KEY, []).extend((task, i) for i in message_ids)


def _pop(session: Session) -> list[tuple[str, int]]:
    return session.info.pop(_KEY, [])


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if not is_outer(session):
        return
    items = _pop(session)
    if not items:
        return
    from tracker.messaging import tasks

    by_task: dict[str, list[int]] = {}
    for task_name, ident in items:
        by_task.setdefault(task_name, []).append(ident)
    for task_name, idents in by_task.items():
        task = getattr(tasks, task_name)
        try:
            # One broker connection for the lot, not one per message; and a big sweep's sends
            # go in batches (see BATCH).
            with task.app.producer_or_acquire() as producer:
                if task_name == SEND and len(idents) > 1:
                    for start in range(0, len(idents), BATCH):
                        tasks.send_batch.apply_async((idents[start : start + BATCH],), producer=producer)
                else:
                    for ident in idents:
                        task.apply_async((ident,), producer=producer)
        except Exception as exc:  # noqa: BLE001 - the broker being down must not undo a commit
            # The rows stay pending, marked as not queued: the next sweep queues them.
            log.error("could not queue %s for %d rows (%s: %s); the next sweep will", task_name, len(idents),
                      type(exc).__name__, exc)
            _mark_not_queued(task_name, idents)


def _mark_not_queued(task_name: str, idents: list[int]) -> None:
    from tracker.extensions import db, table_of
    from tracker.models.messages import DigestRun, Message

    table = table_of(DigestRun if task_name == DIGEST else Message)
    try:
        # Its own transaction: the caller's has just committed.
        with db.engine.begin() as conn:
            for start in range(0, len(idents), 500):
                conn.execute(update(table).where(table.c.id.in_(idents[start : start + 500])).values(queued_at=None))
    except Exception:  # noqa: BLE001 - then the send lease brings them back, later
        log.exception("could not mark %d rows as not queued", len(idents))

