"""Nothing the user typed is lost when it is refused: too long, stale or bad characters (issue 8)."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.drafts.conftest import versions_of
from tracker.drafts.limits import MAX_COMMENT, MAX_TEXT
from tracker.extensions import db
from tracker.models import Consultation, Status
from tracker.models.drafts import Comment, Response


def test_a_megabyte_draft_is_refused_on_the_field_and_kept(make_draft, as_user) -> None:
    consultation = make_draft(Status.DRAFTING, versions=["First draft."])
    text = ("A long paragraph of evidence from member cities. " * 21_000)[:1_000_000]
    response = as_user("lead").post(f"/consultations/{consultation.id}/response/edit",
                                    data={"base_version": "1", "body": text, "note": "", "save": "Save version"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"The response must be {MAX_TEXT:,} characters or fewer; it has 1,000,000" in html
    assert text[-200:] in html  # the typed text is back in the box, to the end
    assert versions_of(consultation) == [(1, "First draft.", versions_of(consultation)[0][2])]


def test_a_request_larger_than_any_form_is_a_413_page(make_draft, as_user) -> None:
    consultation = make_draft(Status.DRAFTING)
    response = as_user("lead").post(f"/consultations/{consultation.id}/response/edit",
                                    data={"base_version": "1", "body": "x" * (9 * 1024 * 1024)})
    assert response.status_code == 413
    assert "larger than the tracker accepts" in response.get_data(as_text=True)


def test_a_comment_over_the_limit_comes_back_with_its_text(make_draft, as_user) -> None:
    consultation = make_draft(Status.DRAFTING)
    body = "Evidence. " * (MAX_COMMENT // 10) + "The end of my long comment."
    response = as_user("contributor").post(f"/consultations/{consultation.id}/response/comments", data={"body": body})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"Comment must be {MAX_COMMENT:,} characters or fewer" in html
    assert "The end of my long comment." in html
    assert 'data-maxlength="20000"' in html  # the character count counts down to the limit
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 0


def test_reopen_with_a_control_character_is_a_field_error(make_draft, as_user) -> None:
    consultation = make_draft(Status.APPROVED)
    response = as_user("coordinator").post(f"/consultations/{consultation.id}/response/reopen",
                                           data={"reason": "New\x00 evidence"})
    assert response.status_code == 400
    assert "Reason for reopening contains a hidden control character" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).status == Status.APPROVED.value


def test_only_the_lead_city_and_coordinators_change_the_structure(make_draft, as_user, added_contributor) -> None:
    consultation = make_draft(Status.DRAFTING)
    contributor = added_contributor(consultation)
    from tests.conftest import login

    client = login(as_user(None), contributor)
    response = client.post(f"/consultations/{consultation.id}/response/mode", data={"mode": "questions"})
    assert response.status_code == 403
    db.session.expire_all()
    mode = db.session.scalar(select(Response.mode).where(Response.consultation_id == consultation.id))
    assert mode == "free"
    page = client.get(f"/consultations/{consultation.id}/response").get_data(as_text=True)
    assert "Answer question by question" not in page  # no button they may not use

    response = as_user("lead").post(f"/consultations/{consultation.id}/response/mode",
                                    data={"mode": "questions", "version": consultation.version})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Response.mode).where(Response.consultation_id == consultation.id)) == "questions"
