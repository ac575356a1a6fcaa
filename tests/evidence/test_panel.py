"""The panel beside the draft: which cities were asked, which replied, which have nothing to add and
which have not answered, the replies per question; in a fixed number of statements whatever the
number of cities and replies, and no statement while the templates render."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event

from tests.drafts.test_templates_query_nothing import _statements_while_rendering
from tests.evidence import conftest as ev
from tests.evidence.conftest import People, ask, page_text, questions_of, send_reply, the_request
from tracker.evidence import queries
from tracker.extensions import db
from tracker.models import Consultation, User


def _answered(draft: Consultation, people: People, signed_in: Any, cities: list[str] | None) -> None:
    q1, q2 = questions_of(draft)
    assert ask(signed_in(people.lead), draft, cities=cities, questions=[q1.id]).status_code == 302
    request = the_request(draft)
    assert send_reply(signed_in(people.wolverhampton), draft, request, answers={q1.id: "We agree, mostly."},
                      attach=[(ev.pdf(), "Survey.pdf")]).status_code == 302
    assert signed_in(people.preston).post(f"/consultations/{draft.id}/evidence/{request.id}/nothing-to-add",
                                          data={"version": "1"}).status_code == 302


def test_the_response_page_says_who_replied_and_who_has_not(draft: Consultation, people: People, signed_in) -> None:  # type: ignore[no-untyped-def]
    _answered(draft, people, signed_in, ["Wolverhampton", "Preston", "Newport"])
    response = signed_in(people.salford).get(f"/consultations/{draft.id}/response")
    html, shown = response.get_data(as_text=True), page_text(response)
    assert "Question 1: reply by" in shown
    assert "1 replied, 1 with nothing to add, 1 not answered yet (Newport)." in shown
    rows = {city: html.split(f'data-kc-city="{city}"')[1].split("</tr>")[0] for city in
            ("Wolverhampton", "Preston", "Newport")}
    assert 'data-kc-state="replied"' in rows["Wolverhampton"] and "Survey.pdf" in rows["Wolverhampton"]
    assert 'data-kc-state="nothing_to_add"' in rows["Preston"]
    assert 'data-kc-state="awaited"' in rows["Newport"] and "Not answered yet" in rows["Newport"]
    assert "Question 1: Do you agree with the proposals? Wolverhampton We agree, mostly." in shown
    # Salford reads it all, but cannot quote, close, ask or reply.
    assert "data-kc-quote" not in html and "Close the request" not in shown
    assert "Ask member cities for evidence" not in shown and "Reply for" not in shown
    # Newport's officer is offered its reply.
    assert "Reply for Newport" in page_text(signed_in(people.newport).get(f"/consultations/{draft.id}/response"))


def test_no_request_yet(draft: Consultation, people: People, signed_in) -> None:  # type: ignore[no-untyped-def]
    shown = page_text(signed_in(people.lead).get(f"/consultations/{draft.id}/response"))
    assert "No city has been asked for evidence yet." in shown and "Ask member cities for evidence" in shown


def _panel_statements(app: Flask, people: People, draft: Consultation) -> int:
    seen: list[str] = []

    def count(conn: Any, cursor: Any, sql: str, *args: Any) -> None:
        seen.append(sql)

    db.session.expire_all()
    consultation, lead = draft, people.lead
    db.session.refresh(consultation)
    db.session.refresh(lead)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        queries.panel(lead, consultation, None)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_the_panel_takes_the_same_statements_for_3_cities_or_24(app: Flask, draft: Consultation, people: People,
                                                               signed_in) -> None:  # type: ignore[no-untyped-def]
    _answered(draft, people, signed_in, ["Wolverhampton", "Preston", "Newport"])
    few = _panel_statements(app, people, draft)
    _answered(draft, people, signed_in, None)  # a second request, to every member city
    assert _panel_statements(app, people, draft) == few


def test_no_statement_runs_while_the_evidence_pages_render(app: Flask, draft: Consultation, people: People,
                                                           signed_in) -> None:  # type: ignore[no-untyped-def]
    _answered(draft, people, signed_in, ["Wolverhampton", "Preston", "Newport"])
    request = the_request(draft)
    for who, path in [
        (people.lead.id, f"/consultations/{draft.id}/response"),
        (people.lead.id, f"/consultations/{draft.id}/response/edit"),
        (people.lead.id, f"/consultations/{draft.id}/evidence/ask"),
        (people.wolverhampton.id, f"/consultations/{draft.id}/evidence/{request.id}/reply"),
        (people.newport.id, f"/consultations/{draft.id}/evidence/{request.id}/reply"),
    ]:
        client = signed_in(db.session.get(User, who))
        db.session.expunge_all()
        with _statements_while_rendering(app) as seen:
            response = client.get(path)
        assert response.status_code == 200, path
        assert seen == [], (path, seen)
