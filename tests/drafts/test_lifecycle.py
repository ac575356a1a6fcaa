"""A response from first words to the outcome, through the services; every step logged."""

from __future__ import annotations

from datetime import timedelta

from tracker.drafts import people, permissions, queries, review, versions
from tracker.extensions import db
from tracker.models import ActivityLog, Status
from tracker.timeutil import uk_today, utcnow


def test_whole_life_is_logged(make_draft, users):
    lead, coordinator, other_lead = users["lead"], users["coordinator"], users["other_lead"]
    c = make_draft(Status.ASSIGNED, versions=[], closes_in_days=10)
    versions.add_question(lead, c, "Do you agree?")
    people.add_contributor(lead, c, users["contributor"].id)
    versions.save_version(users["contributor"], c, versions.DraftText(body="Intro", answers={}), 0)
    q = queries.questions(c)[0]
    versions.save_version(lead, c, versions.DraftText(body="Intro", answers={str(q.id): "Yes."}), 1)
    versions.restore_version(lead, c, 1, 2)
    people.add_comment(other_lead, c, "Salford agrees.")
    review.send_for_review(lead, c)
    people.record_support(other_lead, c, other_lead.city_id)
    review.return_for_changes(coordinator, c, "Answer question 1 again.")
    versions.save_version(lead, c, versions.DraftText(body="Intro", answers={str(q.id): "Yes, in part."}), 3)
    review.send_for_review(lead, c)
    review.approve(coordinator, c)
    review.reopen(coordinator, c, "Late evidence")
    review.send_for_review(lead, c)
    review.approve(coordinator, c)
    review.record_submission(coordinator, c, method="email", submitted_at=utcnow() - timedelta(hours=1), reference="E-1")
    review.record_outcome(coordinator, c, url="https://www.gov.uk/x", published_on=uk_today(), taken_up="yes", notes="")
    db.session.commit()

    assert c.status == Status.OUTCOME_PUBLISHED
    actions = list(db.session.scalars(db.select(ActivityLog.action).where(ActivityLog.consultation_id == c.id).order_by(ActivityLog.id)))
    assert actions == [
        "add_question", "add_contributor", "start_drafting", "save_draft", "save_draft", "restore_version",
        "comment", "send_for_review", "city_support", "comment", "return_to_drafting", "save_draft",
        "send_for_review", "approve", "reopen", "send_for_review", "approve", "submit", "publish_outcome",
    ]
    submission = queries.get_submission(c)
    assert submission.version.number == 4 and submission.version.answers == {str(q.id): "Yes, in part."}
    # Frozen: nobody edits a submitted response, not even a coordinator.
    assert not permissions.can_edit(coordinator, c)
