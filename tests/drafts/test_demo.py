"""The demo data set: drafts in several states, safe to seed twice."""

from __future__ import annotations

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import Consultation, Status
from tracker.models.drafts import Comment, Outcome, Response, ResponseVersion, Submission
from tracker.seed import seed_demo


def _count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_drafts_cover_every_state_and_are_idempotent(as_user):
    seed_demo()
    db.session.commit()
    counts = [_count(m) for m in (Response, ResponseVersion, Comment, Submission, Outcome)]
    seed_demo()
    db.session.commit()
    assert [_count(m) for m in (Response, ResponseVersion, Comment, Submission, Outcome)] == counts
    states = set(db.session.scalars(
        select(Consultation.status).join(Response, Response.consultation_id == Consultation.id)))
    assert {Status.DRAFTING, Status.IN_REVIEW, Status.APPROVED, Status.SUBMITTED, Status.OUTCOME_PUBLISHED} <= states
    submitted = db.session.scalar(select(func.count()).select_from(Consultation).where(
        Consultation.status.in_([Status.SUBMITTED.value, Status.OUTCOME_PUBLISHED.value])))
    assert _count(Submission) == submitted
    # Drafts in progress have a history to browse (the reports' year of past responses has one version each).
    drafts, versions = db.session.execute(
        select(func.count(Response.id), func.sum(Response.current_number))
        .join(Consultation, Consultation.id == Response.consultation_id)
        .where(Consultation.status.in_([Status.DRAFTING.value, Status.IN_REVIEW.value, Status.APPROVED.value]))).one()
    assert drafts > 0 and versions >= 3 * drafts and counts[2] > 0
    # Every submitted version predates its submission.
    for s in db.session.scalars(select(Submission)):
        assert s.version.created_at < s.submitted_at
    page = as_user("contributor").get("/consultations/library").get_data(as_text=True)
    assert f"{submitted} responses" in page
