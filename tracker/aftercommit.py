"""What a transaction notes on its session to act on once it commits, kept for the outermost one.

Services flush and never commit, so what must wait for the commit (queueing sends, queueing a
document's reading, the versions a transaction claimed) is noted in ``session.info`` and acted on
by an ``after_commit`` hook. SQLAlchemy fires ``after_commit`` and ``after_rollback`` for savepoints
too, and a savepoint is not the transaction: acting on its commit would queue a send whose row the
outer transaction may still roll back, and forgetting everything on its rollback would drop what
was noted before it began. So a note registered here lives as the outermost transaction does:

- a savepoint's commit keeps it (the hooks ask :func:`is_outer` and return);
- a savepoint's rollback puts it back as it was when the savepoint began;
- the outermost rollback forgets it; the outermost commit's own hook pops it and acts.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction


def is_outer(session: Session) -> bool:
    """Whether the commit or rollback being announced is the outermost transaction's."""
    return not session.in_nested_transaction()


def keep_for_outer_transaction(key: str, restored: Callable[[Session, Any, Any], None] | None = None) -> None:
    """Scope ``session.info[key]`` to the outermost transaction (see the module's docstring).
    ``restored(session, before, after)`` is called when a savepoint's rollback puts back ``before``
    in place of ``after``, for notes whose undoing needs more than the note."""
    stack = f"{key}: at each savepoint"
    rolled_back = f"{key}: savepoint rolled back"

    @event.listens_for(Session, "after_transaction_create")
    def _savepoint_begins(session: Session, transaction: SessionTransaction) -> None:
        if transaction.nested:
            session.info.setdefault(stack, []).append(copy.copy(session.info.get(key)))

    @event.listens_for(Session, "after_rollback")
    def _rolled_back(session: Session) -> None:
        if is_outer(session):
            session.info.pop(key, None)
            session.info.pop(stack, None)
            session.info.pop(rolled_back, None)
        else:
            # The savepoint ends just after this: after_transaction_end puts the note back then.
            session.info[rolled_back] = True

    @event.listens_for(Session, "after_transaction_end")
    def _savepoint_ends(session: Session, transaction: SessionTransaction) -> None:
        if not transaction.nested or not session.info.get(stack):
            return
        before = session.info[stack].pop()
        if not session.info.pop(rolled_back, False):
            return
        after = session.info.get(key)
        if before is None:
            session.info.pop(key, None)
        else:
            session.info[key] = before
        if restored is not None and after != before:
            restored(session, before, after)
