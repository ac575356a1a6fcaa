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


def test_the_demo_lead_and_coordinator_find_them_where_they_work(app) -> None:  # type: ignore[no-untyped-def]
    """The bus consultation is Hull's to start question by question from its document; the planning
    one was answered that way and approved, for a coordinator to record by the checklist."""
    from tests.conftest import login
    from tracker.drafts import queries as drafts
    from tracker.models import Status, User

    seed_demo()
    db.session.commit()
    bus, planning = db.session.scalars(select(Consultation).where(Consultation.source == Source.GOVUK.value)
                                       .order_by(Consultation.title))
    hull = db.session.scalar(select(User).where(User.email == "lead.hull@keycities.test"))
    coordinator = db.session.scalar(select(User).where(User.email == "coordinator@keycities.test"))
    assert bus.status == Status.ASSIGNED and bus.lead_city_id == hull.city_id and bus.policy_lead_id == hull.id
    lead = login(app.test_client(), hull)
    response_page = lead.get(f"/consultations/{bus.id}/response").get_data(as_text=True)
    assert "Start question by question from the 6 questions in the consultation document" in response_page
    consultation_page = lead.get(f"/consultations/{bus.id}").get_data(as_text=True)
    assert "Documents and how to respond" in consultation_page and "Bus punctuality data tables" in consultation_page
    assert 'href="mailto:consultation101@example.gov.uk"' in consultation_page

    assert planning.status == Status.APPROVED
    assert [(q.shown_number, q.source_where != "") for q in drafts.questions(planning)] == [
        ("1.1", True), ("1.2", True), ("2.1", True), ("2.2", True)]
    submission_page = login(app.test_client(), coordinator).get(
        f"/consultations/{planning.id}/submission").get_data(as_text=True)
    assert 'href="https://consult.example.gov.uk/102"' in submission_page
    assert 'href="mailto:consultation102@example.gov.uk"' in submission_page and "2 Marsham Street" in submission_page
