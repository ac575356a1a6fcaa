"""Reusing past responses from the editor (issue 23): the library searched from the editor, a passage
inserted as a quotation with its source noted, saved as the draft's next version through the
versioned save (refused when the draft moved since the page was drawn), and the same results as
JSON for the editor's script."""

from __future__ import annotations

import html as html_lib
import re
from datetime import time, timedelta

from tests import factories
from tests.drafts.conftest import versions_of
from tracker.drafts import versions
from tracker.extensions import db
from tracker.models import Consultation, Status
from tracker.models.drafts import ResponseVersion, Submission
from tracker.timeutil import uk_instant, uk_today

PAST = ("The network asks for **multi-year funding** for bus services.\n\n"
        "- Councils need certainty;\n- Operators need notice.\n\n"
        "An unrelated paragraph about parks.")


def _submitted(make_draft, title: str, text: str, *, days_ago: int = 40) -> Consultation:  # type: ignore[no-untyped-def]
    c = make_draft(Status.SUBMITTED, versions=[text], title=title, closes_in_days=-days_ago)
    version = db.session.query(ResponseVersion).filter_by(body=text).one()
    db.session.add(Submission(consultation_id=c.id, version_id=version.id, method="email",
                              submitted_at=uk_instant(uk_today() - timedelta(days=days_ago), time(12)),
                              reference="R"))
    db.session.commit()
    return c


def _insert_forms(page: str) -> list[dict[str, str]]:
    forms = re.findall(r'<form method="post" action="[^"]*/reuse/insert">(.*?)</form>', page, re.S)
    return [dict(re.findall(r'name="(\w+)" value="([^"]*)"', f)) for f in forms]


def test_searching_from_the_editor_and_inserting_a_passage_saves_a_version_with_its_source(
        make_draft, as_user, users) -> None:
    past = _submitted(make_draft, "Bus services: the funding settlement", PAST)
    _submitted(make_draft, "Parks and green spaces", "Nothing about the search words here.")
    c = make_draft(Status.DRAFTING, versions=["Our draft so far."])
    lead = as_user("lead")
    editor = lead.get(f"/consultations/{c.id}/response/edit").get_data(as_text=True)
    assert 'data-kc-module="drafts_reuse"' in editor
    assert f'action="/consultations/{c.id}/response/reuse"' in editor

    r = lead.get(f"/consultations/{c.id}/response/reuse?q=funding+bus")
    assert r.status_code == 200
    page = html_lib.unescape(r.get_data(as_text=True))
    assert "1 response found for “funding bus”" in page and "Bus services: the funding settlement" in page
    assert "Parks and green spaces" not in page
    # The matching passage only (not the list, not the paragraph about parks), the words marked.
    assert "<mark>funding</mark>" in page and "unrelated paragraph" not in page
    (form,) = _insert_forms(page)
    assert form["base_version"] == "1" and form["into"] == "body" and form["passage"] == "0"

    saved = lead.post(f"/consultations/{c.id}/response/reuse/insert", data=form)
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/consultations/{c.id}/response/edit")
    (number, body, author), = [v for v in versions_of(c) if v[0] == 2]
    assert author == users["lead"].id
    submitted = (uk_today() - timedelta(days=40)).strftime("%-d %B %Y")
    assert body == ("Our draft so far.\n\n> The network asks for **multi-year funding** for bus services.\n\n"
                    f"(From the network's response to “Bus services: the funding settlement”, submitted {submitted})")
    note = db.session.query(ResponseVersion).filter_by(number=2, body=body).one().note
    assert note == "Inserted a passage from the response to “Bus services: the funding settlement”"
    flashed = html_lib.unescape(lead.get(saved.headers["Location"]).get_data(as_text=True))
    assert "Inserted a passage from the response to “Bus services: the funding settlement”: saved as version 2." in flashed
    assert past.id != c.id


def test_an_insert_from_a_page_drawn_before_another_save_is_refused(make_draft, as_user, users) -> None:
    _submitted(make_draft, "Bus services: the funding settlement", PAST)
    c = make_draft(Status.DRAFTING, versions=["v1"])
    lead = as_user("lead")
    (form,) = _insert_forms(lead.get(f"/consultations/{c.id}/response/reuse?q=funding").get_data(as_text=True))
    # Meanwhile a colleague saves version 2.
    colleague = factories.make_user("policy_lead", city_name="Hull", name="Hugo Hull")
    versions.save_version(colleague, db.session.get(Consultation, c.id), versions.DraftText(body="Hugo's v2"), 1)
    db.session.commit()
    refused = lead.post(f"/consultations/{c.id}/response/reuse/insert", data=form)
    assert refused.status_code == 409
    text = html_lib.unescape(refused.get_data(as_text=True))
    assert "Hugo Hull (Hull) saved version 2 while you were editing" in text
    assert "The passage was not inserted either" in text
    assert [v[1] for v in versions_of(c)] == ["v1", "Hugo's v2"]
    # The page is drawn again on the version there is now: inserting again is a deliberate choice.
    (again,) = _insert_forms(text)
    assert again["base_version"] == "2"
    assert lead.post(f"/consultations/{c.id}/response/reuse/insert", data=again).status_code == 302
    assert versions_of(c)[-1][1].startswith("Hugo's v2\n\n> The network asks for")


def test_a_passage_goes_into_the_answer_chosen(make_draft, as_user, users) -> None:
    _submitted(make_draft, "Bus services: the funding settlement", PAST)
    c = make_draft(Status.DRAFTING, versions=["Intro."])
    versions.add_question(users["lead"], db.session.get(Consultation, c.id), "What should change?")
    db.session.commit()
    question = db.session.get(Consultation, c.id)
    from tracker.drafts import queries

    (q1,) = queries.questions(question)
    lead = as_user("lead")
    page = html_lib.unescape(lead.get(f"/consultations/{c.id}/response/reuse?q=operators&into={q1.id}")
                             .get_data(as_text=True))
    assert f'<option value="{q1.id}" selected>Question 1</option>' in page
    (form,) = _insert_forms(page)
    assert form["into"] == str(q1.id) and form["passage"] == "1"  # the list, where "operators" is
    assert lead.post(f"/consultations/{c.id}/response/reuse/insert", data=form).status_code == 302
    latest = db.session.query(ResponseVersion).filter_by(number=2).one()
    assert latest.body == "Intro."
    assert latest.answers[str(q1.id)].startswith("> - Councils need certainty;\n> - Operators need notice.\n\n(From")


def test_the_editor_script_gets_the_same_quotation_as_json(make_draft, as_user) -> None:
    _submitted(make_draft, "Bus <services> *today*", PAST)
    c = make_draft(Status.DRAFTING)
    data = as_user("lead").get(f"/consultations/{c.id}/response/reuse?q=funding&format=json").get_json()
    (found,) = data["results"]
    assert found["title"] == "Bus <services> *today*"
    (passage,) = found["passages"]
    # Plain text to show (drawn with textContent), and the quotation with the title's marks escaped.
    assert passage["text"] == "The network asks for multi-year funding for bus services."
    assert passage["quote"].endswith("(From the network's response to “Bus \\<services\\> \\*today\\*”, submitted "
                                     + (uk_today() - timedelta(days=40)).strftime("%-d %B %Y") + ")")
    bad = as_user("lead").get(f"/consultations/{c.id}/response/reuse?q={'x' * 201}&format=json")
    assert bad.status_code == 400 and "200" in bad.get_json()["error"]


def test_only_who_may_edit_may_reuse_and_forged_passages_are_refused(make_draft, as_user) -> None:
    past = _submitted(make_draft, "Bus services: the funding settlement", PAST)
    c = make_draft(Status.DRAFTING)
    assert as_user("other_lead").get(f"/consultations/{c.id}/response/reuse?q=funding").status_code == 403
    assert as_user("contributor").post(f"/consultations/{c.id}/response/reuse/insert", data={
        "base_version": 1, "source": 1, "passage": 0, "into": "body"}).status_code == 403
    lead = as_user("lead")
    draft_version = db.session.query(ResponseVersion).filter_by(body="First draft of the response.").one()
    # A version that was never submitted, a passage that is not there, a place that is not in the draft.
    assert lead.post(f"/consultations/{c.id}/response/reuse/insert", data={
        "base_version": 1, "source": draft_version.id, "passage": 0, "into": "body"}).status_code == 404
    source = db.session.query(Submission).filter_by(consultation_id=past.id).one().version_id
    assert lead.post(f"/consultations/{c.id}/response/reuse/insert", data={
        "base_version": 1, "source": source, "passage": 99, "into": "body"}).status_code == 404
    wrong = lead.post(f"/consultations/{c.id}/response/reuse/insert", data={
        "base_version": 1, "source": source, "passage": 0, "into": "12345"})
    assert wrong.status_code == 400 and "Choose where in the draft" in html_lib.unescape(wrong.get_data(as_text=True))
    assert len(versions_of(c)) == 1
