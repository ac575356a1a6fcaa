"""What waits for the commit waits for the outermost one: a savepoint's commit does not act on it,
a savepoint's rollback forgets only what was noted inside it, and a consultation's version moves
once however its verbs are nested."""

from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from tests import factories
from tracker import locking
from tracker.aftercommit import is_outer, keep_for_outer_transaction
from tracker.extensions import db
from tracker.messaging import outbox
from tracker.models import Consultation, Status

_NOTE = "test_aftercommit_note"
_acted: list[list[int]] = []
keep_for_outer_transaction(_NOTE)


@event.listens_for(Session, "after_commit")
def _act(session: Session) -> None:
    if is_outer(session) and _NOTE in session.info:
        _acted.append(session.info.pop(_NOTE))


def _note(*values: int) -> None:
    db.session.info.setdefault(_NOTE, []).extend(values)


def test_a_savepoints_commit_does_not_act_and_the_outer_commit_acts_once() -> None:
    _acted.clear()
    factories.make_user()  # the session's transaction has begun
    _note(1)
    with db.session.begin_nested():
        _note(2)
    assert _acted == [] and db.session.info[_NOTE] == [1, 2]
    db.session.commit()
    assert _acted == [[1, 2]]


def test_a_savepoints_rollback_forgets_only_what_it_noted() -> None:
    _acted.clear()
    factories.make_user()
    _note(1)
    savepoint = db.session.begin_nested()
    _note(2)
    with db.session.begin_nested():
        _note(3)  # a savepoint inside the one that rolls back
    savepoint.rollback()
    assert db.session.info[_NOTE] == [1]
    db.session.commit()
    assert _acted == [[1]]


def test_the_outer_rollback_forgets_everything() -> None:
    _acted.clear()
    factories.make_user()
    _note(1)
    with db.session.begin_nested():
        _note(2)
    db.session.rollback()
    assert _NOTE not in db.session.info
    factories.make_user()
    db.session.commit()
    assert _acted == []


def test_sends_noted_before_a_savepoint_survive_its_rollback() -> None:
    factories.make_user()
    outbox.queue_after_commit(db.session(), [101])
    savepoint = db.session.begin_nested()
    outbox.queue_after_commit(db.session(), [102])
    savepoint.rollback()
    assert db.session.info[outbox._KEY] == [(outbox.SEND, 101)]
    with db.session.begin_nested():
        outbox.queue_after_commit(db.session(), [103])
    # The savepoint committed, the transaction not: nothing is queued yet.
    assert db.session.info[outbox._KEY] == [(outbox.SEND, 101), (outbox.SEND, 103)]
    db.session.rollback()
    assert outbox._KEY not in db.session.info


def test_a_version_claimed_in_a_rolled_back_savepoint_is_claimed_again_and_moves_once() -> None:
    consultation = factories.make_consultation(Status.TRIAGED)
    db.session.flush()
    start = consultation.version
    savepoint = db.session.begin_nested()
    assert locking.claim(consultation, start) == start + 1
    savepoint.rollback()
    assert locking.claimed_version(consultation) is None
    assert consultation.version == start  # read again: the savepoint's UPDATE is undone

    assert locking.claim(consultation, start) == start + 1
    with db.session.begin_nested():
        assert locking.claim(consultation, start) == start + 1  # claimed: not moved again
    assert locking.claimed_version(consultation) == start + 1  # kept past the savepoint's commit
    db.session.commit()
    assert db.session.scalar(select(Consultation.version).where(Consultation.id == consultation.id)) == start + 1
    assert locking.claimed_version(consultation) is None
