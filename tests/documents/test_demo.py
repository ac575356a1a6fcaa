"""`make run`'s demo: two imported consultations with the questions and documents read from GOV.UK
(recorded), and their ways to respond as a checklist."""

from __future__ import annotations

from sqlalchemy import select

from tracker.documents import queries
from tracker.extensions import db
from tracker.models import Consultation, Source
from tracker.seed import seed_demo


def test_the_demo_has_consultations_with_questions_documents_and_a_checklist() -> None:
    seed_demo()
    db.session.commit()
    imported = list(db.session.scalars(select(Consultation).where(Consultation.source == Source.GOVUK.value)
                                       .order_by(Consultation.title)))
    assert [c.title[:25] for c in imported] == ["Bus services: improving r", "Planning reform: speeding"]
    bus, planning = imported
    assert [q.number for q in queries.questions_for(bus.id)] == ["1", "2", "3", "4", "5", "6"]
    assert [q.number for q in queries.questions_for(planning.id)] == ["1.1", "1.2", "2.1", "2.2"]
    panel = queries.documents_panel(bus)
    assert panel.state == "read" and panel.question_count == 6
    assert [d.status for d in panel.documents] == ["read", "read", "read", "skipped", "read"]
    assert [s.method for s in queries.submission_checklist(bus)] == ["online_form", "email", "post", "response_form"]
    # Recorded for the items' versions: neither the task nor the catch-up reads them again.
    assert queries.unread_consultations(10) == []
