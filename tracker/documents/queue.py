"""Reading is queued only once the consultation it names is committed.

The intake's services and importer flush but never commit: they note the consultation on the
session, and the ``after_commit`` hook queues the reading (a rollback forgets it). A broker that
cannot be reached is logged; the hourly catch-up (tasks.catch_up) queues what is still unread.
"""

from __future__ import annotations

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

from tracker.aftercommit import is_outer, keep_for_outer_transaction

log = logging.getLogger(__name__)

_KEY = "kc_documents_to_read"
keep_for_outer_transaction(_KEY)


def read_after_commit(session: Session, consultation_id: int) -> None:
    session.info.setdefault(_KEY, set()).add(consultation_id)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if not is_outer(session):
        return
    ids = session.info.pop(_KEY, None)
    if not ids:
        return
    from tracker.documents import tasks

    try:
        with tasks.read_documents.app.producer_or_acquire() as producer:
            for ident in sorted(ids):
                tasks.read_documents.apply_async((ident,), producer=producer)
    except Exception as exc:  # noqa: BLE001 - the broker being down must not undo a commit
        log.error("could not queue the reading of consultations %s (%s: %s); the hourly catch-up will",
                  sorted(ids), type(exc).__name__, exc)

