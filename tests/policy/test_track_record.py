"""An ask's track record: the responses that made it (chosen on the response page by the drafting
team), what government did with it (recorded per ask on the outcome form), and the engagements
that raised it, all on the ask's page."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests import factories
from tests.policy.conftest import page_text
from tracker.drafts import review
from tracker.extensions import db
from tracker.models import Status
from tracker.models.drafts import Response
from tracker.models.policy import ResponseAsk
from tracker.policy import engagements, services
from tracker.policy.queries import RAISED_AT_SHOWN, TRACK_RECORD_PER_PAGE
from tracker.timeutil import to_uk, uk_today, utcnow


def _made(consultation_id: int) -> dict[int, str | None]:
    db.session.expire_all()
    return {r.ask_id: r.taken_up for r in db.session.scalars(
        select(ResponseAsk).where(ResponseAsk.consultation_id == consultation_id))}


def test_the_drafting_team_chooses_the_asks_from_the_response_page(as_user, make_response, hull_ask, salford_ask) -> None:  # type: ignore[no-untyped-def]
    draft = make_response(Status.DRAFTING, title="Bus services: accessibility")
    lead = as_user("lead")
    page = lead.get(f"/consultations/{draft.id}/response")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    # The response page links to the choice; the list of every ask is drawn on its own page.
    assert f'href="/policy/consultations/{draft.id}/asks"' in body and "Five-year bus funding" not in body
    choosing = lead.get(f"/policy/consultations/{draft.id}/asks")
    assert choosing.status_code == 200
    body = choosing.get_data(as_text=True)
    assert f'action="/policy/consultations/{draft.id}/asks"' in body
    assert "Transport: Five-year bus funding" in body and "Housing: Fund decent homes enforcement" in body
    assert "Which asks does this response make?" in page_text(choosing)
    saved = lead.post(f"/policy/consultations/{draft.id}/asks", data={"asks": [hull_ask.id, salford_ask.id],
                                                                      "seen_asks": ""})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/consultations/{draft.id}/response#policy-asks")
    assert _made(draft.id) == {hull_ask.id: None, salford_ask.id: None}
    shown = page_text(lead.get(f"/consultations/{draft.id}/response"))
    assert "The network's asks in this response" in shown and "Five-year bus funding (Transport)" in shown
    # Unticking one, on a page that showed both.
    lead.post(f"/policy/consultations/{draft.id}/asks",
              data={"asks": [hull_ask.id], "seen_asks": f"{hull_ask.id},{salford_ask.id}"})
    assert _made(draft.id) == {hull_ask.id: None}


def test_outsiders_cannot_choose_a_responses_asks(as_user, make_response, hull_ask) -> None:  # type: ignore[no-untyped-def]
    draft = make_response(Status.DRAFTING)
    for role in ("other_lead", "contributor"):
        client = as_user(role)
        assert f'/policy/consultations/{draft.id}/asks"' not in client.get(
            f"/consultations/{draft.id}/response").get_data(as_text=True)
        assert client.get(f"/policy/consultations/{draft.id}/asks").status_code == 403
        assert client.post(f"/policy/consultations/{draft.id}/asks",
                           data={"asks": [hull_ask.id], "seen_asks": ""}).status_code == 403
    assert _made(draft.id) == {}


def test_a_choice_made_on_an_older_page_is_refused(as_user, make_response, hull_ask, salford_ask) -> None:  # type: ignore[no-untyped-def]
    draft = make_response(Status.DRAFTING)
    as_user("coordinator").post(f"/policy/consultations/{draft.id}/asks", data={"asks": [salford_ask.id], "seen_asks": ""})
    lead = as_user("lead")
    refused = lead.post(f"/policy/consultations/{draft.id}/asks", data={"asks": [hull_ask.id], "seen_asks": ""})
    assert refused.status_code == 302
    assert _made(draft.id) == {salford_ask.id: None}
    shown = page_text(lead.get(refused.headers["Location"]))
    assert "Cora Coordinator changed the asks this response makes after you opened the page" in shown


def test_an_inactive_or_unknown_ask_cannot_be_chosen(as_user, make_response, hull_ask) -> None:  # type: ignore[no-untyped-def]
    draft = make_response(Status.DRAFTING)
    hull_ask.status = "retired"
    db.session.commit()
    lead = as_user("lead")
    refused = lead.post(f"/policy/consultations/{draft.id}/asks", data={"asks": [hull_ask.id], "seen_asks": ""})
    assert "Choose from the network" in page_text(lead.get(refused.headers["Location"]))
    lead.post(f"/policy/consultations/{draft.id}/asks", data={"asks": ["999999", "abc"], "seen_asks": ""})
    assert _made(draft.id) == {}


def test_the_outcome_form_records_per_ask_what_government_did(as_user, make_response, hull_ask, salford_ask) -> None:  # type: ignore[no-untyped-def]
    submitted = make_response(Status.SUBMITTED, title="Pavement parking", submitted_at=None)
    coordinator = as_user("coordinator")
    coordinator.post(f"/policy/consultations/{submitted.id}/asks",
                     data={"asks": [hull_ask.id, salford_ask.id], "seen_asks": ""})
    form = coordinator.get(f"/consultations/{submitted.id}/outcome")
    body = form.get_data(as_text=True)
    assert f'name="take_up_{hull_ask.id}"' in body and f'name="take_up_{salford_ask.id}"' in body
    today = uk_today()
    data = {"version": str(submitted.version), "url": "https://www.gov.uk/government/consultations/x/outcome",
            "published_on": [str(today.day), str(today.month), str(today.year)],
            "taken_up": "partly", "notes": "", "seen_take_up": f"{hull_ask.id}:,{salford_ask.id}:",
            f"take_up_{hull_ask.id}": "full", f"take_up_{salford_ask.id}": "not"}
    # A bad value on one ask: nothing is recorded, not even the outcome, and what was typed is kept.
    bad = coordinator.post(f"/consultations/{submitted.id}/outcome", data={**data, f"take_up_{hull_ask.id}": "mostly"})
    assert bad.status_code == 400 and "Choose in full, in part or not for each ask" in page_text(bad)
    assert f'id="take-up-{salford_ask.id}-not" name="take_up_{salford_ask.id}" type="radio" value="not" checked' in \
        bad.get_data(as_text=True)
    assert _made(submitted.id) == {hull_ask.id: None, salford_ask.id: None}
    ok = coordinator.post(f"/consultations/{submitted.id}/outcome", data=data)
    assert ok.status_code == 302
    assert _made(submitted.id) == {hull_ask.id: "full", salford_ask.id: "not"}
    # Corrected later on the response page.
    coordinator.post(f"/policy/consultations/{submitted.id}/take-up", data={
        "seen_take_up": f"{hull_ask.id}:full,{salford_ask.id}:not", f"take_up_{salford_ask.id}": "part"})
    assert _made(submitted.id) == {hull_ask.id: "full", salford_ask.id: "part"}
    # A lead cannot record take-up.
    assert as_user("lead").post(f"/policy/consultations/{submitted.id}/take-up", data={
        "seen_take_up": "", f"take_up_{hull_ask.id}": "not"}).status_code == 403


def test_the_asks_page_shows_its_track_record(as_user, make_response, hull_ask, users) -> None:  # type: ignore[no-untyped-def]
    taken = make_response(Status.OUTCOME_PUBLISHED, title="Bus franchising guidance", outcome=True)
    pending = make_response(Status.SUBMITTED, title="Pavement parking options")
    drafting = make_response(Status.DRAFTING, title="Rail passenger standards")
    db.session.add_all([ResponseAsk(consultation_id=taken.id, ask_id=hull_ask.id, taken_up="part",
                                    submitted_at=utcnow() - timedelta(days=1)),
                        ResponseAsk(consultation_id=pending.id, ask_id=hull_ask.id, submitted_at=utcnow()),
                        ResponseAsk(consultation_id=drafting.id, ask_id=hull_ask.id)])
    engagements.create_engagement(users["coordinator"], engagements.EngagementInput(
        occurred_on=uk_today() - timedelta(days=3), kind="minister", title="Meeting with the Buses Minister",
        attendees="Minister for Local Transport", work_area_id=factories.work_area("Transport").id, notes="",
        ask_ids=[hull_ask.id]))
    db.session.commit()
    page = as_user("contributor").get(f"/policy/asks/{hull_ask.id}")
    shown = page_text(page)
    assert ("Made in 3 responses: taken up in full 0, in part 1, not taken up 0, not known yet 2. "
            "Raised at 1 engagement.") in shown
    assert "Bus franchising guidance" in shown and "Taken up in part" in shown
    assert shown.index("Pavement parking options") < shown.index("Bus franchising guidance") < shown.index(
        "Rail passenger standards")
    assert "Rail passenger standards" in shown and "Not submitted yet" in shown
    assert "Meeting with the Buses Minister, Meeting with a minister" in shown
    listing = page_text(as_user("contributor").get("/policy/asks"))
    assert "Five-year bus funding Hull Active 3 1 1" in listing


def test_an_invited_contributor_may_choose_the_asks(as_user, make_response, hull_ask, users) -> None:  # type: ignore[no-untyped-def]
    from tracker.drafts import versions
    from tracker.models.drafts import Contributor

    draft = make_response(Status.DRAFTING)
    response = versions.ensure_response(draft)
    db.session.add(Contributor(response_id=response.id, user_id=users["contributor"].id, added_by_id=users["lead"].id))
    db.session.commit()
    saved = as_user("contributor").post(f"/policy/consultations/{draft.id}/asks",
                                        data={"asks": [hull_ask.id], "seen_asks": ""})
    assert saved.status_code == 302 and _made(draft.id) == {hull_ask.id: None}
    # Once approved, the drafting team's choice is settled: only coordinators may correct it.
    draft.status = Status.APPROVED.value
    db.session.commit()
    assert as_user("contributor").post(f"/policy/consultations/{draft.id}/asks",
                                       data={"asks": [], "seen_asks": str(hull_ask.id)}).status_code == 403
    assert as_user("coordinator").post(f"/policy/consultations/{draft.id}/asks",
                                       data={"asks": [], "seen_asks": str(hull_ask.id)}).status_code == 302
    assert _made(draft.id) == {}


def test_an_ask_made_in_many_responses_is_shown_a_page_at_a_time(as_user, make_response, hull_ask) -> None:  # type: ignore[no-untyped-def]
    made = [make_response(Status.DRAFTING, title=f"Consultation number {n:02d}") for n in range(TRACK_RECORD_PER_PAGE + 2)]
    db.session.add_all([ResponseAsk(consultation_id=c.id, ask_id=hull_ask.id, taken_up="full" if n < 3 else None)
                        for n, c in enumerate(made)])
    db.session.commit()
    total = TRACK_RECORD_PER_PAGE + 2
    reader = as_user("contributor")
    first = page_text(reader.get(f"/policy/asks/{hull_ask.id}"))
    # The counts are of every response, the table of the newest page only (newest consultation first).
    assert (f"Made in {total} responses: taken up in full 3, in part 0, not taken up 0, "
            f"not known yet {total - 3}.") in first
    assert "(page 1 of 2, newest first)" in first
    assert f"Consultation number {total - 1:02d}" in first and "Consultation number 00" not in first
    second = reader.get(f"/policy/asks/{hull_ask.id}?page=2")
    body = page_text(second)
    assert second.status_code == 200 and "(page 2 of 2, newest first)" in body
    assert "Consultation number 00" in body and "Consultation number 01" in body
    assert f"Consultation number {total - 1:02d}" not in body
    assert f'href="/policy/asks/{hull_ask.id}?page=1#made-in"' in second.get_data(as_text=True)
    # A page past the end shows the last page.
    assert "Consultation number 00" in page_text(reader.get(f"/policy/asks/{hull_ask.id}?page=99"))


def test_the_submitted_responses_come_first_newest_submission_first(as_user, make_response, hull_ask, users) -> None:  # type: ignore[no-untyped-def]
    coordinator, now = users["coordinator"], utcnow()
    # Submitted before the ask was chosen: the ask is added with the submission's time.
    submitted = [make_response(Status.SUBMITTED, title=f"Submitted number {n:02d}",
                               submitted_at=now - timedelta(days=40 - n)) for n in range(TRACK_RECORD_PER_PAGE)]
    for consultation in submitted:
        services.set_response_asks(coordinator, consultation, [hull_ask.id], [])
    # Chosen while the draft was open, submitted later (the oldest submission of all): recording
    # the submission dates the ask.
    later = make_response(Status.APPROVED, title="Approved then submitted")
    db.session.scalars(select(Response).where(Response.consultation_id == later.id)).one().approved_number = 1
    services.set_response_asks(coordinator, later, [hull_ask.id], [])
    drafting = make_response(Status.DRAFTING, title="Still being drafted")
    services.set_response_asks(coordinator, drafting, [hull_ask.id], [])
    db.session.commit()
    sent = now - timedelta(days=100)
    review.record_submission(coordinator, later, method="email", submitted_at=sent, reference="")
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalar(select(ResponseAsk.submitted_at).where(ResponseAsk.consultation_id == later.id)) == sent
    assert db.session.scalar(select(ResponseAsk.submitted_at).where(ResponseAsk.consultation_id == drafting.id)) is None

    reader = as_user("contributor")
    first = page_text(reader.get(f"/policy/asks/{hull_ask.id}"))
    newest = f"Submitted number {TRACK_RECORD_PER_PAGE - 1:02d}"
    assert first.index(newest) < first.index("Submitted number 00")
    assert f"{to_uk(now - timedelta(days=41 - TRACK_RECORD_PER_PAGE)):%-d %B %Y}" in first
    assert "Approved then submitted" not in first and "Still being drafted" not in first
    second = page_text(reader.get(f"/policy/asks/{hull_ask.id}?page=2"))
    assert "Submitted number" not in second
    assert second.index("Approved then submitted") < second.index("Still being drafted")
    assert f"Approved then submitted Department for Transport {to_uk(sent):%-d %B %Y}" in second
    assert "Still being drafted Department for Transport Not submitted yet" in second


def test_an_ask_page_lists_the_latest_engagements_and_links_to_the_rest(as_user, hull_ask, salford_ask, users) -> None:  # type: ignore[no-untyped-def]
    for n in range(RAISED_AT_SHOWN + 2):
        engagements.create_engagement(users["coordinator"], engagements.EngagementInput(
            occurred_on=uk_today() - timedelta(days=n), kind="officials", title=f"Officials meeting {n:02d}",
            attendees="DfT officials", work_area_id=factories.work_area("Transport").id, notes="",
            ask_ids=[hull_ask.id]))
    engagements.create_engagement(users["coordinator"], engagements.EngagementInput(
        occurred_on=uk_today(), kind="appg", title="APPG on housing", attendees="APPG officers",
        work_area_id=factories.work_area("Housing").id, notes="", ask_ids=[salford_ask.id]))
    db.session.commit()
    reader = as_user("contributor")
    page = reader.get(f"/policy/asks/{hull_ask.id}")
    shown = page_text(page)
    assert f"Raised at {RAISED_AT_SHOWN + 2} engagements." in shown
    assert f"Raised at engagements (the latest {RAISED_AT_SHOWN} of {RAISED_AT_SHOWN + 2})" in shown
    assert "Officials meeting 00" in shown and f"Officials meeting {RAISED_AT_SHOWN:02d}" not in shown
    link = f'href="/policy/engagements?ask={hull_ask.id}"'
    assert link in page.get_data(as_text=True)
    assert f"All {RAISED_AT_SHOWN + 2} engagements that raised this ask" in shown
    # The log, filtered by the ask: every one of them, none other; the filter kept when others change.
    log = reader.get(f"/policy/engagements?ask={hull_ask.id}")
    listed = page_text(log)
    assert f"{RAISED_AT_SHOWN + 2} engagements match the filters." in listed
    assert "Engagements that raised the ask Five-year bus funding." in listed
    assert f"Officials meeting {RAISED_AT_SHOWN + 1:02d}" in listed and "APPG on housing" not in listed
    assert f'name="ask" type="hidden" value="{hull_ask.id}"' in log.get_data(as_text=True)
    assert "No engagement matches these filters." in page_text(
        reader.get(f"/policy/engagements?ask={hull_ask.id}&kind=appg"))
    # An ask that is not there says so rather than quietly listing everything.
    for bad in ("999999", "abc"):
        gone = reader.get(f"/policy/engagements?ask={bad}")
        assert gone.status_code == 404 and "There is no ask with that number." in page_text(gone)
    # An ask raised at a few shows them all and no link.
    few = reader.get(f"/policy/asks/{salford_ask.id}")
    assert "Raised at 1 engagement." in page_text(few) and "engagements?ask=" not in few.get_data(as_text=True)
