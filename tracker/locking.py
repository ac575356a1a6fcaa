"""Optimistic concurrency for a consultation and its response.

Every form that changes a consultation's state carries the ``version`` its page was made
on. A verb first compares it with the row it loaded (``check_seen``), then claims the row
with a compare-and-set UPDATE (``claim``): ``version = version + 1 WHERE version = <loaded>``.
If someone else committed a change in between, no row matches and the verb raises
``Stale`` listing what changed and by whom; nothing is written.

On PostgreSQL the claim also takes the row's lock, so the rest of the verb runs as if
alone; SQLite serialises writers. Locks are taken consultation first, then response,
everywhere, so two verbs never wait on each other in a cycle.

One transaction moves a consultation's version once, however many verbs it runs (the
importer may edit a closing date and withdraw in one go): the claimed versions are
remembered on the session until it commits or rolls back.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, event, select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from tracker.aftercommit import is_outer, keep_for_outer_transaction
from tracker.errors import Change, Stale
from tracker.extensions import db, table_of
from tracker.models import ActivityLog, Consultation, User
from tracker.timeutil import utcnow

_KEY = "kc_claimed_versions"
# A stale page lists at most this many changes (the newest); more is not more helpful.
MAX_CHANGES = 10


def claimed_version(consultation: Consultation) -> int | None:
    """The version this transaction moved the consultation to, if it did."""
    return db.session.info.get(_KEY, {}).get(consultation.id)


def check_seen(consultation: Consultation, seen_version: int | None) -> None:
    """Refuse a change made on a page older than the row as loaded (None: no page, the system)."""
    if seen_version is None or claimed_version(consultation) is not None:
        return
    if seen_version != consultation.version:
        raise stale(consultation, seen_version)


def claim(consultation: Consultation, seen_version: int | None = None) -> int:
    """Move the consultation to its next version, or raise Stale if it moved under us."""
    check_seen(consultation, seen_version)
    claimed = db.session.info.setdefault(_KEY, {})
    if consultation.id in claimed:
        return claimed[consultation.id]
    expected = consultation.version
    if not move_version(consultation, expected):
        raise stale(consultation, expected)
    claimed[consultation.id] = expected + 1
    return expected + 1


def move_version(row: Any, expected: int) -> bool:
    """Move ``row`` from version ``expected`` to the next with a compare-and-set UPDATE; False,
    and nothing written, if it is no longer at ``expected``. A Core UPDATE on the table, not the
    ORM one: the object's version must stay what was read until the caller's flush, which the
    version checks rely on."""
    table = table_of(type(row))
    now = utcnow()
    stamped = "updated_at" in table.c  # a row without the time of its last change (a follow-up)
    result = cast(CursorResult[Any], db.session.execute(
        update(table)
        .where(table.c.id == row.id, table.c.version == expected)
        .values(version=expected + 1, **({"updated_at": now} if stamped else {}))
    ))
    if result.rowcount != 1:
        return False
    set_committed_value(row, "version", expected + 1)
    if stamped:
        set_committed_value(row, "updated_at", now)
    return True


def latest_changes(*where: ColumnElement[bool]) -> list[tuple[ActivityLog, Change]]:
    """The newest ``MAX_CHANGES`` activity entries matching ``where``, oldest first, each with the
    change it shows on a stale page (one query)."""
    entries = db.session.scalars(
        select(ActivityLog)
        .options(selectinload(ActivityLog.actor).selectinload(User.city))
        .where(*where)
        .order_by(ActivityLog.id.desc())
        .limit(MAX_CHANGES)
    ).all()
    return [(e, Change(who=e.actor.display_name if e.actor else "The tracker", when=e.created_at,
                       what=e.message or e.action)) for e in reversed(entries)]


def changes_since(consultation_id: int, version: int) -> list[Change]:
    """The state changes after ``version``, oldest first (one query)."""
    return [change for _, change in latest_changes(ActivityLog.consultation_id == consultation_id,
                                                   ActivityLog.consultation_version > version)]


def who_changed(changes: list[Change]) -> str:
    names = list(dict.fromkeys(c.who for c in changes))
    if not names:
        return "Someone else"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def stale(consultation: Consultation, since: int) -> Stale:
    """The refusal for a page made on version ``since``: what changed after it, and by whom."""
    db.session.expire(consultation, ["version"])
    current = db.session.scalar(select(Consultation.version).where(Consultation.id == consultation.id))
    changes = changes_since(consultation.id, since)
    return Stale(
        f"{who_changed(changes)} changed this consultation after you opened the page, so your change "
        "was not made. What changed is listed below. Your entries are kept: check the consultation as "
        "it is now and submit again if your change is still right.",
        changes=changes,
        version=current,
    )


def _unclaim(session: Session, before: dict[int, int] | None, after: dict[int, int] | None) -> None:
    # A rolled-back savepoint undid its claims' UPDATEs: the rows it claimed are read again, so the
    # next claim compares against the version in the database, not the one the savepoint moved to.
    for ident in set(after or {}) - set(before or {}):
        row = session.identity_map.get(identity_key(Consultation, ident))
        if row is not None:
            session.expire(row, ["version", "updated_at"])


keep_for_outer_transaction(_KEY, _unclaim)


@event.listens_for(Session, "after_commit")
def _forget_after_commit(session: Session) -> None:
    if is_outer(session):
        session.info.pop(_KEY, None)
