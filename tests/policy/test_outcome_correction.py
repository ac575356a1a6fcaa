"""A coordinator corrects a recorded outcome (version-checked, its history in words); the overall
take-up is checked against the per-ask take-up, on recording, on correcting and when the asks are
changed later; the reports and the annual report then count one story."""

from __future__ import annotations

from sqlalchemy import select

from tests.policy.conftest import page_text
from tracker.extensions import db
from tracker.models import ActivityLog, Consultation, Status
from tracker.models.drafts import Outcome
from tracker.models.policy import ResponseAsk
from tracker.policy.takeup import take_up_problem
from tracker.timeutil import uk_today


def _form(c: Consultation, **extra: str) -> dict:  # type: ignore[type-arg]
    today = uk_today()
    return {"version": str(c.version), "url": "https://www.gov.uk/government/consultations/x/outcome",
            "published_on": [str(today.day), str(today.month), str(today.year)], "taken_up": "yes", "notes": "",
            **extra}


def test_which_combinations_disagree() -> None:
    asks = {"Bus funding": "full", "Decent homes": "not"}
    assert take_up_problem("partly", asks) is None
    assert take_up_problem("yes", {"Bus funding": "full", "Decent homes": ""}) is None  # not known: no verdict
    assert "“Decent homes” (not taken up)" in (take_up_problem("yes", asks) or "")
    assert "“Bus funding” (in full) was recorded as taken up" in (take_up_problem("no", asks) or "")
    assert "every ask is recorded as taken up in full. Choose “Yes”" in (
        take_up_problem("partly", {"Bus funding": "full", "Decent homes": "full"}) or "")
    assert take_up_problem("partly", {"Bus funding": "full", "Decent homes": ""}) is None


def test_recording_an_outcome_that_disagrees_with_its_asks_is_refused(  # type: ignore[no-untyped-def]
    as_user, make_response, hull_ask, salford_ask,
) -> None:
    c = make_response(Status.SUBMITTED, title="Pavement parking")
    coordinator = as_user("coordinator")
    coordinator.post(f"/policy/consultations/{c.id}/asks", data={"asks": [hull_ask.id, salford_ask.id], "seen_asks": ""})
    db.session.refresh(c)
    data = _form(c, seen_take_up=f"{hull_ask.id}:,{salford_ask.id}:",
                 **{f"take_up_{hull_ask.id}": "full", f"take_up_{salford_ask.id}": "not"})
    refused = coordinator.post(f"/consultations/{c.id}/outcome", data=data)
    assert refused.status_code == 400
    assert "“Yes” says every ask was taken up, but the record for “Fund decent homes enforcement” (not taken " \
           "up) says otherwise. Choose “Partly”" in page_text(refused)
    assert db.session.scalar(select(Outcome).where(Outcome.consultation_id == c.id)) is None
    assert coordinator.post(f"/consultations/{c.id}/outcome", data={**data, "taken_up": "partly"}).status_code == 302
    # The asks cannot later be changed to disagree with it.
    refused = coordinator.post(f"/policy/consultations/{c.id}/take-up", data={
        "seen_take_up": f"{hull_ask.id}:full,{salford_ask.id}:not", f"take_up_{salford_ask.id}": "full"})
    assert "every ask is recorded as taken up in full" in page_text(coordinator.get(refused.headers["Location"]))
    assert db.session.scalar(select(ResponseAsk.taken_up).where(ResponseAsk.ask_id == salford_ask.id)) == "not"


def test_a_coordinator_corrects_an_outcome_with_its_history(as_user, make_response, hull_ask) -> None:  # type: ignore[no-untyped-def]
    c = make_response(Status.OUTCOME_PUBLISHED, title="Bus franchising guidance", outcome=True)
    db.session.add(ResponseAsk(consultation_id=c.id, ask_id=hull_ask.id, taken_up="full"))
    db.session.commit()
    assert as_user("lead").get(f"/consultations/{c.id}/outcome/correct").status_code == 403
    coordinator = as_user("coordinator")
    response_page = coordinator.get(f"/consultations/{c.id}/response").get_data(as_text=True)
    assert f'href="/consultations/{c.id}/outcome/correct">Correct the outcome</a>' in response_page
    page = coordinator.get(f"/consultations/{c.id}/outcome/correct")
    assert page.status_code == 200 and "Save the correction" in page_text(page)
    assert 'value="partly" checked' in page.get_data(as_text=True)

    seen = c.version
    # "partly" with its only ask taken up in full cannot be right: say so, keep what was typed.
    kept = coordinator.post(f"/consultations/{c.id}/outcome/correct", data=_form(c, taken_up="partly", notes="Typed"))
    assert kept.status_code == 400 and "Choose “Yes”" in page_text(kept) and "Typed" in page_text(kept)
    ok = coordinator.post(f"/consultations/{c.id}/outcome/correct", data=_form(c, notes="Minister's letter"))
    assert ok.status_code == 302
    outcome = db.session.scalar(select(Outcome).where(Outcome.consultation_id == c.id))
    assert outcome is not None and outcome.taken_up == "yes" and outcome.notes == "Minister's letter"
    entry = db.session.scalar(select(ActivityLog).where(ActivityLog.consultation_id == c.id,
                                                        ActivityLog.action == "outcome_corrected"))
    assert entry is not None and entry.before["taken_up"] == "partly" and entry.after["taken_up"] == "yes"
    history = page_text(coordinator.get(f"/consultations/{c.id}"))
    assert "Outcome corrected: asks taken up: yes" in history and "Partly" in history
    # A correction made on the page as it was before is refused, not applied.
    stale = coordinator.post(f"/consultations/{c.id}/outcome/correct",
                             data={**_form(c, taken_up="no", notes=""), "version": str(seen)})
    assert stale.status_code == 409
    db.session.refresh(outcome)
    assert outcome.taken_up == "yes"


def test_the_reports_say_they_count_outcomes_and_the_annual_report_asks(as_user, make_response) -> None:  # type: ignore[no-untyped-def]
    make_response(Status.OUTCOME_PUBLISHED, title="Bus franchising guidance", outcome=True)
    text = page_text(as_user("coordinator").get("/reports"))
    assert "Outcomes: some asks taken up" in text
    assert "Asks taken up in part" not in text
