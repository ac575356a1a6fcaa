"""Versions: frozen states, word diff, restore, exports, and the history page's query count."""

from __future__ import annotations

import io

import pytest
from docx import Document
from flask_sqlalchemy.record_queries import get_recorded_queries

from tests.drafts.conftest import versions_of
from tracker.drafts import queries, versions
from tracker.drafts.diff import diff_text
from tracker.extensions import db
from tracker.models import Status
from tracker.models.drafts import Question


@pytest.mark.parametrize("status", [Status.APPROVED, Status.SUBMITTED, Status.OUTCOME_PUBLISHED])
@pytest.mark.parametrize("role", ["coordinator", "lead"])
def test_approved_and_submitted_drafts_cannot_be_edited(status, role, make_draft, as_user):
    consultation = make_draft(status, versions=["v1", "v2"])
    client = as_user(role)
    get = client.get(f"/consultations/{consultation.id}/response/edit")
    assert get.status_code == 403
    assert "can no longer be edited" in get.get_data(as_text=True)
    post = client.post(f"/consultations/{consultation.id}/response/edit", data={"base_version": 2, "body": "sneaky", "save": "1"})
    assert post.status_code == 403
    restore = client.post(f"/consultations/{consultation.id}/response/versions/1/restore", data={"base_version": 2})
    assert restore.status_code == 403
    assert [v[:2] for v in versions_of(consultation)] == [(1, "v1"), (2, "v2")]
    page = client.get(f"/consultations/{consultation.id}/response").get_data(as_text=True)
    assert "Edit the draft" not in page


def test_submitted_version_is_shown_as_frozen(make_draft, as_user):
    consultation = make_draft(Status.APPROVED, versions=["v1", "final text"], closes_in_days=-2)
    as_user("coordinator").post(f"/consultations/{consultation.id}/submission",
                                data={"method": "online_form", "submitted_on": ["2", "3", "2026"], "submitted_time": "10:00",
                                      "version": consultation.version})
    page = as_user("contributor").get(f"/consultations/{consultation.id}/response/versions/2").get_data(as_text=True)
    assert "This is the submitted version, frozen as sent" in page


def test_word_diff_of_two_known_texts():
    result = diff_text(
        "Councils need multi-year funding to plan services.",
        "Urban councils need certain multi-year funding to plan local services.",
    )
    assert result.deleted == ["Councils"]
    assert result.inserted == ["Urban councils", "certain", "local"]
    html = str(result.html)
    assert "<del>Councils</del><ins>Urban councils</ins>" in html
    assert "need<ins> certain</ins> multi-year" in html
    assert "to plan <ins>local </ins>services." in html


def test_diff_page_shows_insertions_and_deletions_and_escapes(make_draft, as_user):
    consultation = make_draft(Status.DRAFTING, versions=["The quick brown fox.", "The slow brown fox <b>jumps</b>."])
    page = as_user("contributor").get(f"/consultations/{consultation.id}/response/diff?from=1&to=2").get_data(as_text=True)
    assert "<del>quick</del><ins>slow</ins>" in page
    assert "&lt;b&gt;" in page and "<b>jumps" not in page


def test_diff_with_bad_input_is_a_clear_error(make_draft, as_user):
    consultation = make_draft(Status.DRAFTING, versions=["a", "b"])
    client = as_user("lead")
    assert client.get(f"/consultations/{consultation.id}/response/diff?from=x&to=2").status_code == 400
    assert client.get(f"/consultations/{consultation.id}/response/diff?from=1&to=9").status_code == 404


def test_restore_creates_a_new_version(make_draft, as_user, users):
    consultation = make_draft(Status.DRAFTING, versions=["alpha", "beta", "gamma"])
    r = as_user("lead").post(f"/consultations/{consultation.id}/response/versions/1/restore", data={"base_version": 3})
    assert r.status_code == 302
    assert [v[:2] for v in versions_of(consultation)] == [(1, "alpha"), (2, "beta"), (3, "gamma"), (4, "alpha")]
    assert queries.get_version(queries.get_response(consultation), 4).note == "Restored version 1"


def test_restore_on_a_stale_page_is_refused(make_draft, as_user):
    consultation = make_draft(Status.DRAFTING, versions=["alpha", "beta"])
    r = as_user("lead").post(f"/consultations/{consultation.id}/response/versions/1/restore", data={"base_version": 1}, follow_redirects=True)
    assert "your changes were not saved" in r.get_data(as_text=True)
    assert len(versions_of(consultation)) == 2


def _with_questions(make_draft, users, status=Status.APPROVED):  # type: ignore[no-untyped-def]
    consultation = make_draft(status, versions=[], title="Bus services: improving accessibility information",
                              organisation="Department for Transport")
    q1 = Question(consultation_id=consultation.id, number=1, text="Do you agree with the proposals?")
    q2 = Question(consultation_id=consultation.id, number=2, text="What would the impact be?")
    db.session.add_all([q1, q2])
    db.session.flush()
    response = versions.ensure_response(consultation)
    response.mode = "questions"
    from tracker.models.drafts import ResponseVersion

    db.session.add(ResponseVersion(
        response_id=response.id, number=1, author_id=users["lead"].id,
        body="# Summary\n\nThe network **welcomes** the review.\n\n- first ask\n- second ask",
        answers={str(q1.id): "Yes, with a phased start.", str(q2.id): "Councils would need new burdens funding."},
        search_text="",
    ))
    response.current_number = 1
    response.approved_number = 1
    for user in (users["lead"], users["other_lead"]):
        from tracker.models.drafts import CitySupport

        db.session.add(CitySupport(consultation_id=consultation.id, city_id=user.city_id))
    db.session.commit()
    return consultation


def test_docx_export_has_title_page_answers_and_supporting_cities(make_draft, as_user, users, app):
    consultation = _with_questions(make_draft, users)
    r = as_user("contributor").get(f"/consultations/{consultation.id}/response/versions/1/export.docx")
    assert r.status_code == 200
    assert r.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    doc = Document(io.BytesIO(r.data))
    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs]
    texts = [t for _, t in paragraphs]
    assert ("Title", "Bus services: improving accessibility information") in paragraphs
    assert f"Response from the {app.config['NETWORK_NAME']} network" in texts
    assert "Issued by: Department for Transport" in texts
    assert any(t.startswith("Closing date: ") and "(UK time)" in t for t in texts)
    assert "Supporting cities: Hull, Salford" in texts
    assert "Yes, with a phased start." in texts
    assert "Councils would need new burdens funding." in texts
    assert ("Heading 2", "Summary") in paragraphs
    assert ("List Bullet", "first ask") in paragraphs
    assert "Question 1" in texts and "Do you agree with the proposals?" in texts
    assert not any("<" in t for t in texts)


def test_markdown_export(make_draft, as_user, users):
    consultation = _with_questions(make_draft, users)
    r = as_user("contributor").get(f"/consultations/{consultation.id}/response/versions/1/export.md")
    assert r.status_code == 200 and r.mimetype == "text/markdown"
    assert "attachment" in r.headers["Content-Disposition"]
    text = r.get_data(as_text=True)
    assert text.startswith("# Bus services: improving accessibility information")
    assert "Supported by: Hull, Salford" in text
    assert "## Question 2" in text and "Councils would need new burdens funding." in text


def _history_queries(client, consultation) -> int:  # type: ignore[no-untyped-def]
    client.get(f"/consultations/{consultation.id}/response/versions")  # warm-up (login, caches)
    before = len(get_recorded_queries())
    r = client.get(f"/consultations/{consultation.id}/response/versions")
    assert r.status_code == 200
    return len(get_recorded_queries()) - before


def test_history_page_issues_a_constant_number_of_queries(make_draft, as_user, app):
    small = make_draft(Status.DRAFTING, versions=[f"text {n}" for n in range(2)])
    large = make_draft(Status.DRAFTING, versions=[f"text {n}" for n in range(20)])
    client = as_user("contributor")
    with app.test_request_context():
        n_small = _history_queries(client, small)
        n_large = _history_queries(client, large)
    page = client.get(f"/consultations/{large.id}/response/versions").get_data(as_text=True)
    assert page.count("Version 20") >= 1 and "20 versions" in page
    print(f"history page queries: 2 versions {n_small}, 20 versions {n_large}")
    assert n_small > 3, n_small  # the page really was measured
    assert n_small == n_large, (n_small, n_large)
