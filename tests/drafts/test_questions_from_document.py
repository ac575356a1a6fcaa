"""Issue 22, the lead's side: the response page offers the questions found in the consultation's
documents, and the lead city starts question by question from them (in order, with their numbers
and sources, editable afterwards), refused when stale or for anyone else, never losing text."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests import factories
from tracker.drafts import queries
from tracker.extensions import db
from tracker.models import ActivityLog, Consultation, Status
from tracker.models.drafts import Question, Response, ResponseVersion

OFFER = "Start question by question from the 3 questions in the consultation document"
QUESTIONS = [
    factories.found_question("1", "Do you agree with the proposed reliability standard?\nPlease explain your answer.",
                             ("Yes", "No", "Don't know"), where="2. Reliability"),
    factories.found_question("2.1", "What data would operators need to share?", where="Page 14",
                             title="Annex A: list of questions", url="https://assets.publishing.service.gov.uk/a.pdf"),
    factories.found_question("2.2", "Who should pay?\n(a) operators;\n(b) authorities?", where="Page 15"),
]


def _url(consultation: Consultation, tail: str = "") -> str:
    return f"/consultations/{consultation.id}/response{tail}"


def _draft_questions(consultation: Consultation) -> list[tuple[int, str, str, str, str, str]]:
    db.session.expire_all()
    return [(q.number, q.label, q.text, q.source_title, q.source_url, q.source_where)
            for q in queries.questions(consultation)]


def _mode(consultation: Consultation) -> str | None:
    db.session.expire_all()
    return db.session.scalar(select(Response.mode).where(Response.consultation_id == consultation.id))


@pytest.fixture
def read_draft(make_draft):  # type: ignore[no-untyped-def]
    """make_draft(...) whose consultation was imported and its documents read: three questions."""

    def _make(*args, questions=QUESTIONS, **kwargs) -> Consultation:  # type: ignore[no-untyped-def]
        consultation = make_draft(*args, **kwargs)
        factories.read_documents(consultation, questions=questions, ways=factories.BUS_WAYS)
        db.session.commit()
        return consultation

    return _make


@pytest.mark.parametrize("who, offered", [("lead", True), ("coordinator", True), ("admin", True),
                                          ("other_lead", False), ("contributor", False)])
def test_the_offer_is_shown_to_who_may_use_it_and_the_questions_to_everyone(read_draft, as_user, who, offered):
    consultation = read_draft(Status.DRAFTING)
    page = as_user(who).get(_url(consultation)).get_data(as_text=True)
    assert (OFFER in page) is offered
    assert (f'action="/consultations/{consultation.id}/response/questions/from-document"' in page) is offered
    # The questions found, collapsed, with their sources, whoever looks.
    details = re.search(r'<details class="govuk-details".*?</details>', page, re.S)
    assert details is not None and "Show the 3 questions and where they were found" in details.group(0)
    assert "Question 2.1" in details.group(0) and "Options: Yes / No / Don&#39;t know" in details.group(0)
    assert 'href="https://assets.publishing.service.gov.uk/a.pdf"' in details.group(0)
    assert "Annex A: list of questions</a>, under “Page 14”" in details.group(0)


def test_no_offer_without_found_questions_or_once_answered_by_them(make_draft, read_draft, as_user):
    unread = make_draft(Status.DRAFTING)
    none_found = read_draft(Status.DRAFTING, questions=[])
    for consultation in (unread, none_found):
        page = as_user("lead").get(_url(consultation)).get_data(as_text=True)
        assert "Start question by question from" not in page and 'id="document-questions"' not in page
    started = read_draft(Status.DRAFTING)
    assert as_user("lead").post(_url(started, "/questions/from-document"),
                                data={"version": started.version}).status_code == 302
    page = as_user("lead").get(_url(started)).get_data(as_text=True)
    assert OFFER not in page and 'id="document-questions"' not in page
    # Neither offered nor listed once the draft can no longer change (approved), and refused.
    approved = read_draft(Status.APPROVED)
    assert 'id="document-questions"' not in as_user("coordinator").get(_url(approved)).get_data(as_text=True)
    r = as_user("coordinator").post(_url(approved, "/questions/from-document"), data={"version": approved.version})
    assert r.status_code == 403 and _draft_questions(approved) == []


def test_starting_creates_the_questions_in_order_with_their_sources(read_draft, as_user):
    consultation = read_draft(Status.DRAFTING, versions=[])
    lead = as_user("lead")
    r = lead.post(_url(consultation, "/questions/from-document"), data={"version": consultation.version})
    assert r.status_code == 302 and r.headers["Location"].endswith("/response#questions")
    assert _draft_questions(consultation) == [
        (1, "1", "Do you agree with the proposed reliability standard?\nPlease explain your answer.\n\n"
                 "Options: Yes / No / Don't know",
         "Bus reform: consultation document", factories.DOCUMENT_URL, "2. Reliability"),
        (2, "2.1", "What data would operators need to share?", "Annex A: list of questions",
         "https://assets.publishing.service.gov.uk/a.pdf", "Page 14"),
        (3, "2.2", "Who should pay?\n(a) operators;\n(b) authorities?", "Bus reform: consultation document",
         factories.DOCUMENT_URL, "Page 15"),
    ]
    assert _mode(consultation) == "questions"
    log = db.session.scalar(select(ActivityLog).where(ActivityLog.action == "questions_from_document"))
    assert log is not None and log.consultation_id == consultation.id
    assert log.message == "Started question by question from the 3 questions in the consultation document"

    page = lead.get(_url(consultation)).get_data(as_text=True)
    assert "Started question by question from the 3 questions in the consultation document." in page
    # Each question by the document's number, with where it was found, and a way to change it.
    questions = page[page.index('id="questions"'):]
    assert "Question 2.1" in questions and "Question 2.2" in questions
    assert f'href="{factories.DOCUMENT_URL}"' in questions and "under “Page 15”" in questions
    first = queries.questions(consultation)[0]
    assert f'href="/consultations/{consultation.id}/response/questions/{first.id}/edit"' in questions
    # The editor has a box per question, labelled with the document's number.
    editor = as_user("lead").get(_url(consultation, "/edit")).get_data(as_text=True)
    assert "Question 2.1" in editor and f'name="answer_{first.id}"' in editor


def test_the_text_already_written_stays_as_the_introduction(read_draft, as_user):
    consultation = read_draft(Status.DRAFTING, versions=["Our opening view.", "The network welcomes the plan."])
    lead = as_user("lead")
    page = lead.get(_url(consultation)).get_data(as_text=True)
    assert "The text already written (version 2) stays, as the introduction above the answers." in page
    r = lead.post(_url(consultation, "/questions/from-document"), data={"version": consultation.version})
    assert r.status_code == 302
    page = lead.get(_url(consultation)).get_data(as_text=True)
    assert "The text already written stays as the introduction, above the answers." in page
    # Nothing was lost or rewritten: the versions are as they were, and the page shows the text
    # under "Introduction" above the (unanswered) questions.
    db.session.expire_all()
    assert [v.body for v in db.session.scalars(select(ResponseVersion).order_by(ResponseVersion.number))] == [
        "Our opening view.", "The network welcomes the plan."]
    text = page[page.index('id="response-text"'):page.index('id="comments"')]
    assert text.index("Introduction") < text.index("The network welcomes the plan.") < text.index("Question 1")


def test_questions_the_draft_already_has_stay_first(read_draft, as_user):
    consultation = read_draft(Status.DRAFTING)
    db.session.add(Question(consultation_id=consultation.id, number=1, text="A question typed in by hand"))
    db.session.commit()  # the draft is still free text: the offer stands
    lead = as_user("lead")
    page = lead.get(_url(consultation)).get_data(as_text=True)
    assert "The draft&#39;s 1 question stays first, with its answers." in page
    lead.post(_url(consultation, "/questions/from-document"), data={"version": consultation.version})
    assert ("Started question by question from the 3 questions in the consultation document. The draft&#39;s 1 "
            "earlier question stays first.") in lead.get(_url(consultation)).get_data(as_text=True)
    assert [(n, label, text[:20]) for n, label, text, *_ in _draft_questions(consultation)] == [
        (1, "", "A question typed in "), (2, "1", "Do you agree with th"), (3, "2.1", "What data would oper"),
        (4, "2.2", "Who should pay?\n(a) ")]


def test_a_stale_page_is_refused_and_nothing_is_created(read_draft, as_user):
    consultation = read_draft(Status.DRAFTING)
    seen = consultation.version
    # Someone changed the draft's organisation since the page was drawn.
    assert as_user("coordinator").post(_url(consultation, "/mode"),
                                       data={"version": seen, "mode": "questions"}).status_code == 302
    r = as_user("lead").post(_url(consultation, "/questions/from-document"), data={"version": seen})
    page = r.get_data(as_text=True)
    assert r.status_code == 409
    assert "Cora Coordinator" in page and "Not changed:" in page
    assert _draft_questions(consultation) == []
    # The offer is drawn again on the version there is now: sending it again is a knowing choice.
    assert OFFER in page


@pytest.mark.parametrize("who", ["contributor", "other_lead", "anonymous"])
def test_anyone_else_is_refused(read_draft, as_user, added_contributor, who):
    consultation = read_draft(Status.DRAFTING)
    if who == "contributor":
        added_contributor(consultation)
    r = as_user(who).post(_url(consultation, "/questions/from-document"), data={"version": consultation.version})
    assert r.status_code == (302 if who == "anonymous" else 403)
    if who != "anonymous":
        assert "Only the lead city&#39;s policy leads and coordinators" in r.get_data(as_text=True)
    assert _draft_questions(consultation) == [] and _mode(consultation) == "free"


def test_refused_when_the_page_is_crafted(read_draft, make_draft, as_user):
    consultation = read_draft(Status.DRAFTING)
    for data in ({}, {"version": "x"}, {"version": "-1"}):
        r = as_user("lead").post(_url(consultation, "/questions/from-document"), data=data)
        assert r.status_code == 400 and "Reload the page and try again" in r.get_data(as_text=True)
    nothing = make_draft(Status.DRAFTING)
    r = as_user("lead").post(_url(nothing, "/questions/from-document"), data={"version": nothing.version})
    assert r.status_code == 400
    assert "No questions were found in the consultation&#39;s documents" in r.get_data(as_text=True)
    assert _draft_questions(consultation) == [] and _draft_questions(nothing) == []


def test_hostile_questions_are_shown_as_text_and_bad_links_are_not_links(read_draft, as_user):
    hostile = [factories.found_question("1", '<script>alert("q")</script> Do you agree?', ("<b>Yes</b>",),
                                        title='<img src=x onerror=alert(1)>', url="javascript:alert(1)",
                                        where="<i>Chapter</i>"),
               factories.found_question("2", "x" * 6000, url="data:text/html,hi")]
    consultation = read_draft(Status.DRAFTING, questions=hostile)
    page = as_user("lead").get(_url(consultation)).get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#34;q&#34;)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;b&gt;Yes&lt;/b&gt;" in page
    assert "javascript:alert" not in page and "data:text/html" not in page
    assert as_user("lead").post(_url(consultation, "/questions/from-document"),
                                data={"version": consultation.version}).status_code == 302
    (first, second) = _draft_questions(consultation)
    assert first[4] == "" and second[4] == ""  # never stored as a link
    assert len(second[2]) == 5000 and second[2].endswith("…")
    page = as_user("lead").get(_url(consultation)).get_data(as_text=True)
    assert "<script>alert" not in page and "javascript:alert" not in page


def test_a_question_from_the_document_can_be_changed(read_draft, as_user):
    consultation = read_draft(Status.DRAFTING)
    as_user("lead").post(_url(consultation, "/questions/from-document"), data={"version": consultation.version})
    question = queries.questions(consultation)[1]
    edit = _url(consultation, f"/questions/{question.id}/edit")
    form = as_user("lead").get(edit)
    assert form.status_code == 200 and 'value="2.1"' in form.get_data(as_text=True)
    db.session.expire_all()
    version = db.session.get(Consultation, consultation.id).version
    r = as_user("lead").post(edit, data={"version": version, "label": "2.1", "text": ""})
    assert r.status_code == 400 and "Enter the question&#39;s text" in r.get_data(as_text=True)
    r = as_user("lead").post(edit, data={"version": version, "label": "2.1 (a)",
                                         "text": "What data would operators need to share, and how often?"})
    assert r.status_code == 302 and r.headers["Location"].endswith("#questions")
    assert _draft_questions(consultation)[1][:3] == (2, "2.1 (a)", "What data would operators need to share, and how "
                                                                   "often?")
    # On the old page: refused, what was typed kept.
    r = as_user("lead").post(edit, data={"version": version, "label": "9", "text": "Typed on an old page"})
    assert r.status_code == 409 and "Typed on an old page" in r.get_data(as_text=True)
    assert _draft_questions(consultation)[1][1] == "2.1 (a)"
    assert as_user("contributor").get(edit).status_code == 403
    assert as_user("lead").get(_url(consultation, "/questions/999999/edit")).status_code == 404
