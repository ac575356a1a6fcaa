"""Optimistic locking: two editors on the same base version, no lost update."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from tests.drafts.conftest import versions_of
from tracker.drafts import queries, versions
from tracker.extensions import db
from tracker.models import ActivityLog, Status
from tracker.models.drafts import ResponseVersion


def _edit_url(c) -> str:  # type: ignore[no-untyped-def]
    return f"/consultations/{c.id}/response/edit"


def test_second_save_on_same_base_is_refused_and_both_texts_survive(make_draft, as_user, users, added_contributor):
    consultation = make_draft(Status.DRAFTING, versions=["Original text."])
    helper = added_contributor(consultation)
    lead = as_user("lead")
    from tests.conftest import login

    other = login(as_user(None), helper)

    # Both open the editor on version 1.
    assert 'name="base_version" value="1"' in lead.get(_edit_url(consultation)).get_data(as_text=True)
    assert 'name="base_version" value="1"' in other.get(_edit_url(consultation)).get_data(as_text=True)

    first = lead.post(_edit_url(consultation), data={"base_version": 1, "body": "Lead's improved text.", "save": "Save version"})
    assert first.status_code == 302
    second = other.post(_edit_url(consultation), data={"base_version": 1, "body": "Contributor's rival text.", "save": "Save version"})
    page = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "Your changes were not saved" in page
    assert "Lena Lead (Hull) saved version 2 while you were editing" in page
    # Both texts side by side, and the user's text still in the form.
    assert "Lead&#39;s improved text." in page
    assert page.count("Contributor&#39;s rival text.") == 2  # the comparison table and the textarea
    assert 'name="base_version" value="2"' in page

    assert versions_of(consultation) == [
        (1, "Original text.", users["lead"].id),
        (2, "Lead's improved text.", users["lead"].id),
    ]

    # Saving again, now knowingly on top of version 2, keeps every version.
    again = other.post(_edit_url(consultation), data={"base_version": 2, "body": "Merged text.", "save": "Save version"})
    assert again.status_code == 302
    assert [v[:2] for v in versions_of(consultation)] == [
        (1, "Original text."), (2, "Lead's improved text."), (3, "Merged text."),
    ]
    assert queries.get_response(consultation).current_number == 3


def test_first_save_of_a_new_draft_then_stale(make_draft, as_user):
    consultation = make_draft(Status.DRAFTING, versions=[])
    lead, coordinator = as_user("lead"), as_user("coordinator")
    assert lead.post(_edit_url(consultation), data={"base_version": 0, "body": "A", "save": "1"}).status_code == 302
    refused = coordinator.post(_edit_url(consultation), data={"base_version": 0, "body": "B", "save": "1"})
    assert refused.status_code == 409
    assert [v[:2] for v in versions_of(consultation)] == [(1, "A")]


@pytest.mark.committed  # another connection's commit must survive this session's rollback
def test_conditional_update_catches_a_save_that_raced_past_the_check(make_draft, users):
    """The editor's in-memory counter is stale (another save committed after it was read):
    the guarded UPDATE matches no row and the save is refused."""
    consultation = make_draft(Status.DRAFTING, versions=["v1"])
    response = queries.get_response(consultation)
    # Another editor's save, committed through a separate connection.
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE response SET current_number = 2 WHERE id = :id"), {"id": response.id})
        conn.execute(
            text("INSERT INTO response_version (response_id, number, author_id, created_at, note, body, answers, search_text) "
                 "VALUES (:r, 2, :a, CURRENT_TIMESTAMP, '', 'theirs', '{}', 'theirs')"),
            {"r": response.id, "a": users["coordinator"].id},
        )
    set_committed_value(response, "current_number", 1)  # what this editor read before
    with pytest.raises(versions.StaleVersion):
        versions.save_version(users["lead"], consultation, versions.DraftText(body="mine"), 1)
    db.session.rollback()
    assert [v[:2] for v in versions_of(consultation)] == [(1, "v1"), (2, "theirs")]


def test_unique_response_number_constraint(make_draft, users):
    consultation = make_draft(Status.DRAFTING, versions=["v1"])
    response = queries.get_response(consultation)
    db.session.add(ResponseVersion(response_id=response.id, number=1, body="dup", answers={}, search_text=""))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_save_is_logged_and_assigned_moves_to_drafting(make_draft, as_user, users):
    consultation = make_draft(Status.ASSIGNED, versions=[])
    r = as_user("lead").post(_edit_url(consultation), data={"base_version": 0, "body": "Start", "note": "first", "save": "1"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(consultation), consultation.id).status == Status.DRAFTING
    actions = [a.action for a in db.session.scalars(db.select(ActivityLog).where(ActivityLog.consultation_id == consultation.id).order_by(ActivityLog.id))]
    assert actions == ["start_drafting", "save_draft"]


def test_preview_renders_without_saving(make_draft, as_user):
    consultation = make_draft(Status.DRAFTING, versions=["v1"])
    r = as_user("lead").post(_edit_url(consultation), data={"base_version": 1, "body": "**Bold idea**", "preview": "Preview"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "<strong>Bold idea</strong>" in page
    assert [v[0] for v in versions_of(consultation)] == [1]


def test_bad_base_version_is_a_clear_error_not_a_500(make_draft, as_user):
    consultation = make_draft(Status.DRAFTING, versions=["v1"])
    r = as_user("lead").post(_edit_url(consultation), data={"base_version": "abc", "body": "x", "save": "1"})
    assert r.status_code == 400
    assert [v[0] for v in versions_of(consultation)] == [1]


@pytest.mark.committed  # two threads, each with its own connection
def test_truly_concurrent_saves_cannot_both_win(app, make_draft, users):
    """Two threads, two sessions, same base, released together: exactly one version 2."""
    import threading

    from tracker.models import Consultation, User

    consultation = make_draft(Status.DRAFTING, versions=["v1"])
    cid = consultation.id
    editors = [(users["lead"].id, "from the lead"), (users["coordinator"].id, "from the coordinator")]
    barrier = threading.Barrier(len(editors))
    results: list[str] = []

    def edit(user_id: int, body: str) -> None:
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                c = db.session.get(Consultation, cid)
                assert queries.get_response(c).current_number == 1
                barrier.wait(timeout=10)
                versions.save_version(user, c, versions.DraftText(body=body), 1)
                db.session.commit()
                results.append("saved")
            except versions.StaleVersion:
                db.session.rollback()
                results.append("stale")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=edit, args=e) for e in editors]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["saved", "stale"]
    saved = versions_of(consultation)
    assert [v[0] for v in saved] == [1, 2]
    assert saved[1][1] in ("from the lead", "from the coordinator")
