"""Every change of state made on a page older than the consultation is refused: nothing is
overwritten, the page says what changed and by whom, the user's input is kept, and submitting
the redrawn form again (a deliberate choice, on the version now shown) goes through."""

from __future__ import annotations

import html as html_lib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.concurrency.conftest import edit_summary, fresh, page_version
from tests.consultations.conftest import consultation_form, date_parts
from tracker.drafts import queries as drafts_queries
from tracker.drafts import review as drafts_review
from tracker.drafts import versions as drafts_versions
from tracker.extensions import db
from tracker.models import ActivityLog, Consultation, Status, User
from tracker.models.drafts import Outcome, Question, Response, Submission

SUBMIT = {"method": "email", "submitted_on": ["1", "2", "2026"], "submitted_time": "16:45",
          "reference": "MY-TYPED-REF"}
OUTCOME = {"url": "https://www.gov.uk/outcome", "published_on": ["3", "3", "2026"], "taken_up": "partly",
           "notes": "My typed notes on the outcome"}


def _state(c: Consultation) -> dict[str, Any]:
    """What a refused change must leave as it was (the interfering edit only touched the summary)."""
    response = db.session.scalar(select(Response).where(Response.consultation_id == c.id))
    return {
        "title": c.title, "status": c.status, "decision": c.decision, "decision_reason": c.decision_reason,
        "lead_city_id": c.lead_city_id, "policy_lead_id": c.policy_lead_id,
        "internal_deadline": c.internal_deadline,
        "mode": response.mode if response else None,
        "approved": response.approved_number if response else None,
        "questions": db.session.scalar(select(func.count()).select_from(Question).where(Question.consultation_id == c.id)),
        "submissions": db.session.scalar(select(func.count()).select_from(Submission)),
        "outcomes": db.session.scalar(select(func.count()).select_from(Outcome)),
    }


@dataclass
class Case:
    name: str
    status: Status
    role: str
    page: str  # the page the form comes from; {id} is the consultation, {q} its first question
    post: str
    data: Callable[[Consultation, dict[str, User]], dict[str, Any]] = lambda c, u: {}
    typed: str | None = None  # text the user typed that must come back in the form
    changed: Callable[[Consultation], bool] = lambda c: True  # the change, once made deliberately
    extra: dict[str, Any] = field(default_factory=dict)


def _hull_lead(c: Consultation, users: dict[str, User]) -> dict[str, Any]:
    return {"work_area": str(factories.work_area("Transport").id), "city": str(factories.city("Hull").id),
            "policy_lead": str(users["lead"].id), "internal_deadline": date_parts(None)}


def _salford_lead(c: Consultation, users: dict[str, User]) -> dict[str, Any]:
    return {"work_area": str(factories.work_area("Housing").id), "city": str(factories.city("Salford").id),
            "policy_lead": str(users["other_lead"].id), "internal_deadline": date_parts(None)}


CASES = [
    Case("edit details", Status.NEW, "coordinator", "/consultations/{id}/edit", "/consultations/{id}/edit",
                 # The user merges by hand: their title, the other person's summary.
         lambda c, u: consultation_form(title="My typed title", summary="Changed by someone else meanwhile."),
         "My typed title",
         lambda c: c.title == "My typed title"),
    Case("triage", Status.NEW, "coordinator", "/consultations/{id}/triage", "/consultations/{id}/triage",
         lambda c, u: {"decision": "monitor", "reason": "My typed reason for monitoring"},
         "My typed reason for monitoring", lambda c: c.status == Status.MONITORING),
    Case("assign", Status.TRIAGED, "coordinator", "/consultations/{id}/assign", "/consultations/{id}/assign",
         _hull_lead, None, lambda c: c.status == Status.ASSIGNED),
    Case("reassign", Status.DRAFTING, "coordinator", "/consultations/{id}/assign", "/consultations/{id}/assign",
         _salford_lead, None, lambda c: c.lead_city_id == factories.city("Salford").id),
    # The consultation page offers the editor ("Start the draft"); the step keeps its own page.
    Case("start drafting", Status.ASSIGNED, "lead", "/consultations/{id}/transition/start_drafting",
         "/consultations/{id}/transition/start_drafting", changed=lambda c: c.status == Status.DRAFTING),
    Case("mark missed", Status.DRAFTING, "coordinator", "/consultations/{id}/transition/mark_missed",
         "/consultations/{id}/transition/mark_missed", lambda c, u: {"message": "My typed note: out of time"},
         "My typed note: out of time", lambda c: c.status == Status.MISSED),
    Case("withdraw", Status.NEW, "coordinator", "/consultations/{id}/transition/withdraw",
         "/consultations/{id}/transition/withdraw", lambda c, u: {"message": "My typed note: withdrawn"},
         "My typed note: withdrawn", lambda c: c.status == Status.WITHDRAWN),
    Case("send for review", Status.DRAFTING, "lead", "/consultations/{id}/response",
         "/consultations/{id}/response/send-for-review", changed=lambda c: c.status == Status.IN_REVIEW),
    Case("return", Status.IN_REVIEW, "coordinator", "/consultations/{id}/response",
         "/consultations/{id}/response/return", lambda c, u: {"comment": "My typed comment: tighten the asks"},
         "My typed comment: tighten the asks", lambda c: c.status == Status.DRAFTING),
    Case("approve", Status.IN_REVIEW, "coordinator", "/consultations/{id}/response",
         "/consultations/{id}/response/approve", changed=lambda c: c.status == Status.APPROVED),
    Case("reopen", Status.APPROVED, "coordinator", "/consultations/{id}/response",
         "/consultations/{id}/response/reopen", lambda c, u: {"reason": "My typed reason to reopen"},
         "My typed reason to reopen", lambda c: c.status == Status.DRAFTING),
    Case("record submission", Status.APPROVED, "coordinator", "/consultations/{id}/submission",
         "/consultations/{id}/submission", lambda c, u: dict(SUBMIT), "MY-TYPED-REF",
         lambda c: c.status == Status.SUBMITTED, {"closes_in_days": -3}),
    Case("record outcome", Status.SUBMITTED, "coordinator", "/consultations/{id}/outcome",
         "/consultations/{id}/outcome", lambda c, u: dict(OUTCOME), "My typed notes on the outcome",
         lambda c: c.status == Status.OUTCOME_PUBLISHED, {"closes_in_days": -30}),
    Case("response mode", Status.DRAFTING, "lead", "/consultations/{id}/response",
         "/consultations/{id}/response/mode", lambda c, u: {"mode": "questions"},
         changed=lambda c: _state(c)["mode"] == "questions"),
    Case("add question", Status.DRAFTING, "lead", "/consultations/{id}/response",
         "/consultations/{id}/response/questions", lambda c, u: {"text": "My typed question: do you agree?"},
         "My typed question: do you agree?", lambda c: _state(c)["questions"] == 1),
    Case("remove question", Status.DRAFTING, "lead", "/consultations/{id}/response",
         "/consultations/{id}/response/questions/{q}/remove", changed=lambda c: _state(c)["questions"] == 0),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_a_change_made_on_an_older_page_is_refused_and_kept(case: Case, make_draft, users, bea, as_user) -> None:
    if case.status in (Status.NEW, Status.TRIAGED):
        consultation = factories.make_consultation(case.status)
        db.session.commit()
    else:
        consultation = make_draft(case.status, versions=["The network welcomes the proposals."], **case.extra)
    cid = consultation.id
    if case.name == "remove question":
        db.session.add(Question(consultation_id=cid, number=1, text="Do you agree?"))
        db.session.commit()
    question = db.session.scalar(select(Question.id).where(Question.consultation_id == cid))
    client = as_user(case.role)

    page = client.get(case.page.format(id=cid))
    assert page.status_code == 200
    seen = page_version(page.get_data(as_text=True))
    assert seen == fresh(cid).version

    # Meanwhile someone else changes the consultation.
    now = edit_summary(bea, cid)
    assert now == seen + 1
    before = _state(fresh(cid))
    log_before = db.session.scalar(select(func.count()).select_from(ActivityLog))

    c = fresh(cid)
    data = {**case.data(c, users), "version": seen, "number": 1}
    refused = client.post(case.post.format(id=cid, q=question), data=data)
    html = refused.get_data(as_text=True)
    text = html_lib.unescape(html)
    assert refused.status_code == 409, text[:3000]
    assert "Your change was not made" in text
    assert "Bea Busy changed this consultation after you opened the page" in text
    assert "Bea Busy" in text.split("What changed since you opened the page")[1].split("</ul>")[0]
    assert "Edited the details" in text
    if case.typed:
        assert case.typed in text, "the user's input is not in the redrawn form"
    # The redrawn form is on the version there is now.
    assert page_version(html) == now
    # Nothing was changed or logged.
    assert _state(fresh(cid)) == before
    assert db.session.scalar(select(func.count()).select_from(ActivityLog)) == log_before
    assert fresh(cid).summary == "Changed by someone else meanwhile."

    # Submitting again, knowingly on top of the current version, makes the change.
    again = client.post(case.post.format(id=cid, q=question), data={**data, "version": now})
    assert again.status_code == 302, html_lib.unescape(again.get_data(as_text=True))[:3000]
    assert case.changed(fresh(cid))
    assert fresh(cid).version == now + 1
    assert fresh(cid).summary == "Changed by someone else meanwhile."


@pytest.mark.parametrize("path,data", [
    ("/consultations/{id}/triage", {"decision": "respond", "reason": ""}),
    ("/consultations/{id}/transition/withdraw", {"message": ""}),
    ("/consultations/{id}/edit", consultation_form()),
])
@pytest.mark.parametrize("version", [None, "", "abc", "-1", "99999999999999999999"])
def test_a_form_without_a_good_page_version_is_a_clear_400(path, data, version, as_user) -> None:
    c = factories.make_consultation(Status.NEW)
    db.session.commit()
    sent = dict(data) if version is None else {**data, "version": version}
    response = as_user("coordinator").post(path.format(id=c.id), data=sent)
    assert response.status_code == 400
    assert "This form was incomplete (it had no page version). Reload the page and try again." in \
        html_lib.unescape(response.get_data(as_text=True))
    assert fresh(c.id).status == Status.NEW and fresh(c.id).version == 1


def test_approve_names_the_version_read_and_a_newer_one_is_not_approved(make_draft, as_user, users) -> None:
    """The coordinator reads version 1; the lead saves version 2; approving is refused, says who
    saved what, and the page now offers version 2."""
    c = make_draft(Status.IN_REVIEW, versions=["Version one text."])
    coordinator = as_user("coordinator")
    html = coordinator.get(f"/consultations/{c.id}/response").get_data(as_text=True)
    seen, number = page_version(html), page_version(html, "number")
    assert number == 1 and "Approve version 1" in html

    drafts_versions.save_version(users["lead"], fresh(c.id), drafts_versions.DraftText(body="Version two text.", note="Sharper asks"), 1)
    db.session.commit()

    refused = coordinator.post(f"/consultations/{c.id}/response/approve", data={"version": seen, "number": number})
    text = html_lib.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 409
    assert ("Lena Lead (Hull) saved version 2 after the version you were reading (version 1), so nothing "
            "was approved.") in text
    assert "Saved version 2: Sharper asks" in text
    assert "Approve version 2" in text and page_version(text, "number") == 2
    row = fresh(c.id)
    assert row.status == Status.IN_REVIEW
    assert drafts_queries.get_response(row).approved_number is None

    ok = coordinator.post(f"/consultations/{c.id}/response/approve",
                          data={"version": page_version(text), "number": 2})
    assert ok.status_code == 302
    assert drafts_queries.get_response(fresh(c.id)).approved_number == 2
    entry = db.session.scalar(select(ActivityLog).where(ActivityLog.action == "approve"))
    assert entry is not None and entry.message == "Approved version 2" and entry.after["version"] == 2


def test_a_save_after_the_approval_keeps_the_text_and_says_who_approved(make_draft, as_user, users) -> None:
    c = make_draft(Status.IN_REVIEW, versions=["Version one text."])
    lead = as_user("lead")
    form = lead.get(f"/consultations/{c.id}/response/edit").get_data(as_text=True)
    version = page_version(form)
    drafts_review.approve(users["coordinator"], fresh(c.id), seen_version=version, number=1)
    db.session.commit()

    refused = lead.post(f"/consultations/{c.id}/response/edit",
                        data={"base_version": 1, "version": version, "body": "My late improvement.", "save": "1"})
    text = html_lib.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 403
    assert "Cora Coordinator changed the consultation while you were editing: the draft is now approved" in text
    assert "Approved version 1" in text
    assert "My late improvement." in text  # still in the form, to copy
    response = drafts_queries.get_response(fresh(c.id))
    assert (response.current_number, response.approved_number) == (1, 1)


def test_the_history_records_the_real_before_state(as_user, users, bea) -> None:
    """Two coordinators assign from the same page: the second is refused, so the history has one
    assignment from 'triaged, no city', and a reassignment made knowingly starts from Hull."""
    c = factories.make_consultation(Status.TRIAGED, area=None)
    db.session.commit()
    first, second = as_user("coordinator"), as_user("admin")
    seen = page_version(first.get(f"/consultations/{c.id}/assign").get_data(as_text=True))
    assert page_version(second.get(f"/consultations/{c.id}/assign").get_data(as_text=True)) == seen
    assert first.post(f"/consultations/{c.id}/assign", data={**_hull_lead(c, users), "version": seen}).status_code == 302
    refused = second.post(f"/consultations/{c.id}/assign", data={**_salford_lead(c, users), "version": seen})
    text = html_lib.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 409
    assert "Cora Coordinator changed this consultation" in text
    assert "Assigned to Hull, policy lead Lena Lead" in text
    assert fresh(c.id).lead_city_id == factories.city("Hull").id
    again = second.post(f"/consultations/{c.id}/assign", data={**_salford_lead(c, users), "version": page_version(text)})
    assert again.status_code == 302
    entries = db.session.scalars(select(ActivityLog).where(ActivityLog.action == "assign").order_by(ActivityLog.id)).all()
    assert len(entries) == 2
    hull, salford = factories.city("Hull").id, factories.city("Salford").id
    assert entries[0].before["status"] == "triaged" and entries[0].before["lead_city_id"] is None
    assert entries[0].after["lead_city_id"] == hull
    assert entries[1].before["lead_city_id"] == hull and entries[1].after["lead_city_id"] == salford
    assert [e.consultation_version for e in entries] == [seen + 1, seen + 2]


def test_an_answer_to_a_question_removed_while_editing_is_not_dropped(make_draft, as_user, users) -> None:
    c = make_draft(Status.DRAFTING, versions=["Introduction."])
    row = fresh(c.id)
    first = drafts_versions.add_question(users["lead"], row, "Do you agree?")
    second = drafts_versions.add_question(users["lead"], row, "Anything else?")
    db.session.commit()
    first_id, second_id = first.id, second.id
    lead = as_user("lead")
    form = lead.get(f"/consultations/{c.id}/response/edit").get_data(as_text=True)
    assert f'name="answer_{second_id}"' in form
    version = page_version(form)

    drafts_versions.remove_question(users["coordinator"], fresh(c.id), second_id)
    db.session.commit()

    data = {"base_version": 1, "version": version, "body": "Introduction.", f"answer_{first_id}": "Yes.",
            f"answer_{second_id}": "My careful answer to the second question.", "save": "1"}
    refused = lead.post(f"/consultations/{c.id}/response/edit", data=data)
    text = html_lib.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 409
    assert "Cora Coordinator changed the draft's questions while you were editing" in text
    assert "Removed question 2" in text
    assert "My careful answer to the second question." in text
    assert drafts_queries.get_response(fresh(c.id)).current_number == 1

    # Saved again from the redrawn form (which no longer has that question): it goes through.
    again = lead.post(f"/consultations/{c.id}/response/edit",
                      data={k: v for k, v in data.items() if k != f"answer_{second_id}"})
    assert again.status_code == 302
    assert drafts_queries.get_response(fresh(c.id)).current_number == 2
