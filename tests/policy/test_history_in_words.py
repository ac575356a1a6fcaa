"""Issue 24: the history of a response's asks and their take-up says the asks' titles and what
government did in words, never the asks' ids or the stored codes."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from tracker.changes import in_words
from tracker.extensions import db
from tracker.models import ActivityLog, Consultation, Status, User
from tracker.models.policy import PolicyAsk
from tracker.policy import services


def _said(consultation: Consultation, action: str) -> list[tuple[str, str, str]]:
    entry = db.session.scalars(select(ActivityLog).where(ActivityLog.consultation_id == consultation.id,
                                                         ActivityLog.action == action)
                               .order_by(ActivityLog.id.desc())).first()
    assert entry is not None
    return [(c.field, c.before, c.after) for c in in_words([entry])[0].changes]


def test_asks_and_take_up_are_told_by_title_and_in_words(
    users: dict[str, User], make_response: Callable[..., Consultation], hull_ask: PolicyAsk,
    make_ask: Callable[..., PolicyAsk],
) -> None:
    second = make_ask("Bus franchising powers")
    consultation = make_response(Status.SUBMITTED, outcome=True)
    services.set_response_asks(users["coordinator"], consultation, [hull_ask.id, second.id], [])
    assert _said(consultation, services.RESPONSE_ASKS_ACTION) == [
        ("Asks", "–", "Five-year bus funding; Bus franchising powers")]
    services.record_take_up(users["coordinator"], consultation, {hull_ask.id: "full", second.id: ""},
                            {hull_ask.id: "", second.id: ""})
    assert _said(consultation, services.TAKE_UP_ACTION) == [
        ("Five-year bus funding", "Not recorded", "Taken up in full")]
