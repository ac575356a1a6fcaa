"""Issue 22, recording the submission: a checklist of the ways the department asks for responses
(read from its documents), and the way recorded checked against them; a consultation logged by
hand (no ways known) records as before."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from tests import factories
from tracker.documents import services
from tracker.extensions import db
from tracker.models import Status
from tracker.models.drafts import Submission

FORM = {"submitted_on": ["1", "12", "2026"], "submitted_time": "16:45", "reference": ""}
FORM_START = '<form method="post" novalidate>'
ONLINE_ONLY = {"link_url": "https://consult.example.gov.uk/bus-reform"}


def _submission(consultation_id: int) -> Submission | None:
    db.session.expire_all()
    return db.session.scalar(select(Submission).where(Submission.consultation_id == consultation_id))


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).strip()


def _approved(make_draft, ways: dict[str, str] | None):  # type: ignore[no-untyped-def]
    consultation = make_draft(Status.APPROVED, versions=["v1", "final"], closes_in_days=-3)
    if ways is not None:
        factories.read_documents(consultation, ways=ways)
    db.session.commit()
    return consultation


def test_the_submission_page_is_a_checklist_of_the_departments_ways(make_draft, as_user) -> None:
    consultation = _approved(make_draft, factories.BUS_WAYS)
    page = as_user("coordinator").get(f"/consultations/{consultation.id}/submission").get_data(as_text=True)
    checklist = page[page.index('id="how-to-respond"'):page.index(FORM_START)]
    text = _text(checklist)
    assert text.index("Download the department's response form and fill it in") < text.index(
        "Send the approved version one of these ways:") < text.index("Record below how and when it was sent.")
    assert 'href="https://assets.publishing.service.gov.uk/media/bus-reform/response-form.docx"' in checklist
    assert "Use this online form:" in text and 'href="https://consult.example.gov.uk/bus-reform"' in checklist
    assert "Send the response to this address:" in text and 'href="mailto:bus.reform@dft.example.gov.uk"' in checklist
    assert "Post it to this address:" in text and "2 Marsham Street" in text
    # The form's ways, each beside what the department said of it.
    form = _text(page[page.index(FORM_START):])
    assert "Email To bus.reform@dft.example.gov.uk" in form and "Post To the postal address listed above" in form
    assert "Other A way the department agreed that it does not list: say how in the reference" in form


@pytest.mark.parametrize("method, reference, accepted", [
    ("online_form", "", True),
    ("email", "", False),
    ("post", "", False),
    ("other", "", False),
    ("other", "Agreed by phone with the DfT team to send it by email", True),
])
def test_the_way_recorded_is_checked_against_the_ways_the_department_accepts(
        make_draft, as_user, method, reference, accepted) -> None:
    consultation = _approved(make_draft, ONLINE_ONLY)
    r = as_user("coordinator").post(f"/consultations/{consultation.id}/submission", data={
        **FORM, "method": method, "reference": reference, "version": consultation.version})
    submission = _submission(consultation.id)
    if accepted:
        assert r.status_code == 302
        assert submission is not None and submission.method == method
        return
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and submission is None
    message = ("The department asks for responses by its online form only. Choose Online form; or, if it agreed to "
               "take the response another way, choose Other and say how in the reference")
    assert message in page
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert summary is not None and 'href="#method"' in summary.group(0)
    # What was typed is kept.
    assert f'value="{method}" checked' in page and 'value="16:45"' in page


def test_several_ways_are_named_and_any_of_them_is_accepted(make_draft, as_user) -> None:
    consultation = _approved(make_draft, {"email": "a@b.example", "postal_address": "1 Street"})
    assert services.check_submission_method(consultation.id, "email") is None
    assert services.check_submission_method(consultation.id, "post") is None
    problem = services.check_submission_method(consultation.id, "online_form")
    assert problem is not None and problem.startswith("The department asks for responses by email or post only. "
                                                      "Choose Email or Post;")
    every = _approved(make_draft, factories.BUS_WAYS)
    assert (services.check_submission_method(every.id, "other") or "").startswith(
        "The department asks for responses by its online form, email or post only.")
    # A response form alone says nothing of how to send it: any way is accepted.
    form_only = _approved(make_draft, {"attachment_url": "https://assets.publishing.service.gov.uk/f.docx"})
    assert services.check_submission_method(form_only.id, "email") is None


@pytest.mark.parametrize("ways", [None, {}])
def test_a_consultation_without_ways_to_respond_records_as_before(make_draft, as_user, ways) -> None:
    consultation = _approved(make_draft, ways)
    client = as_user("coordinator")
    page = client.get(f"/consultations/{consultation.id}/submission").get_data(as_text=True)
    assert "The tracker has no ways to respond recorded for this consultation" in page
    assert "Not a way the department lists" not in page
    for method in ("email", "online_form", "post", "other"):
        assert services.check_submission_method(consultation.id, method) is None
    r = client.post(f"/consultations/{consultation.id}/submission", data={
        **FORM, "method": "email", "reference": "REF-1", "version": consultation.version})
    assert r.status_code == 302
    submission = _submission(consultation.id)
    assert submission is not None and submission.method == "email" and submission.version.body == "final"


def test_a_crafted_method_is_a_form_error_not_a_crash(make_draft, as_user) -> None:
    consultation = _approved(make_draft, ONLINE_ONLY)
    for method in ("", "carrier-pigeon", "<script>"):
        r = as_user("coordinator").post(f"/consultations/{consultation.id}/submission", data={
            **FORM, "method": method, "version": consultation.version})
        page = r.get_data(as_text=True)
        assert r.status_code == 400 and "Choose how the response was submitted." in page
        assert "The department asks for responses" not in page and "<script>" not in page.split("</head>")[1]
    assert _submission(consultation.id) is None
