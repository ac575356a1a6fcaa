"""Partial and absurd dates on the submission and outcome forms: a 400 with the form, never a 500."""

from __future__ import annotations

from tracker.extensions import db
from tracker.models import Consultation, Status


def test_partial_dates_on_the_submission_and_outcome_forms(as_user, make_draft) -> None:
    approved = make_draft(Status.APPROVED)
    submitted = make_draft(Status.SUBMITTED)
    client = as_user("coordinator")
    for parts in (["12"], ["1", "1", "9" * 40], []):
        response = client.post(f"/consultations/{approved.id}/submission",
                               data={"method": "email", "submitted_on": parts, "submitted_time": "10:00"})
        assert response.status_code == 400, parts
        response = client.post(f"/consultations/{submitted.id}/outcome",
                               data={"published_on": parts, "taken_up": "yes"})
        assert response.status_code == 400, parts
    db.session.expire_all()
    assert db.session.get(Consultation, approved.id).status == Status.APPROVED.value
    assert db.session.get(Consultation, submitted.id).status == Status.SUBMITTED.value
