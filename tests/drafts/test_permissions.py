"""Who may do what to a draft, per role and city; refused means the database is unchanged."""

from __future__ import annotations

import pytest

from tests import factories
from tests.conftest import login
from tests.drafts.conftest import versions_of
from tracker.drafts import permissions, queries
from tracker.extensions import db
from tracker.models import ActivityLog, Consultation, Status
from tracker.models.drafts import Comment, Outcome, Submission

ROLES = ["admin", "coordinator", "lead", "other_lead", "contributor", "added_contributor", "anonymous"]


def _client(name, as_user, consultation, added_contributor):  # type: ignore[no-untyped-def]
    if name == "added_contributor":
        return login(as_user(None), added_contributor(consultation))
    return as_user(name)


def _status(c: Consultation) -> str:
    db.session.expire_all()
    return db.session.get(Consultation, c.id).status


def _log_count(c: Consultation) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(ActivityLog).where(ActivityLog.consultation_id == c.id))


def _refused(r) -> bool:  # type: ignore[no-untyped-def]
    # 403 for signed-in users, the sign-in page for anonymous ones.
    return r.status_code == 403 or (r.status_code == 302 and "/login" in r.headers["Location"])


EDIT = {"admin": True, "coordinator": True, "lead": True, "other_lead": False, "contributor": False,
        "added_contributor": True, "anonymous": False}


@pytest.mark.parametrize("role", ROLES)
def test_edit(role, make_draft, as_user, added_contributor):
    consultation = make_draft(Status.DRAFTING, versions=["v1"])
    client = _client(role, as_user, consultation, added_contributor)
    r = client.post(f"/consultations/{consultation.id}/response/edit", data={"base_version": 1, "body": "changed", "save": "1"})
    if EDIT[role]:
        assert r.status_code == 302
        assert [v[:2] for v in versions_of(consultation)] == [(1, "v1"), (2, "changed")]
    else:
        assert _refused(r)
        assert [v[:2] for v in versions_of(consultation)] == [(1, "v1")]
        assert client.get(f"/consultations/{consultation.id}/response/edit").status_code in (302, 403)


def test_the_consultations_own_policy_lead_may_edit_even_from_another_city(make_draft, as_user, users):
    consultation = make_draft(Status.DRAFTING, versions=["v1"])
    outsider = factories.make_user("policy_lead", city_name="Exeter")
    consultation.policy_lead_id = outsider.id
    db.session.commit()
    r = login(as_user(None), outsider).post(
        f"/consultations/{consultation.id}/response/edit", data={"base_version": 1, "body": "x", "save": "1"})
    assert r.status_code == 302
    assert len(versions_of(consultation)) == 2


@pytest.mark.parametrize("role", ROLES)
def test_comment(role, make_draft, as_user, added_contributor):
    consultation = make_draft(Status.IN_REVIEW, versions=["v1"])
    client = _client(role, as_user, consultation, added_contributor)
    r = client.post(f"/consultations/{consultation.id}/response/comments", data={"body": f"Comment from {role}"})
    db.session.expire_all()
    bodies = list(db.session.scalars(db.select(Comment.body)))
    if role == "anonymous":
        assert _refused(r)
        assert bodies == []
    else:
        assert r.status_code == 302
        assert bodies == [f"Comment from {role}"]
        page = client.get(f"/consultations/{consultation.id}/response").get_data(as_text=True)
        assert f"Comment from {role}" in page


def test_empty_comment_is_a_message_not_an_error(make_draft, as_user):
    consultation = make_draft(Status.DRAFTING)
    client = as_user("contributor")
    r = client.post(f"/consultations/{consultation.id}/response/comments", data={"body": "  "})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    # The page again, with the error summary linking to the comment box, which is marked.
    assert 'class="govuk-error-summary"' in html and 'href="#body">Enter your comment</a>' in html
    assert 'govuk-textarea--error' in html
    assert db.session.scalar(db.select(db.func.count()).select_from(Comment)) == 0


# (action path, starting status, expected status after, roles allowed, form data)
TRANSITIONS = [
    ("send-for-review", Status.DRAFTING, Status.IN_REVIEW, {"admin", "coordinator", "lead"}, {}),
    ("approve", Status.IN_REVIEW, Status.APPROVED, {"admin", "coordinator"}, {}),
    ("return", Status.IN_REVIEW, Status.DRAFTING, {"admin", "coordinator"}, {"comment": "Tighten the asks."}),
    ("reopen", Status.APPROVED, Status.DRAFTING, {"admin", "coordinator"}, {"reason": "New evidence arrived."}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action,start,end,allowed,data", TRANSITIONS, ids=[t[0] for t in TRANSITIONS])
def test_review_transitions(role, action, start, end, allowed, data, make_draft, as_user, added_contributor):
    consultation = make_draft(start, versions=["v1"])
    client = _client(role, as_user, consultation, added_contributor)
    before = _log_count(consultation)
    data = {**data, "version": consultation.version, "number": 1}
    r = client.post(f"/consultations/{consultation.id}/response/{action}", data=data)
    if role in allowed:
        assert r.status_code == 302, r.get_data(as_text=True)
        assert _status(consultation) == end
        assert _log_count(consultation) > before
    else:
        assert _refused(r)
        assert _status(consultation) == start
        assert _log_count(consultation) == before
        assert db.session.scalar(db.select(db.func.count()).select_from(Comment)) == 0


SUBMIT_DATA = {"method": "email", "submitted_on": ["1", "2", "2026"], "submitted_time": "16:45", "reference": "REF-1"}


@pytest.mark.parametrize("role", ROLES)
def test_record_submission(role, make_draft, as_user, added_contributor):
    consultation = make_draft(Status.APPROVED, versions=["v1", "final"], closes_in_days=-3)
    client = _client(role, as_user, consultation, added_contributor)
    r = client.post(f"/consultations/{consultation.id}/submission", data={**SUBMIT_DATA, "version": consultation.version})
    db.session.expire_all()
    submission = db.session.scalar(db.select(Submission))
    if role in ("admin", "coordinator"):
        assert r.status_code == 302, r.get_data(as_text=True)
        assert _status(consultation) == Status.SUBMITTED
        assert submission.reference == "REF-1"
        assert submission.version.number == 2 and submission.version.body == "final"
        assert submission.submitted_at.isoformat() == "2026-02-01T16:45:00+00:00"
    else:
        assert _refused(r)
        assert submission is None
        assert _status(consultation) == Status.APPROVED


OUTCOME_DATA = {"url": "https://www.gov.uk/outcome", "published_on": ["3", "3", "2026"], "taken_up": "partly", "notes": "Two of three asks."}


@pytest.mark.parametrize("role", ROLES)
def test_record_outcome(role, make_draft, as_user, added_contributor):
    consultation = make_draft(Status.SUBMITTED, versions=["v1"], closes_in_days=-30)
    client = _client(role, as_user, consultation, added_contributor)
    r = client.post(f"/consultations/{consultation.id}/outcome", data={**OUTCOME_DATA, "version": consultation.version})
    db.session.expire_all()
    outcome = db.session.scalar(db.select(Outcome))
    if role in ("admin", "coordinator"):
        assert r.status_code == 302, r.get_data(as_text=True)
        assert _status(consultation) == Status.OUTCOME_PUBLISHED
        assert outcome.taken_up == "partly"
        page = client.get(f"/consultations/{consultation.id}/response").get_data(as_text=True)
        assert "Partly" in page and "Two of three asks." in page
    else:
        assert _refused(r)
        assert outcome is None
        assert _status(consultation) == Status.SUBMITTED


@pytest.mark.parametrize("role,allowed", [("lead", True), ("coordinator", True), ("other_lead", False), ("contributor", False)])
def test_add_contributor(role, allowed, make_draft, as_user, users):
    consultation = make_draft(Status.DRAFTING)
    target = factories.make_user("contributor", city_name="Wrexham")
    db.session.commit()
    r = as_user(role).post(f"/consultations/{consultation.id}/response/contributors", data={"user_id": target.id})
    db.session.expire_all()
    added = permissions.is_contributor(target, queries.get_response(consultation))
    assert added is allowed
    assert (r.status_code == 302) if allowed else (r.status_code == 403)


def test_city_sign_off(make_draft, as_user, users):
    consultation = make_draft(Status.IN_REVIEW)
    hull, salford = users["lead"].city_id, users["other_lead"].city_id
    # A lead records their own city, not another.
    assert as_user("other_lead").post(f"/consultations/{consultation.id}/response/support", data={"city_id": salford}).status_code == 302
    assert as_user("other_lead").post(f"/consultations/{consultation.id}/response/support", data={"city_id": hull}).status_code == 403
    # A contributor cannot sign off; a coordinator can on a city's behalf.
    assert as_user("contributor").post(f"/consultations/{consultation.id}/response/support", data={"city_id": users["contributor"].city_id}).status_code == 403
    assert as_user("coordinator").post(f"/consultations/{consultation.id}/response/support", data={"city_id": hull}).status_code == 302
    # Twice is a message, not an error.
    again = as_user("coordinator").post(f"/consultations/{consultation.id}/response/support", data={"city_id": hull}, follow_redirects=True)
    assert "Hull already supports this response." in again.get_data(as_text=True)
    db.session.expire_all()
    assert [s.city.name for s in queries.supporting_cities(consultation)] == ["Hull", "Salford"]


def test_send_for_review_needs_a_saved_version(make_draft, as_user):
    consultation = make_draft(Status.DRAFTING, versions=[])
    r = as_user("lead").post(f"/consultations/{consultation.id}/response/send-for-review",
                             data={"version": consultation.version}, follow_redirects=True)
    assert "Save a first version" in r.get_data(as_text=True)
    assert _status(consultation) == Status.DRAFTING


def test_return_needs_a_comment_and_records_it(make_draft, as_user):
    consultation = make_draft(Status.IN_REVIEW)
    empty = as_user("coordinator").post(f"/consultations/{consultation.id}/response/return",
                                        data={"comment": "", "version": consultation.version}, follow_redirects=True)
    assert "Say what needs to change" in empty.get_data(as_text=True)
    assert _status(consultation) == Status.IN_REVIEW
    as_user("coordinator").post(f"/consultations/{consultation.id}/response/return",
                                data={"comment": "Shorter, please.", "version": consultation.version})
    assert _status(consultation) == Status.DRAFTING
    page = as_user("lead").get(f"/consultations/{consultation.id}/response").get_data(as_text=True)
    assert "Shorter, please." in page and "returned the draft for changes" in page


def test_reopen_is_logged_with_the_reason(make_draft, as_user):
    consultation = make_draft(Status.APPROVED)
    as_user("coordinator").post(f"/consultations/{consultation.id}/response/reopen",
                                data={"reason": "Minister's statement", "version": consultation.version})
    entry = db.session.scalar(db.select(ActivityLog).where(ActivityLog.action == "reopen"))
    assert entry is not None and "Minister's statement" in entry.message
    assert entry.before["status"] == "approved" and entry.after["status"] == "drafting"


def test_invalid_submission_form_is_a_message(make_draft, as_user):
    consultation = make_draft(Status.APPROVED, closes_in_days=-3)
    r = as_user("coordinator").post(f"/consultations/{consultation.id}/submission",
                                    data={"method": "carrier pigeon", "submitted_on": ["31", "2", "2026"], "submitted_time": "25:00",
                                          "version": consultation.version})
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Enter the time as hours and minutes" in page
    assert db.session.scalar(db.select(Submission)) is None


def test_forms_carry_csrf_tokens(make_draft, as_user, app):
    import re

    consultation = make_draft(Status.IN_REVIEW)
    client = as_user("coordinator")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = client.get(f"/consultations/{consultation.id}/response").get_data(as_text=True)
        forms = re.findall(r"<form method=\"post\".*?</form>", page, re.S)
        assert len(forms) >= 4
        assert all('name="csrf_token"' in f for f in forms)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        base = f"/consultations/{consultation.id}/response"
        assert client.post(f"{base}/comments", data={"body": "no token"}).status_code == 400
        assert client.post(f"{base}/approve").status_code == 400
        assert _status(consultation) == Status.IN_REVIEW
        assert client.post(f"{base}/comments", data={"body": "with token", "csrf_token": token}).status_code == 302
        edit = client.get(f"{base}/edit").get_data(as_text=True)
        assert 'name="csrf_token"' in edit
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
