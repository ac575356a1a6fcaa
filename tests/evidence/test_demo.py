"""`make run`'s demo: a draft whose lead city asked three cities for evidence; one replied with an
attachment, one has nothing to add, one has not answered; loading it twice adds nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tracker.evidence import demo, files
from tracker.extensions import db
from tracker.models.evidence import EvidenceRequest, ReplyState
from tracker.seed import seed_demo


@pytest.mark.committed  # the demo's seed commits as `flask seed --demo` does
def test_the_demo_shows_a_request_with_every_kind_of_answer() -> None:
    seed_demo()
    db.session.commit()
    (request,) = db.session.scalars(select(EvidenceRequest)).all()
    assert request.consultation.title == demo.DRAFTS[0][0] and request.asked_by is not None
    assert [q.question.number for q in request.questions] == [1, 2]
    states = {r.city.name: r for r in request.replies}
    assert {name: r.state for name, r in states.items()} == {
        "Wolverhampton": ReplyState.REPLIED, "Preston": ReplyState.NOTHING_TO_ADD, "Newport": ReplyState.AWAITED}
    (attached,) = states["Wolverhampton"].files
    assert attached.filename == "Wolverhampton decent homes enforcement 2023-2025.csv"
    assert files.path_of(attached.stored_name).read_bytes() == demo.FIGURES.encode()
    assert len(states["Wolverhampton"].answers) == 2
    assert demo.seed_demo() == 0
    assert db.session.scalar(select(func.count()).select_from(EvidenceRequest)) == 1
