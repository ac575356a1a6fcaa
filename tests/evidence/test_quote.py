"""The lead quotes a city's evidence into the draft in one click: a new version, saved through
drafts' versioned save on the version the page showed, with the quotation and its attribution in
the answer to its question; refused like any save when someone saved since."""

from __future__ import annotations

import re

import pytest

from tests.evidence.conftest import People, ask, page_text, questions_of, send_reply, the_request
from tracker.drafts import queries, versions
from tracker.evidence import quoting
from tracker.extensions import db
from tracker.models import Consultation
from tracker.models.evidence import EvidenceAnswer, EvidenceRequest


@pytest.fixture
def answered(draft: Consultation, people: People, signed_in) -> EvidenceRequest:  # type: ignore[no-untyped-def]
    q1, q2 = questions_of(draft)
    assert ask(signed_in(people.lead), draft, cities=["Wolverhampton"], questions=[q1.id, q2.id]).status_code == 302
    request = the_request(draft)
    assert send_reply(signed_in(people.wolverhampton), draft, request, answers={
        q2.id: "It would cost us £1.2m a year.\n\nMostly staff.", None: "Buses matter."}).status_code == 302
    return request


def _answer(text: str) -> EvidenceAnswer:
    db.session.expire_all()
    return db.session.query(EvidenceAnswer).filter(EvidenceAnswer.text.startswith(text)).one()


def _current(consultation: Consultation):  # type: ignore[no-untyped-def]
    db.session.expire_all()
    return queries.current_version(queries.get_response(db.session.get(Consultation, consultation.id)))


def test_quoting_saves_a_version_with_the_attribution_in_the_right_answer(
        draft: Consultation, answered: EvidenceRequest, people: People, signed_in) -> None:  # type: ignore[no-untyped-def]
    q1, q2 = questions_of(draft)
    lead = signed_in(people.lead)
    page = lead.get(f"/consultations/{draft.id}/response")
    html = page.get_data(as_text=True)
    cost = _answer("It would cost")
    assert f'action="/consultations/{draft.id}/evidence/answers/{cost.id}/quote"' in html
    assert re.search(r'name="base_version" value="1"', html)

    done = lead.post(f"/consultations/{draft.id}/evidence/answers/{cost.id}/quote",
                     data={"base_version": "1", "back": "response"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/response#evidence")
    version = _current(draft)
    assert version.number == 2 and version.author_id == people.lead.id
    assert version.note == "Quoted evidence from Wolverhampton"
    assert version.answers[str(q2.id)] == ("Too much.\n\n> Evidence from Wolverhampton: It would cost us £1.2m a year."
                                           "\n>\n> Mostly staff.")
    assert version.answers[str(q1.id)] == "Yes, in part." and version.body == "Our intro."
    shown = lead.get(f"/consultations/{draft.id}/response")
    assert "Quoted into the draft: version 2 saved." in page_text(shown)
    assert "<blockquote>\n<p>Evidence from Wolverhampton: It would cost us £1.2m a year.</p>" in \
        shown.get_data(as_text=True)

    # Evidence on the consultation as a whole goes at the end of the introduction, from the editor.
    whole = _answer("Buses matter.")
    back = lead.post(f"/consultations/{draft.id}/evidence/answers/{whole.id}/quote",
                     data={"base_version": "2", "back": "edit"})
    assert back.headers["Location"].endswith("/response/edit#evidence")
    assert _current(draft).body == "Our intro.\n\n> Evidence from Wolverhampton: Buses matter."


def test_a_quote_on_an_older_page_is_refused_like_any_save(draft: Consultation, answered: EvidenceRequest,
                                                           people: People, signed_in) -> None:  # type: ignore[no-untyped-def]
    versions.save_version(people.coordinator, draft, versions.DraftText(body="Coordinator's edit."), 1)
    db.session.commit()
    cost = _answer("It would cost")
    refused = signed_in(people.lead).post(f"/consultations/{draft.id}/evidence/answers/{cost.id}/quote",
                                          data={"base_version": "1", "back": "response"}, follow_redirects=True)
    assert "Cora Coordinator saved version 2 while you were editing, so your changes were not saved." in \
        page_text(refused)
    assert _current(draft).number == 2 and _current(draft).body == "Coordinator's edit."


def test_the_editor_shows_the_panel_and_only_editors_quote(draft: Consultation, answered: EvidenceRequest,
                                                           people: People, signed_in) -> None:  # type: ignore[no-untyped-def]
    editor = signed_in(people.lead).get(f"/consultations/{draft.id}/response/edit")
    shown = page_text(editor)
    assert "Evidence from member cities" in shown and "It would cost us £1.2m a year." in shown
    assert 'name="back" value="edit"' in editor.get_data(as_text=True)
    # Wolverhampton gave the evidence but does not edit Hull's draft.
    cost = _answer("It would cost")
    wolves = signed_in(people.wolverhampton)
    assert "data-kc-quote" not in wolves.get(f"/consultations/{draft.id}/response").get_data(as_text=True)
    assert wolves.post(f"/consultations/{draft.id}/evidence/answers/{cost.id}/quote",
                       data={"base_version": "1"}).status_code == 403
    assert _current(draft).number == 1


def test_the_quotation_keeps_every_line_quoted() -> None:
    assert quoting.quotation("Wolverhampton", "  First line\r\nsecond\n\n- a list  ") == (
        "> Evidence from Wolverhampton: First line\n> second\n>\n> - a list")


def test_a_free_text_draft_takes_any_evidence_at_its_end(draft: Consultation, answered: EvidenceRequest,
                                                          people: People) -> None:
    versions.set_mode(people.lead, draft, "free")
    db.session.commit()
    cost = _answer("It would cost")
    quoting.quote(people.lead, draft, cost.id, 1)
    db.session.commit()
    assert _current(draft).body.endswith("\n\n> Evidence from Wolverhampton: It would cost us £1.2m a year.\n>\n"
                                         "> Mostly staff.")
