"""The lead asks member cities for evidence from the response page's link: who is asked, about
what, by when (proposed five working days before the internal deadline, never after it); each
asked city's officers hear of it in the app and by email (real SMTP), once; a request made on an
older page is refused with what was typed kept; only the lead may ask."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests.evidence.conftest import People, ask, city_id, page_text, questions_of, the_request
from tests.reminders.conftest import Inbox
from tracker.drafts import versions
from tracker.evidence import services
from tracker.extensions import db
from tracker.models import Consultation
from tracker.models.evidence import EvidenceRequest, ReplyState
from tracker.models.messages import Message, Notification
from tracker.timeutil import add_working_days, uk_today, working_days_before


def _requests() -> int:
    return int(db.session.scalar(select(func.count()).select_from(EvidenceRequest)) or 0)


def test_the_lead_asks_three_cities_on_a_question_and_each_is_told_once(
        draft: Consultation, people: People, signed_in, smtp: Inbox, eager: None) -> None:  # type: ignore[no-untyped-def]
    lead = signed_in(people.lead)
    page = lead.get(f"/consultations/{draft.id}/response")
    assert f'href="/consultations/{draft.id}/evidence/ask"' in page.get_data(as_text=True)
    form = lead.get(f"/consultations/{draft.id}/evidence/ask")
    assert form.status_code == 200
    proposed = working_days_before(draft.internal_deadline, 5)  # type: ignore[arg-type]
    assert f'name="reply_by-day" type="text" value="{proposed.day}"' in form.get_data(as_text=True) or \
        f'value="{proposed.day}"' in form.get_data(as_text=True)
    q1, q2 = questions_of(draft)

    response = ask(lead, draft, cities=["Wolverhampton", "Preston", "Newport"], questions=[q2.id],
                   brief="Figures on bus use since 2023, please.", contributors=True)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/consultations/{draft.id}/response#evidence")
    request = the_request(draft)
    assert request.reply_by == proposed and request.brief == "Figures on bus use since 2023, please."
    assert [q.question_id for q in request.questions] == [q2.id]
    assert sorted((r.city.name, r.state) for r in request.replies) == [
        ("Newport", "awaited"), ("Preston", "awaited"), ("Wolverhampton", "awaited")]
    shown = page_text(lead.get(f"/consultations/{draft.id}/response"))
    assert "Asked 3 cities for evidence by" in shown
    assert "Question 2: reply by" in shown and "0 replied, 0 with nothing to add, 3 not answered yet " \
        "(Newport, Preston, Wolverhampton)" in shown

    # Each asked city's policy leads and (as the lead ticked it) contributors: once each, in the app too.
    told = {people.wolverhampton.email, people.wolverhampton_contributor.email, people.preston.email,
            people.newport.email}
    assert sorted(str(m["To"]) for m in smtp.messages) == sorted(told)
    mail = smtp.to(people.wolverhampton.email)[0]
    assert str(mail["Subject"]).startswith("Evidence requested from Wolverhampton by ")
    text = mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "Figures on bus use since 2023, please." in text and "Question 2: What would they cost councils?" in text
    assert f"/consultations/{draft.id}/evidence/{request.id}/reply" in text
    assert db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.kind == "evidence_requested")) == 4
    # Nobody from the lead city or an unasked city hears of it.
    assert not smtp.to(people.lead.email) and not smtp.to(people.salford.email)
    # The same event again tells nobody twice.
    services._tell_asked(people.lead, draft, request, [r.city for r in request.replies], [q2])
    db.session.commit()
    assert len(smtp.messages) == 4
    assert db.session.scalar(select(func.count()).select_from(Message).where(Message.kind == "evidence_requested")) == 4


def test_contributors_hear_only_when_the_lead_ticks_it(draft: Consultation, people: People, signed_in) -> None:  # type: ignore[no-untyped-def]
    assert ask(signed_in(people.lead), draft, cities=["Wolverhampton"]).status_code == 302
    told = set(db.session.scalars(select(Message.recipient_id).where(Message.kind == "evidence_requested")))
    assert told == {people.wolverhampton.id}


def test_all_member_cities_but_the_lead_city(draft: Consultation, people: People, signed_in) -> None:  # type: ignore[no-untyped-def]
    assert ask(signed_in(people.coordinator), draft, cities=None).status_code == 302
    names = {r.city.name for r in the_request(draft).replies}
    assert len(names) == 24 and "Hull" not in names and {"Wolverhampton", "Wrexham", "BCP"} <= names
    assert all(r.state == ReplyState.AWAITED for r in the_request(draft).replies)
    assert the_request(draft).questions == []  # the consultation as a whole


def test_refusals_keep_what_was_typed(draft: Consultation, people: People, signed_in) -> None:  # type: ignore[no-untyped-def]
    lead = signed_in(people.lead)
    brief = "Evidence on stop announcements, please."
    late = add_working_days(draft.internal_deadline, 1)  # type: ignore[arg-type]
    refused = ask(lead, draft, cities=["Preston"], brief=brief, reply_by=late)
    assert refused.status_code == 400
    shown = page_text(refused)
    assert "The reply-by date must be on or before the internal deadline" in shown and brief in shown
    past = ask(lead, draft, cities=["Preston"], brief=brief, reply_by=uk_today() - timedelta(days=1))
    assert past.status_code == 400 and "The reply-by date must be today or later" in page_text(past)
    none = ask(lead, draft, cities=[], brief=brief)
    assert none.status_code == 400 and "Choose the cities to ask" in page_text(none) and brief in page_text(none)
    own = ask(lead, draft, cities=["Hull"], brief=brief)
    assert own.status_code == 400 and "Choose member cities other than the lead city." in page_text(own)
    crafted = lead.post(f"/consultations/{draft.id}/evidence/ask", data={
        "version": str(draft.version), "audience": "chosen", "cities": [str(city_id("Preston")), "99999", "x"],
        "questions": ["424242"], "brief": brief, "reply_by": ["1", "1", "2030"]})
    assert crafted.status_code == 400
    empty_brief = ask(lead, draft, cities=["Preston"], brief="   ")
    assert empty_brief.status_code == 400 and "Enter a short brief" in page_text(empty_brief)
    assert _requests() == 0


def test_a_request_made_on_an_older_page_is_refused_with_the_brief_kept(
        draft: Consultation, people: People, signed_in) -> None:  # type: ignore[no-untyped-def]
    seen = draft.version
    versions.add_question(people.coordinator, draft, "Is there anything else?", seen_version=seen)
    db.session.commit()
    refused = ask(signed_in(people.lead), draft, cities=["Preston"], brief="My careful brief.", version=seen)
    assert refused.status_code == 409
    shown = page_text(refused)
    assert "changed this consultation after you opened the page" in shown and "Added question 3" in shown
    assert "My careful brief." in shown
    assert _requests() == 0
    db.session.expire_all()
    # The form is redrawn on the version there is now: sending again is a deliberate choice.
    assert f'name="version" type="hidden" value="{db.session.get(Consultation, draft.id).version}"' in \
        refused.get_data(as_text=True)


def test_only_the_lead_city_and_coordinators_ask(draft: Consultation, people: People, signed_in, client) -> None:  # type: ignore[no-untyped-def]
    for who in (people.hull_contributor, people.salford, people.wolverhampton, people.newport):
        assert signed_in(who).get(f"/consultations/{draft.id}/evidence/ask").status_code == 403
        assert ask(signed_in(who), draft, cities=["Preston"]).status_code == 403
    anonymous = client.post(f"/consultations/{draft.id}/evidence/ask", data={"brief": "x"})
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert _requests() == 0
    # The page offers the link to the lead only.
    assert "Ask member cities for evidence" not in page_text(signed_in(people.salford).get(
        f"/consultations/{draft.id}/response"))


def test_the_proposed_date_never_passes_the_internal_deadline(draft: Consultation) -> None:
    today = uk_today()
    assert services.proposed_reply_by(draft, today) == working_days_before(draft.internal_deadline, 5)  # type: ignore[arg-type]
    draft.internal_deadline = add_working_days(today, 2)
    assert services.proposed_reply_by(draft, today) == add_working_days(today, 1)
    draft.internal_deadline = today
    assert services.proposed_reply_by(draft, today) == today
    db.session.rollback()


def test_the_form_needs_its_csrf_token(app, draft: Consultation, people: People, signed_in) -> None:  # type: ignore[no-untyped-def]
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = ask(signed_in(people.lead), draft, cities=["Preston"])
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert refused.status_code == 400
    assert _requests() == 0


def test_a_draft_approved_while_the_lead_typed_keeps_the_brief(draft: Consultation, people: People,
                                                               signed_in) -> None:  # type: ignore[no-untyped-def]
    from tracker.drafts import review

    seen = draft.version
    review.send_for_review(people.lead, draft, seen_version=seen)
    db.session.commit()
    review.approve(people.coordinator, draft, seen_version=draft.version, number=1)
    db.session.commit()
    lead = signed_in(people.lead)
    refused = ask(lead, draft, cities=["Preston"], brief="Typed before the approval.", version=seen)
    assert refused.status_code == 409
    assert "Approved version 1" in page_text(refused) and "Typed before the approval." in page_text(refused)
    again = ask(lead, draft, cities=["Preston"], brief="Typed before the approval.")
    assert again.status_code == 400
    assert "The draft is no longer being written, so cities can no longer be asked" in page_text(again)
    assert _requests() == 0
    assert lead.get(f"/consultations/{draft.id}/evidence/ask").status_code == 403
