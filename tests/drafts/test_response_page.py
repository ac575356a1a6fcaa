"""The response page laid out for the work (issue 11): the text first, people and comments as
their own sections, every form's refusal in an error summary with the field marked and the
typed text kept, and the draft's headings under the page's one h1 (and the same in the exports)."""

from __future__ import annotations

import io
import re

from docx import Document

from tests import factories
from tracker.drafts import permissions, queries, versions
from tracker.extensions import db
from tracker.models import Status
from tracker.models.drafts import CitySupport, Question, ResponseVersion


def _summary_links(html: str) -> list[str]:
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert summary is not None, "no error summary"
    return re.findall(r'href="#([^"]+)"', summary.group(0))


def test_the_text_comes_first_then_comments_then_people(make_draft, as_user) -> None:
    consultation = make_draft(Status.IN_REVIEW, versions=["The network welcomes the review."])
    html = as_user("coordinator").get(f"/consultations/{consultation.id}/response").get_data(as_text=True)
    text = html.index("The network welcomes the review.")
    review = html.index('id="review"')
    comments = html.index('id="comments"')
    people = html.index('id="people"')
    assert text < review < comments < people
    assert "govuk-grid-column-one-third" not in html  # no sidebar of forms
    assert html.index('id="contributors"') > people and html.index('id="support"') > people
    # Hidden version inputs on every form, but no duplicate element ids.
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_a_refused_contributor_is_an_error_summary_not_a_banner(make_draft, as_user) -> None:
    consultation = make_draft(Status.DRAFTING)
    r = as_user("lead").post(f"/consultations/{consultation.id}/response/contributors", data={"user_id": "0"})
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert _summary_links(html) == ["user_id"]
    assert "Choose an officer to add" in html
    assert "govuk-form-group--error" in html
    assert "govuk-notification-banner" not in html
    assert "<title>Error: " in html


def test_contributors_are_added_on_their_own_page(make_draft, as_user, users) -> None:
    """Issue 12: the officers' list is its own page, linked from the response page."""
    consultation = make_draft(Status.DRAFTING)
    target = factories.make_user("contributor", city_name="Wrexham", name="Wyn Wrexham")
    lead = as_user("lead")
    page = lead.get(f"/consultations/{consultation.id}/response").get_data(as_text=True)
    assert f'href="/consultations/{consultation.id}/response/contributors/add"' in page
    assert 'name="user_id"' not in page
    form = lead.get(f"/consultations/{consultation.id}/response/contributors/add")
    assert form.status_code == 200 and "Wyn Wrexham" in form.get_data(as_text=True)
    r = lead.post(f"/consultations/{consultation.id}/response/contributors", data={"user_id": str(target.id)})
    assert r.status_code == 302 and r.headers["Location"].endswith("/response#contributors")
    assert permissions.is_contributor(target, queries.get_response(consultation))
    again = lead.get(f"/consultations/{consultation.id}/response/contributors/add").get_data(as_text=True)
    assert "Wyn Wrexham" not in again
    assert as_user("contributor").get(f"/consultations/{consultation.id}/response/contributors/add").status_code == 403


def test_a_contributor_already_added_keeps_the_choice(make_draft, as_user, added_contributor) -> None:
    consultation = make_draft(Status.DRAFTING)
    user = added_contributor(consultation)
    r = as_user("lead").post(f"/consultations/{consultation.id}/response/contributors",
                             data={"user_id": str(user.id)})
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert _summary_links(html) == ["user_id"]
    assert "Pat Plymouth" in html and "is already a contributor" in html
    assert "Invalid Choice" not in html and "Not a valid choice" not in html


def test_a_crafted_officer_id_is_a_choose_message(make_draft, as_user) -> None:
    consultation = make_draft(Status.DRAFTING)
    r = as_user("lead").post(f"/consultations/{consultation.id}/response/contributors", data={"user_id": "abc"})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "Choose an officer to add" in html and "could not coerce" not in html


def test_a_refused_support_is_an_error_summary_on_the_city(make_draft, as_user, users) -> None:
    consultation = make_draft(Status.APPROVED)
    db.session.add(CitySupport(consultation_id=consultation.id, city_id=users["other_lead"].city_id))
    db.session.commit()
    r = as_user("coordinator").post(f"/consultations/{consultation.id}/response/support",
                                    data={"city_id": str(users["other_lead"].city_id)})
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert _summary_links(html) == ["city_id"]
    assert "Salford already supports this response" in html
    assert "govuk-notification-banner" not in html


def test_a_refused_return_keeps_the_typed_comment(make_draft, as_user) -> None:
    consultation = make_draft(Status.IN_REVIEW)
    typed = "Please shorten this. " * 1100
    r = as_user("coordinator").post(f"/consultations/{consultation.id}/response/return",
                                    data={"comment": typed, "version": consultation.version})
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert _summary_links(html) == ["comment"]
    assert typed.strip()[-100:] in html
    assert "govuk-notification-banner" not in html


def test_the_editor_of_a_new_draft_says_first_version(make_draft, as_user) -> None:
    consultation = make_draft(Status.DRAFTING, versions=[])
    html = as_user("lead").get(f"/consultations/{consultation.id}/response/edit").get_data(as_text=True)
    assert "This will be the first version" in html
    assert "version 0" not in html
    with_one = make_draft(Status.DRAFTING, versions=["First."])
    html = as_user("lead").get(f"/consultations/{with_one.id}/response/edit").get_data(as_text=True)
    assert "You are changing version 1" in html


# --- headings -------------------------------------------------------------------------------

DRAFT = "# Our view\n\nThe network agrees.\n\n## Detail\n\nMore.\n\nUnderlined\n==========\n"


def _questions(make_draft, users, body: str, answer: str):  # type: ignore[no-untyped-def]
    consultation = make_draft(Status.DRAFTING, versions=[])
    question = Question(consultation_id=consultation.id, number=1, text="Do you agree?")
    db.session.add(question)
    db.session.flush()
    response = versions.ensure_response(consultation)
    response.mode = "questions"
    db.session.add(ResponseVersion(response_id=response.id, number=1, author_id=users["lead"].id, body=body,
                                   answers={str(question.id): answer}, search_text=""))
    response.current_number = 1
    db.session.commit()
    return consultation


def test_a_free_text_draft_heading_is_an_h2_under_the_one_h1(make_draft, as_user) -> None:
    consultation = make_draft(Status.DRAFTING, versions=[DRAFT])
    client = as_user("lead")
    for url in (f"/consultations/{consultation.id}/response", f"/consultations/{consultation.id}/response/versions/1"):
        html = client.get(url).get_data(as_text=True)
        assert html.count("<h1") == 1, url
        assert "<h2>Our view</h2>" in html and "<h3>Detail</h3>" in html and "<h2>Underlined</h2>" in html
    md = client.get(f"/consultations/{consultation.id}/response/versions/1/export.md").get_data(as_text=True)
    assert md.count("\n# ") == 0 and "\n## Our view\n" in md and "\n### Detail\n" in md and "\n## Underlined" in md
    doc = Document(io.BytesIO(client.get(f"/consultations/{consultation.id}/response/versions/1/export.docx").data))
    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs]
    assert ("Heading 1", "Our view") in paragraphs and ("Heading 2", "Detail") in paragraphs


def test_headings_in_a_draft_by_questions_sit_under_introduction_and_questions(make_draft, as_user, users) -> None:
    consultation = _questions(make_draft, users, DRAFT, "# Yes\n\nWith a phased start.")
    client = as_user("lead")
    html = client.get(f"/consultations/{consultation.id}/response").get_data(as_text=True)
    assert html.count("<h1") == 1
    assert "<h3>Our view</h3>" in html and "<h4>Detail</h4>" in html and "<h3>Yes</h3>" in html
    md = client.get(f"/consultations/{consultation.id}/response/versions/1/export.md").get_data(as_text=True)
    outline = [line for line in md.splitlines() if line.startswith("#")]
    assert outline[1:] == ["## Introduction", "### Our view", "#### Detail", "### Underlined",
                           "## Question 1", "### Yes"]


def test_the_editor_preview_keeps_one_h1(make_draft, as_user) -> None:
    consultation = make_draft(Status.DRAFTING, versions=["First."])
    r = as_user("lead").post(f"/consultations/{consultation.id}/response/edit",
                             data={"base_version": "1", "body": DRAFT, "note": "", "preview": "Preview"})
    html = r.get_data(as_text=True)
    assert html.count("<h1") == 1 and "<h3>Our view</h3>" in html


def test_a_comment_heading_is_not_an_h1(make_draft, as_user) -> None:
    consultation = make_draft(Status.DRAFTING)
    client = as_user("contributor")
    client.post(f"/consultations/{consultation.id}/response/comments", data={"body": "# Shouting\n\nA point."})
    html = client.get(f"/consultations/{consultation.id}/response").get_data(as_text=True)
    assert html.count("<h1") == 1 and "<h3>Shouting</h3>" in html


def test_a_refused_button_is_an_error_summary_linking_to_its_section(make_draft, as_user) -> None:
    consultation = make_draft(Status.DRAFTING, versions=[])
    r = as_user("lead").post(f"/consultations/{consultation.id}/response/send-for-review",
                             data={"version": consultation.version})
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert _summary_links(html) == ["review"]
    assert "Save a first version of the draft before sending it for review." in html
    assert "govuk-notification-banner" not in html and "<title>Error: " in html


def test_a_question_without_text_is_marked_on_the_field(make_draft, as_user) -> None:
    consultation = make_draft(Status.DRAFTING)
    r = as_user("lead").post(f"/consultations/{consultation.id}/response/questions",
                             data={"text": "  ", "version": consultation.version})
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert _summary_links(html) == ["text"]
    assert "Enter the question&#39;s text" in html or "Enter the question's text" in html


def test_a_draft_heading_never_skips_a_level_on_the_page(make_draft, as_user, users) -> None:
    """Issue 24: axe's heading order; a `##` under the Introduction's h2 is an h3, not an h4."""
    consultation = _questions(make_draft, users, "Intro.\n\n## Evidence\n\n#### Deeper\n\n# Top", "Yes.")
    html = as_user("lead").get(f"/consultations/{consultation.id}/response").get_data(as_text=True)
    assert "<h3>Evidence</h3>" in html and "<h4>Deeper</h4>" in html and "<h3>Top</h3>" in html
